//! Who may administer what: the rules of identity's admin API in one table-like function.
//!
//! Platform operators administer tenants but never read PHI: who is a client of a practice
//! *is* PHI, so operators may create and suspend tenants, invite a practice's first admins and
//! register its API clients (which work only once a practice admin approves them), but never
//! list its members or care teams, approve clients, or connect an IdP that decides who signs in. Practice admins manage
//! their own tenant only. Everyone else is refused. Tested as a matrix below.

use tp_auth::Role;
use tp_ids::TenantId;

use crate::error::Error;

/// The caller as the rules see it (built from a verified token).
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who acts, for the audit trail.
    pub actor: tp_auth::Actor,
    pub operator: bool,
    pub tenant: Option<TenantId>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction {
    /// Create, list, suspend, reactivate, offboard tenants.
    ManageTenants,
    /// Read a tenant's settings and edit its session policy and SSO.
    ConfigureTenant,
    /// Invite people; `admins_only` when every invited role is practice_admin.
    Invite {
        admins_only: bool,
    },
    /// List members, change roles, remove members.
    ManageMembers,
    ManageCareTeams,
    ManageApiClients,
    /// Let an operator-registered API client obtain tokens.
    ApproveApiClient,
    /// Connect the practice's own IdP: who can sign in to the practice, so practice admins only.
    ConfigureSso,
}

/// `Ok` when `caller` may perform `action` on `tenant`. Another tenant's admin gets
/// `NotFound`, so a tenant id probe reveals nothing.
pub fn authorize(caller: &Caller, tenant: Option<TenantId>, action: AdminAction) -> Result<(), Error> {
    if caller.operator {
        return match action {
            AdminAction::ManageTenants
            | AdminAction::ConfigureTenant
            | AdminAction::ManageApiClients
            | AdminAction::Invite { admins_only: true } => Ok(()),
            AdminAction::Invite { admins_only: false }
            | AdminAction::ManageMembers
            | AdminAction::ManageCareTeams
            | AdminAction::ApproveApiClient
            | AdminAction::ConfigureSso => Err(Error::Forbidden),
        };
    }
    if action == AdminAction::ManageTenants {
        return Err(Error::Forbidden);
    }
    let (Some(own), Some(target)) = (caller.tenant, tenant) else { return Err(Error::Forbidden) };
    if own != target {
        return Err(Error::NotFound);
    }
    if caller.roles.contains(&Role::PracticeAdmin) { Ok(()) } else { Err(Error::Forbidden) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(operator: bool, tenant: Option<TenantId>, roles: &[Role]) -> Caller {
        let actor = tp_auth::Actor::User(tp_ids::UserId::generate());
        Caller { actor, operator, tenant, roles: roles.to_vec() }
    }

    #[test]
    fn every_caller_and_action_gets_the_expected_answer() {
        let (a, b) = (TenantId::generate(), TenantId::generate());
        let operator = caller(true, None, &[Role::PlatformOperator]);
        let admin_a = caller(false, Some(a), &[Role::PracticeAdmin]);
        let clinician_a = caller(false, Some(a), &[Role::Clinician]);
        let api_client_a = caller(false, Some(a), &[Role::ApiClient]);
        let actions = [
            AdminAction::ManageTenants,
            AdminAction::ConfigureTenant,
            AdminAction::Invite { admins_only: true },
            AdminAction::Invite { admins_only: false },
            AdminAction::ManageMembers,
            AdminAction::ManageCareTeams,
            AdminAction::ManageApiClients,
            AdminAction::ApproveApiClient,
            AdminAction::ConfigureSso,
        ];
        // (caller, target tenant, expected per action in the order above: 'y' ok, 'f' forbidden, 'n' not found)
        let table: [(&str, &Caller, TenantId, &str); 5] = [
            ("operator", &operator, a, "yyyfffyff"),
            ("admin of a on a", &admin_a, a, "fyyyyyyyy"),
            ("admin of a on b", &admin_a, b, "fnnnnnnnn"),
            ("clinician of a", &clinician_a, a, "fffffffff"),
            ("api client of a", &api_client_a, a, "fffffffff"),
        ];
        for (name, who, target, expected) in table {
            let expected: Vec<char> = expected.chars().collect();
            assert_eq!(expected.len(), actions.len(), "{name}: one answer per action");
            for (action, want) in actions.iter().zip(expected.iter()) {
                let got = match authorize(who, Some(target), *action) {
                    Ok(()) => 'y',
                    Err(Error::Forbidden) => 'f',
                    Err(Error::NotFound) => 'n',
                    Err(other) => panic!("{name} {action:?}: unexpected {other:?}"),
                };
                assert_eq!(got, *want, "{name} {action:?}");
            }
        }
    }
}
