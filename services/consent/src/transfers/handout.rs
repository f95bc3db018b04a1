//! [`hand_out`]: what every download of a package does, on the platform or through an
//! outside provider's link, in one transaction of the practice asked: the decision taken
//! again for the recipient and the package's categories, the disclosure written to the
//! accounting, the approval's authorizations ended (`transfer_completed`), the transfer
//! marked downloaded and its package deleted. The caller audits and commits; the bundle
//! leaves only if that commits.
//!
//! Not here: who may download (the requester's token, or the link's token and code) and what
//! a refusal is audited as: each caller's own business.

use chrono::Utc;
use serde_json::Value;
use tp_consent_api::disclosure::{Disclosure, Recipient};
use tp_db::TenantTx;
use tp_ids::UserId;

use super::{open_approval, stored};
use crate::db::authorizations;
use crate::db::transfers::{self as rows, TransferRow};
use crate::disclosure::disclosures::record_disclosure;
use crate::domain::transfer::Stored;
use crate::error::Error;
use crate::state::AppState;

/// What a download answers for anything but a package waiting: the same words whether the
/// request is pending, declined, lapsed or already downloaded.
pub(super) const NOTHING_TO_DOWNLOAD: &str = "this request has nothing to download";

/// A package handed out: whose, the accounting's line, the bundle.
pub(super) struct Handed {
    pub client: UserId,
    pub disclosure: Disclosure,
    pub bundle: Value,
}

/// Hands out `row`'s package (locked by the caller in `tx`) to `to`, accounted as disclosed
/// by `by` through `channel`. `Forbidden` when the decision no longer permits every category
/// of the package (revoked, restricted, lapsed): nothing is written then.
pub(super) async fn hand_out(
    state: &AppState,
    tx: &TenantTx,
    row: &TransferRow,
    (to, by): (Recipient, UserId),
    channel: &str,
) -> Result<Handed, Error> {
    let tenant = tx.tenant();
    let (stored, times) = stored(row)?;
    let live = stored == Stored::Approved && times.download_expires_at.is_some_and(|at| at > Utc::now());
    let (Some(client), Some(approval), true) = (row.client, open_approval(state, tenant, row).await?, live) else {
        return Err(Error::Conflict(NOTHING_TO_DOWNLOAD));
    };
    let sealed = rows::package(tx, row.id).await?.ok_or(Error::Conflict(NOTHING_TO_DOWNLOAD))?;
    let contents = super::answer::open_package(state, tenant, row.id, &sealed).await?;
    let disclosure = record_disclosure(state, tx, (client, by), (to, contents.categories), channel.to_owned()).await?;
    for authorization in &approval.authorization_ids {
        authorizations::end_by_event(tx, client, *authorization).await?;
    }
    rows::complete(tx, row.id).await?;
    Ok(Handed { client, disclosure, bundle: contents.bundle })
}
