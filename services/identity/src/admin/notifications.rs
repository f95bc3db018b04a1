//! Notifications other services ask identity to send, since identity holds the mailer: the
//! practice admins' email about a break-glass opening (records), and the link to records
//! shared with a provider outside the platform (consent).
//!
//! Break-glass: the caller is the clinician who opened the chart (their token, forwarded):
//! they must hold `BreakGlass` in the practice. The email names no one; admins see the
//! details in records' review after signing in.
//!
//! Records link: the caller is the client who approved the transfer (their token): they
//! must hold `TransfersRespond` in the practice. The URL is built here from the configured
//! `identity.shared_records_url` and opaque pieces only (the token's practice, the request
//! id, the link's random token), so no caller can make identity mail a link elsewhere.

use tp_authz::Permission;
use tp_db::TenantTx;
use tp_identity_api::internal::RecordsLinkNotice;
use tp_ids::TenantId;

use crate::accounts::emails::{break_glass_opened, records_link};
use crate::db::memberships;
use crate::domain::admin::{Caller, authorize};
use crate::domain::email::Email;
use crate::error::Error;
use crate::state::AppState;

/// Emails every active practice admin of `tenant`; how many were emailed. Every address is
/// tried; the first failure is reported after the others were sent.
pub async fn break_glass(state: &AppState, caller: &Caller, tenant: TenantId) -> Result<usize, Error> {
    authorize(caller, Some(tenant), Permission::BreakGlass)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let emails = memberships::admin_emails(&tx).await?;
    tx.commit().await?;
    let mut failure = None;
    for email in &emails {
        let message = break_glass_opened(&Email::from_trusted(email.clone()));
        if let Err(e) = state.mailer.send(message).await {
            failure.get_or_insert(Error::Unavailable(e.into()));
        }
    }
    failure.map_or(Ok(emails.len()), Err)
}

/// Length of a link token: 32 random bytes in URL-safe base64 without padding.
const LINK_TOKEN_LEN: usize = 43;

/// Emails the outside provider at `notice.email` the link to records shared with them.
pub async fn records_link_notice(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    notice: &RecordsLinkNotice,
) -> Result<(), Error> {
    authorize(caller, Some(tenant), Permission::TransfersRespond)?;
    let token_ok = notice.token.len() == LINK_TOKEN_LEN
        && notice.token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !token_ok {
        return Err(Error::invalid("token", "must be a link token"));
    }
    let to = Email::parse(&notice.email).map_err(|_| Error::invalid("email", "must be an email address"))?;
    let base = state
        .settings
        .shared_records_url
        .as_deref()
        .ok_or_else(|| Error::Unavailable(anyhow::anyhow!("identity.shared_records_url is not configured")))?;
    let url = format!("{base}/shared-records/{tenant}/{}?token={}", notice.request_id, notice.token);
    state.mailer.send(records_link(&to, &url)).await.map_err(|e| Error::Unavailable(e.into()))
}
