//! The outside provider's download: no bearer token, the link's token (from the emailed URL)
//! and the one-time code (given by phone) are the credentials. In one transaction of the
//! practice, with the transfer and its link locked, so concurrent guesses queue and none
//! gets past the fifth:
//!
//! 1. unknown request, no link, or a token whose SHA-256 is not the link's: 404, alike;
//! 2. a link locked by five wrong codes: 423, even with the right code;
//! 3. a download that lapsed or happened: 410;
//! 4. a wrong code: counted (the fifth locks) and committed on its own, 403 with the attempts
//!    left (423 for the fifth);
//! 5. the right code: exactly the on-platform download ([`super::handout`]) for the outside
//!    provider, accounted as disclosed by the member who recorded the request through a
//!    "secure link"; a consent revoked since answers 403 and nothing is accounted.
//!
//! Events have no signed-in actor (`anonymous`) and the client as subject.

use chrono::Utc;
use serde_json::Value;
use tp_audit_log::Outcome;
use tp_audit_log::action::consent::{TRANSFER_CODE_REFUSED, TRANSFER_DOWNLOADED};
use tp_consent_api::transfers::SharedRecordsUnlock;
use tp_db::TenantTx;
use tp_ids::{RequestId, TenantId};
use uuid::Uuid;

use super::handout::hand_out;
use super::{LINK_CODE, OUTSIDE_CHANNEL, open_asked, stored};
use crate::audit::{anonymous_event, record};
use crate::db::transfer_links as links;
use crate::db::transfers as rows;
use crate::disclosure::sealed::seal;
use crate::domain::link::{attempts_left, digest, same_secret};
use crate::domain::transfer::Stored;
use crate::error::Error;
use crate::state::AppState;

/// The provider opens the package of request `id` of `tenant` with `unlock`; the bundle, once.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn unlock(
    state: &AppState,
    request_id: Option<RequestId>,
    (tenant, id): (TenantId, Uuid),
    unlock: SharedRecordsUnlock,
) -> Result<Value, Error> {
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::one(&tx, id, true).await?.ok_or(Error::NotFound)?;
    let (Some(client), Some(link)) = (row.named_client, links::one(&tx, id, true).await?) else {
        return Err(Error::NotFound);
    };
    if !same_secret(&link.token_sha256, &digest(&unlock.token)) {
        return Err(Error::NotFound);
    }
    if link.locked_at.is_some() {
        return Err(Error::LinkLocked);
    }
    let (stored, times) = stored(&row)?;
    if stored != Stored::Approved || !row.packaged || times.download_expires_at.is_none_or(|at| at <= Utc::now()) {
        return Err(Error::LinkGone);
    }
    let code: String = seal(state, tenant, LINK_CODE, (client, id)).open(&link.code).await?;
    if !same_secret(code.as_bytes(), unlock.code.trim().as_bytes()) {
        let left = attempts_left(u32::try_from(link.failed_attempts).unwrap_or(u32::MAX).saturating_add(1));
        links::count_wrong_code(&tx, id, left == 0).await?;
        let event = anonymous_event((TRANSFER_CODE_REFUSED, Outcome::Failure), tenant, client, request_id)
            .detail("request_id", id.to_string())
            .detail("attempts_left", left.to_string());
        record(&*tx, &event).await?;
        // Committed on its own: the count stands whatever the provider does next.
        tx.commit().await?;
        return Err(if left == 0 { Error::LinkLocked } else { Error::WrongCode { attempts_left: left } });
    }
    let to = open_asked(state, tenant, &row).await?.recipient();
    let handed = match hand_out(state, &tx, &row, (to, row.requested_by), OUTSIDE_CHANNEL).await {
        // Revoked, restricted or lapsed since the package was made: nothing leaves.
        Err(Error::Forbidden) => {
            drop(tx);
            refused(state, tenant, client, (id, request_id)).await;
            return Err(Error::Forbidden);
        }
        other => other?,
    };
    let event = anonymous_event((TRANSFER_DOWNLOADED, Outcome::Success), tenant, client, request_id)
        .detail("request_id", id.to_string())
        .detail("disclosure_id", handed.disclosure.id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(handed.bundle)
}

/// Records a download the decision refused, in a transaction of its own. Best effort, like
/// every refusal: the refusal stands either way, and a failure is logged.
async fn refused(
    state: &AppState,
    tenant: TenantId,
    client: tp_ids::UserId,
    (id, request_id): (Uuid, Option<RequestId>),
) {
    let event = anonymous_event((TRANSFER_DOWNLOADED, Outcome::Denied), tenant, client, request_id)
        .detail("request_id", id.to_string());
    let written = async {
        let tx = TenantTx::begin(&state.db, tenant).await?;
        record(&*tx, &event).await?;
        tx.commit().await?;
        Ok::<(), Error>(())
    };
    if let Err(e) = written.await {
        tracing::warn!(error = %tp_errors::error_chain(&e), "a refused download could not be audited");
    }
}
