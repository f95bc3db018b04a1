//! The role -> permission table and the two questions asked of it: may these roles do this
//! at all ([`allows`]), and may this principal do it to that tenant ([`authorize`]).

use tp_auth::{Principal, Role, RoleSet, ScopeSet};
use tp_ids::TenantId;

use crate::Permission::{self, *};

/// What each role may do. Platform operators administer practices but never see who their
/// members or clients are (that is PHI), so they get no member, care-team or directory
/// permission. API clients get read permissions only, and each also needs its scope.
pub const fn granted(role: Role) -> &'static [Permission] {
    match role {
        Role::PracticeAdmin => &[
            OwnAccount,
            TenantSettingsRead,
            TenantSettingsWrite,
            MembersRead,
            MembersInvite,
            AdminsInvite,
            MembersManage,
            DirectoryRead,
            CareTeamsRead,
            CareTeamsManage,
            ApiClientsManage,
            ApiClientsApprove,
            SsoConfigure,
            DemographicsRead,
            DemographicsWrite,
            ClientsSearch,
            AuditVerify,
            AuditRead,
            // Clinical content only when also on the client's care team (records checks).
            NotesRead,
            ClinicalRead,
            FormTemplatesManage,
            ChartExport,
            AmendmentsReview,
            ConsentTemplatesRead,
            ConsentTemplatesManage,
            ConsentDocumentsRead,
            ConsentReadinessRead,
            DisclosuresRead,
            RestrictionsReview,
            DisclosureDecide,
            DisclosuresRecord,
            TransfersRequest,
            TransfersRecord,
            AppointmentsRead,
            AppointmentsBook,
        ],
        Role::Clinician => &[
            OwnAccount,
            DirectoryRead,
            DemographicsRead,
            DemographicsWrite,
            NotesRead,
            NotesWrite,
            ClinicalRead,
            ClinicalWrite,
            FormTemplatesManage,
            FormsRespond,
            PsychotherapyNotes,
            BreakGlass,
            ChartExport,
            AmendmentsReview,
            ConsentTemplatesRead,
            ConsentReadinessRead,
            TransfersRequest,
            // Their own schedule and the rooms of their own sessions.
            AppointmentsRead,
            AppointmentsBook,
            RoomsJoin,
            RoomsRecord,
        ],
        // Minimum necessary: the front desk's demographics and contacts, no clinical content,
        // and whether a client's paperwork is done (titles and booleans).
        Role::Staff => &[
            OwnAccount,
            DirectoryRead,
            DemographicsRead,
            DemographicsWrite,
            ClientsSearch,
            ConsentTemplatesRead,
            ConsentReadinessRead,
            // The front desk takes outside providers' records requests.
            TransfersRecord,
            // And books the practice's appointments (times and ids only).
            AppointmentsRead,
            AppointmentsBook,
        ],
        // A client looks people up to see who accessed their record; identity shows them the
        // practice's staff and clinicians only, never other clients.
        Role::Client => &[
            OwnAccount,
            DirectoryRead,
            DemographicsRead,
            OwnRecordAccess,
            // Their own signed progress notes (records shows a client no draft).
            NotesRead,
            ClinicalRead,
            FormsRespond,
            ChartExport,
            AmendmentsRequest,
            // Their own consent documents: read, sign, withdraw.
            ConsentTemplatesRead,
            ConsentSign,
            ConsentDocumentsRead,
            ConsentReadinessRead,
            // Their own authorizations, restrictions and accounting of disclosures.
            DisclosureAuthorize,
            DisclosuresRead,
            RestrictionsRequest,
            DisclosureDecide,
            // Approving a records request: the requests about them, and the sealed package.
            TransfersRespond,
            DisclosurePackage,
            // Their own appointments and the rooms of their own sessions.
            AppointmentsRead,
            AppointmentsBook,
            RoomsJoin,
        ],
        Role::ApiClient => &[TenantSettingsRead, MembersRead, DirectoryRead, CareTeamsRead],
        // Operators are a machine client today: no "own account" (a person's profile).
        Role::PlatformOperator => {
            &[TenantsAdminister, TenantSettingsRead, TenantSettingsWrite, AdminsInvite, ApiClientsManage, AuditVerify]
        }
    }
}

/// Whether any of `roles` grants `permission`. An API client also needs the permission's
/// scope: a token for a client registered with `identity:read` only cannot do more.
pub fn allows(roles: RoleSet, scopes: &ScopeSet, permission: Permission) -> bool {
    roles.iter().any(|role| {
        granted(role).contains(&permission)
            && (role != Role::ApiClient || permission.api_scope().is_some_and(|scope| scopes.contains(scope)))
    })
}

/// Why [`authorize`] said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The caller's roles do not grant the permission (or the caller has no tenant).
    #[error("not allowed")]
    Forbidden,
    /// The target belongs to another tenant: answered as "not found" so a probe with
    /// another practice's id learns nothing.
    #[error("not found")]
    NotFound,
}

/// May `principal` use `permission` on `target` (a tenant, or `None` for platform-wide
/// operations)? Operators act platform-wide; everyone else only inside the tenant of
/// their token.
pub fn authorize(principal: &Principal, target: Option<TenantId>, permission: Permission) -> Result<(), Denied> {
    let permitted = allows(principal.roles(), principal.scopes(), permission);
    if principal.is_operator() {
        return if permitted { Ok(()) } else { Err(Denied::Forbidden) };
    }
    match (principal.tenant_opt(), target) {
        (Some(own), Some(target)) if own != target => Err(Denied::NotFound),
        (Some(_), _) if permitted => Ok(()),
        _ => Err(Denied::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &[Role]) -> RoleSet {
        list.iter().copied().collect()
    }

    /// The whole table, written out again by hand: a change to `granted` must be made here
    /// too, on purpose. Columns follow `Permission::ALL`; 'y' allowed, '.' refused.
    #[test]
    fn every_role_gets_exactly_the_permissions_of_the_table() {
        let all_api = ScopeSet::parse("identity:read identity:write").unwrap();
        let expected = [
            (Role::PracticeAdmin, "y.yyyyyyyyyyyyyyyyy.y.y.y...y.yyy.yy.y.yyy.yy.yy.."),
            (Role::Clinician, "y.......y.....yy....yyyyyyyyy.yy...y.......y..yyyy"),
            (Role::Staff, "y.......y.....yyy..............y...y........y.yy.."),
            (Role::Client, "y.......y.....y....yy.y..y..yy.y.yyyyyy.y.y..yyyy."),
            (Role::ApiClient, "..y.y...yy........................................"),
            (Role::PlatformOperator, ".yyy..y....y.....y................................"),
        ];
        for (role, row) in expected {
            let row: Vec<char> = row.chars().collect();
            assert_eq!(row.len(), Permission::ALL.len(), "{role}: one column per permission");
            for (permission, want) in Permission::ALL.iter().zip(row) {
                let got = if allows(roles(&[role]), &all_api, *permission) { 'y' } else { '.' };
                assert_eq!(got, want, "{role} {permission}");
            }
        }
    }

    #[test]
    fn an_api_client_needs_the_scope_as_well_as_the_role() {
        let none = ScopeSet::parse("").unwrap();
        let read = ScopeSet::parse("identity:read").unwrap();
        let api = roles(&[Role::ApiClient]);
        assert!(!allows(api, &none, Permission::MembersRead));
        assert!(allows(api, &read, Permission::MembersRead));
        // A scope never adds a permission the role does not have.
        assert!(!allows(api, &ScopeSet::parse("identity:write").unwrap(), Permission::MembersManage));
        // Scopes do not restrict people: their tokens carry OIDC scopes only.
        assert!(allows(roles(&[Role::PracticeAdmin]), &none, Permission::MembersManage));
    }

    #[test]
    fn no_role_grants_a_permission_twice_and_every_permission_has_a_holder() {
        let all_roles =
            [Role::PracticeAdmin, Role::Clinician, Role::Staff, Role::Client, Role::ApiClient, Role::PlatformOperator];
        for role in all_roles {
            let list = granted(role);
            let mut sorted = list.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "{role} lists a permission twice");
        }
        for permission in Permission::ALL {
            assert!(all_roles.iter().any(|r| granted(*r).contains(&permission)), "{permission} has no holder");
        }
    }
}
