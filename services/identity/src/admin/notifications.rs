//! Notifications other services ask identity to send, since identity alone knows people's
//! addresses: today, the practice admins' email about a break-glass opening (records).
//!
//! The caller is the clinician who opened the chart (their token, forwarded): they must hold
//! `BreakGlass` in the practice. The email names no one; admins see the details in records'
//! review after signing in.

use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::TenantId;

use crate::accounts::emails::break_glass_opened;
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
