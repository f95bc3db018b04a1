//! The federated first factor: the session of a person their practice's IdP vouched for
//! (`federation::finish` linked them), bound to that practice from its creation.
//!
//! Everything about the session comes from that one practice: its tenant, its absolute
//! lifetime, and whether a second factor is owed (the practice's policy for the person's
//! roles there; an enrolled authenticator is always asked, as after a password). Nothing
//! of the person's other practices is read, and the flow never offers another practice for
//! a session whose practice is fixed: an IdP that a practice controls signs people in to
//! that practice only. The linking rule (`federation::callback`) further refuses accounts
//! that belong to any other practice or to the platform.
//!
//! Not here: the IdP round trip and linking (`federation`), the password step.

use tp_ids::{TenantId, UserId};

use super::policy::requires_mfa;
use crate::accounts;
use crate::db::{own_memberships, subjects};
use crate::domain::session::{AMR_FEDERATED, Stage};
use crate::error::Error;
use crate::signin::session::{self, Start};
use crate::state::AppState;

/// Starts the session of `user`, whom `tenant`'s IdP vouched for; its cookie token (shown
/// once). `None` when the membership is no longer active (removed since the link, or the
/// practice suspended meanwhile): no session then.
pub(crate) async fn start_session(state: &AppState, user: UserId, tenant: TenantId) -> Result<Option<String>, Error> {
    let memberships = own_memberships::list_active(&state.db, user).await?;
    let Some(membership) = memberships.iter().find(|m| m.tenant == tenant) else { return Ok(None) };
    // Linking refuses operators; should one ever get here, they owe a second factor as always.
    let operator = subjects::subject(&state.db, user).await?.is_some_and(|s| s.platform_operator);
    let required = operator || requires_mfa(membership);
    let stage = Stage::after_password(accounts::mfa_enrolled(state, user).await?, required);
    let start = Start {
        user,
        tenant: Some(tenant),
        stage,
        amr: AMR_FEDERATED,
        lifetime_secs: membership.absolute_timeout_secs,
    };
    let (id, token) = session::start(state, start).await?;
    if stage == Stage::Authenticated {
        // Signed in to the practice now; otherwise when the second factor is done.
        session::signed_in(state, id, user, tenant).await?;
    }
    Ok(Some(token))
}
