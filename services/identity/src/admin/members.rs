//! A practice's people: list, change roles, remove. Invitations are in `accounts`.

use tp_audit_log::{Subject, action::identity as audit_action};
use tp_auth::Role;
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_identity_api::events::EventKind;
use tp_ids::{TenantId, UserId};

use crate::accounts::{self, InviteOutcome};
use crate::admin::{audit, audit_with};
use crate::db::memberships::{self, Member};
use crate::domain::admin::{Caller, authorize, invite_permission};
use crate::domain::email::Email;
use crate::domain::page::PageRequest;
use crate::error::Error;
use crate::events;
use crate::state::AppState;

/// How far back ended sessions are published again: as long as their tokens may live.
fn republish_window(state: &AppState) -> u64 {
    state.settings.access_token_ttl_secs + 60
}

/// Membership roles from their wire names: at least one, each a practice role.
pub fn parse_roles(names: &[String]) -> Result<Vec<Role>, Error> {
    let mut roles = Vec::new();
    for name in names {
        let role = name.parse::<Role>().ok().filter(|r| Role::MEMBERSHIP.contains(r));
        let role = role.ok_or_else(|| Error::invalid("roles", "use practice_admin, clinician, staff or client"))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        return Err(Error::invalid("roles", "at least one role is needed"));
    }
    Ok(roles)
}

/// Invites `email` into the practice with `roles` (an email with a one-time link goes out).
/// Operators may invite practice admins only; practice admins anyone.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    email: &str,
    roles: &[String],
) -> Result<InviteOutcome, Error> {
    let roles = parse_roles(roles)?;
    authorize(caller, Some(tenant), invite_permission(&roles))?;
    let email = Email::parse(email).map_err(|_| Error::invalid("email", "is not a valid address"))?;
    let outcome = accounts::invite(state, tenant, &email, &roles, caller.actor().into()).await?;
    // No user id: the invitee may have no account yet, and whether they do is not said.
    events::publish(state, events::event(tenant, EventKind::MemberInvited, None, None)).await;
    Ok(outcome)
}

/// One page of the practice's members (ordered by user id) and whether more follow.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    page: PageRequest,
) -> Result<(Vec<Member>, bool), Error> {
    authorize(caller, Some(tenant), Permission::MembersRead)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    // One row more than asked tells whether another page follows, without a count.
    let mut members = memberships::page(&tx, page.after, page.first + 1).await?;
    tx.commit().await?;
    let has_next_page = members.len() > page.first;
    members.truncate(page.first);
    Ok((members, has_next_page))
}

/// Replaces a member's roles. The member's live sessions end, so tokens with the old roles
/// stop working now rather than at their expiry.
pub async fn set_roles(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    user: UserId,
    roles: &[String],
) -> Result<Member, Error> {
    authorize(caller, Some(tenant), Permission::MembersManage)?;
    let roles = parse_roles(roles)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let member = memberships::set_roles(&tx, user, &roles).await?;
    let sessions = memberships::end_sessions(&tx, user, republish_window(state)).await?;
    let roles = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ");
    let subject = Subject::new("user", user);
    audit_with(&*tx, caller, audit_action::ROLES_CHANGED, tenant, subject, &[("roles", roles)]).await?;
    tx.commit().await?;
    events::publish(state, events::event(tenant, EventKind::MemberRolesChanged, Some(user), None)).await;
    crate::oauth::revocation::publish_revoked_sessions(state, &sessions).await?;
    Ok(member)
}

pub async fn remove(state: &AppState, caller: &Caller, tenant: TenantId, user: UserId) -> Result<(), Error> {
    authorize(caller, Some(tenant), Permission::MembersManage)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    memberships::remove(&tx, user).await?;
    let sessions = memberships::end_sessions(&tx, user, republish_window(state)).await?;
    audit(&*tx, caller, audit_action::MEMBERSHIP_REVOKED, tenant, Subject::new("user", user)).await?;
    tx.commit().await?;
    events::publish(state, events::event(tenant, EventKind::MemberRemoved, Some(user), None)).await;
    let revoked = crate::oauth::revocation::publish_revoked_sessions(state, &sessions).await;
    // Leaving ends the member's care-team assignments too. Tried even when Redis refused
    // the revocations: each is worth having on its own.
    let restamped = crate::admin::care_teams::restamp(state, tenant).await;
    revoked.and(restamped)
}
