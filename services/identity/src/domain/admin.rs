//! Who may administer what: identity asks the platform's one role -> permission table
//! (`tp_authz`), the same table the gateway's guards ask, so a request the gateway lets
//! through and identity refuses (or the reverse) cannot come from two tables drifting apart.
//!
//! Platform operators administer tenants but never read PHI: who is a client of a practice
//! *is* PHI, so the table gives operators tenant lifecycle, tenant settings, inviting a
//! practice's first admins and registering its API clients (which work only once a practice
//! admin approves them), never members, care teams, approvals or SSO. Another tenant's id
//! is answered as not found. The role x operation matrix is tested over HTTP with real
//! tokens (`tests/api/admin/matrix.rs`); the table itself is tested in `tp_authz`.
//!
//! Relationship rules (care teams) and the choice of permission per operation stay with the
//! admin use cases; this module only binds a verified caller to the table.

use tp_auth::{Actor, Principal, Role};
use tp_authz::{Denied, Permission};
use tp_ids::TenantId;

use crate::error::Error;

/// The caller as the rules see it: the verified token, kept whole so that `tp_authz` sees
/// exactly what the gateway's guards saw (roles, scopes, tenant).
#[derive(Debug, Clone)]
pub struct Caller {
    principal: Principal,
}

impl Caller {
    pub const fn new(principal: Principal) -> Self {
        Self { principal }
    }

    /// Who acts, for the audit trail.
    pub const fn actor(&self) -> &Actor {
        self.principal.actor()
    }

    pub const fn principal(&self) -> &Principal {
        &self.principal
    }

    pub const fn is_operator(&self) -> bool {
        self.principal.is_operator()
    }

    /// Whether the caller holds `permission` at all (for choosing a view, not for access:
    /// access goes through [`authorize`], which also binds the tenant).
    pub fn holds(&self, permission: Permission) -> bool {
        tp_authz::allows(self.principal.roles(), self.principal.scopes(), permission)
    }
}

/// `Ok` when `caller` may use `permission` on `tenant` (`None`: platform-wide). Another
/// tenant's caller gets `NotFound`, so a tenant id probe reveals nothing.
pub fn authorize(caller: &Caller, tenant: Option<TenantId>, permission: Permission) -> Result<(), Error> {
    tp_authz::authorize(&caller.principal, tenant, permission).map_err(from_denied)
}

const fn from_denied(denied: Denied) -> Error {
    match denied {
        Denied::Forbidden => Error::Forbidden,
        Denied::NotFound => Error::NotFound,
    }
}

/// Inviting practice admins only is what an operator does for a new practice; any other
/// role needs the practice's own permission to invite members.
pub fn invite_permission(roles: &[Role]) -> Permission {
    if roles.iter().all(|r| *r == Role::PracticeAdmin) { Permission::AdminsInvite } else { Permission::MembersInvite }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_its_kind() {
        assert!(matches!(from_denied(Denied::Forbidden), Error::Forbidden));
        assert!(matches!(from_denied(Denied::NotFound), Error::NotFound));
    }

    #[test]
    fn inviting_anyone_but_admins_needs_the_member_invite_permission() {
        assert_eq!(invite_permission(&[Role::PracticeAdmin]), Permission::AdminsInvite);
        assert_eq!(invite_permission(&[Role::PracticeAdmin, Role::Client]), Permission::MembersInvite);
        assert_eq!(invite_permission(&[Role::Clinician]), Permission::MembersInvite);
    }
}
