//! The permissions: one per kind of operation, named for what it lets the caller do.

/// Something a caller may be allowed to do. New domains add their permissions here and a
/// row per role in [`crate::granted`]; the matrix tests enumerate [`Permission::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// The caller's own account: profile, practices, sessions. People only, never machines.
    OwnAccount,
    /// Create, list, suspend, reactivate and offboard practices (platform operators).
    TenantsAdminister,
    /// Read a practice's settings (name, status, session policy).
    TenantSettingsRead,
    /// Change a practice's session policy.
    TenantSettingsWrite,
    /// List a practice's members with their contact details (email).
    MembersRead,
    /// Invite people with roles other than practice admin.
    MembersInvite,
    /// Invite practice admins (what an operator does for a new practice).
    AdminsInvite,
    /// Change members' roles and remove members.
    MembersManage,
    /// Look people of the practice up by id: name and roles, no contact details (clients:
    /// the practice's staff and clinicians only, identity filters).
    DirectoryRead,
    /// Read care-team assignments (who treats whom).
    CareTeamsRead,
    /// Assign and unassign clinicians to clients.
    CareTeamsManage,
    /// Register, list and revoke API clients.
    ApiClientsManage,
    /// Let an operator-registered API client obtain tokens.
    ApiClientsApprove,
    /// Connect the practice's own identity provider.
    SsoConfigure,
    /// Read a client's demographics and contacts. Clinicians only for clients on their care
    /// team, clients only their own (records checks the relationship).
    DemographicsRead,
    /// Record or correct a client's demographics (clinicians: care team only).
    DemographicsWrite,
    /// Find clients by name (the front desk's look-up).
    ClientsSearch,
    /// Verify the integrity of an audit log's hash chain (the report names positions and
    /// event ids, never event content).
    AuditVerify,
    /// Search the practice's audit log.
    AuditRead,
    /// See who accessed one's own record (a client's view of the audit log).
    OwnRecordAccess,
    /// Read a client's progress notes (clinical content). Records also requires the caller
    /// to be on the client's care team, practice admins included; a client reads their own
    /// signed notes.
    NotesRead,
    /// Write, sign and amend progress notes (care team only; edits and signing by the
    /// author only, records checks).
    NotesWrite,
    /// Read the clinical chart: diagnoses, treatment plan, medications, documents and form
    /// responses. Clinicians and practice admins only when on the client's care team, a
    /// client only their own (records checks the relationship).
    ClinicalRead,
    /// Record diagnoses, treatment plans, medications and documents (care team only).
    ClinicalWrite,
    /// Define the practice's intake and assessment form templates (no PHI in a template).
    FormTemplatesManage,
    /// Fill in a form: a client their own, a clinician for a client on their care team.
    FormsRespond,
    /// Write and read psychotherapy notes: their author only, a kind apart from the chart.
    PsychotherapyNotes,
    /// Open the chart of a client not on one's care team in an emergency: a reason is
    /// required, the access is time-limited, flagged in the audit log and notified.
    BreakGlass,
    /// Download a client's chart (FHIR R4 Bundle, readable summary): the right of access.
    ChartExport,
    /// Ask the practice to amend one's own chart (a client, about their own record).
    AmendmentsRequest,
    /// Accept or decline clients' amendment requests (care team, practice admins).
    AmendmentsReview,
    /// Read the practice's consent templates (built-in and its own).
    ConsentTemplatesRead,
    /// Write the practice's consent templates and choose those required before a first
    /// appointment.
    ConsentTemplatesManage,
    /// Sign a consent document, or withdraw one signed (a client, their own only).
    ConsentSign,
    /// Read a client's signed consent documents with their text (practice admins; a client
    /// their own).
    ConsentDocumentsRead,
    /// Whether a client signed what the practice requires and consented to recording:
    /// titles and booleans only (minimum necessary for booking and the telehealth room).
    ConsentReadinessRead,
    /// Authorize a disclosure of one's own record, or revoke an authorization (a client).
    DisclosureAuthorize,
    /// Read a client's authorizations, restrictions and accounting of disclosures (practice
    /// admins; a client their own).
    DisclosuresRead,
    /// Ask the practice to restrict uses or disclosures of one's own record (a client).
    RestrictionsRequest,
    /// Accept or decline clients' requested restrictions (practice admins).
    RestrictionsReview,
    /// Ask whether categories of a client's record may go to a recipient now (permit or
    /// deny, never the record itself): practice admins, and a client about their own (the
    /// token a client-approved transfer exports with).
    DisclosureDecide,
    /// Record a disclosure made outside the platform in the accounting (practice admins).
    DisclosuresRecord,
    /// Have records package one's own record for a disclosure one approved (a client; the
    /// package is sealed: the client never reads it).
    DisclosurePackage,
    /// Ask another practice for a client's records, follow one's requests and download
    /// what the client approved (clinicians and practice admins).
    TransfersRequest,
    /// Record a records request made by someone outside the platform (by phone, by
    /// post) for a client of the practice (practice admins and staff).
    TransfersRecord,
    /// See the records requests about oneself and approve or decline them (a client).
    TransfersRespond,
    /// See appointments: the practice's admins and staff every one (times and ids, never
    /// clinical content), a clinician their own schedule, a client their own appointments.
    AppointmentsRead,
    /// Book and cancel appointments, with the same reach as reading them; a booking needs
    /// the client's required consent documents signed (scheduling asks consent).
    AppointmentsBook,
    /// Enter the telehealth room of one's own appointment (its clinician or client) and see
    /// whether the session may be and is being recorded.
    RoomsJoin,
    /// Start and stop recording one's own telehealth session (its clinician), only with the
    /// client's recording consent.
    RoomsRecord,
}

impl Permission {
    pub const ALL: [Permission; 50] = [
        Permission::OwnAccount,
        Permission::TenantsAdminister,
        Permission::TenantSettingsRead,
        Permission::TenantSettingsWrite,
        Permission::MembersRead,
        Permission::MembersInvite,
        Permission::AdminsInvite,
        Permission::MembersManage,
        Permission::DirectoryRead,
        Permission::CareTeamsRead,
        Permission::CareTeamsManage,
        Permission::ApiClientsManage,
        Permission::ApiClientsApprove,
        Permission::SsoConfigure,
        Permission::DemographicsRead,
        Permission::DemographicsWrite,
        Permission::ClientsSearch,
        Permission::AuditVerify,
        Permission::AuditRead,
        Permission::OwnRecordAccess,
        Permission::NotesRead,
        Permission::NotesWrite,
        Permission::ClinicalRead,
        Permission::ClinicalWrite,
        Permission::FormTemplatesManage,
        Permission::FormsRespond,
        Permission::PsychotherapyNotes,
        Permission::BreakGlass,
        Permission::ChartExport,
        Permission::AmendmentsRequest,
        Permission::AmendmentsReview,
        Permission::ConsentTemplatesRead,
        Permission::ConsentTemplatesManage,
        Permission::ConsentSign,
        Permission::ConsentDocumentsRead,
        Permission::ConsentReadinessRead,
        Permission::DisclosureAuthorize,
        Permission::DisclosuresRead,
        Permission::RestrictionsRequest,
        Permission::RestrictionsReview,
        Permission::DisclosureDecide,
        Permission::DisclosuresRecord,
        Permission::DisclosurePackage,
        Permission::TransfersRequest,
        Permission::TransfersRecord,
        Permission::TransfersRespond,
        Permission::AppointmentsRead,
        Permission::AppointmentsBook,
        Permission::RoomsJoin,
        Permission::RoomsRecord,
    ];

    /// The OAuth scope an API client needs on top of its role, or `None` when the
    /// permission is never a machine's.
    pub const fn api_scope(self) -> Option<&'static str> {
        match self {
            Permission::TenantSettingsRead
            | Permission::MembersRead
            | Permission::DirectoryRead
            | Permission::CareTeamsRead => Some("identity:read"),
            Permission::OwnAccount
            | Permission::TenantsAdminister
            | Permission::TenantSettingsWrite
            | Permission::MembersInvite
            | Permission::AdminsInvite
            | Permission::MembersManage
            | Permission::CareTeamsManage
            | Permission::ApiClientsManage
            | Permission::ApiClientsApprove
            | Permission::SsoConfigure
            | Permission::DemographicsRead
            | Permission::DemographicsWrite
            | Permission::ClientsSearch
            | Permission::AuditVerify
            | Permission::AuditRead
            | Permission::OwnRecordAccess
            | Permission::NotesRead
            | Permission::NotesWrite
            | Permission::ClinicalRead
            | Permission::ClinicalWrite
            | Permission::FormTemplatesManage
            | Permission::FormsRespond
            | Permission::PsychotherapyNotes
            | Permission::BreakGlass
            | Permission::ChartExport
            | Permission::AmendmentsRequest
            | Permission::AmendmentsReview
            | Permission::ConsentTemplatesRead
            | Permission::ConsentTemplatesManage
            | Permission::ConsentSign
            | Permission::ConsentDocumentsRead
            | Permission::ConsentReadinessRead
            | Permission::DisclosureAuthorize
            | Permission::DisclosuresRead
            | Permission::RestrictionsRequest
            | Permission::RestrictionsReview
            | Permission::DisclosureDecide
            | Permission::DisclosuresRecord
            | Permission::DisclosurePackage
            | Permission::TransfersRequest
            | Permission::TransfersRecord
            | Permission::TransfersRespond
            | Permission::AppointmentsRead
            | Permission::AppointmentsBook
            | Permission::RoomsJoin
            | Permission::RoomsRecord => None,
        }
    }

    /// Stable name for logs and error details.
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::OwnAccount => "own_account",
            Permission::TenantsAdminister => "tenants_administer",
            Permission::TenantSettingsRead => "tenant_settings_read",
            Permission::TenantSettingsWrite => "tenant_settings_write",
            Permission::MembersRead => "members_read",
            Permission::MembersInvite => "members_invite",
            Permission::AdminsInvite => "admins_invite",
            Permission::MembersManage => "members_manage",
            Permission::DirectoryRead => "directory_read",
            Permission::CareTeamsRead => "care_teams_read",
            Permission::CareTeamsManage => "care_teams_manage",
            Permission::ApiClientsManage => "api_clients_manage",
            Permission::ApiClientsApprove => "api_clients_approve",
            Permission::SsoConfigure => "sso_configure",
            Permission::DemographicsRead => "demographics_read",
            Permission::DemographicsWrite => "demographics_write",
            Permission::ClientsSearch => "clients_search",
            Permission::AuditVerify => "audit_verify",
            Permission::AuditRead => "audit_read",
            Permission::OwnRecordAccess => "own_record_access",
            Permission::NotesRead => "notes_read",
            Permission::NotesWrite => "notes_write",
            Permission::ClinicalRead => "clinical_read",
            Permission::ClinicalWrite => "clinical_write",
            Permission::FormTemplatesManage => "form_templates_manage",
            Permission::FormsRespond => "forms_respond",
            Permission::PsychotherapyNotes => "psychotherapy_notes",
            Permission::BreakGlass => "break_glass",
            Permission::ChartExport => "chart_export",
            Permission::AmendmentsRequest => "amendments_request",
            Permission::AmendmentsReview => "amendments_review",
            Permission::ConsentTemplatesRead => "consent_templates_read",
            Permission::ConsentTemplatesManage => "consent_templates_manage",
            Permission::ConsentSign => "consent_sign",
            Permission::ConsentDocumentsRead => "consent_documents_read",
            Permission::ConsentReadinessRead => "consent_readiness_read",
            Permission::DisclosureAuthorize => "disclosure_authorize",
            Permission::DisclosuresRead => "disclosures_read",
            Permission::RestrictionsRequest => "restrictions_request",
            Permission::RestrictionsReview => "restrictions_review",
            Permission::DisclosureDecide => "disclosure_decide",
            Permission::DisclosuresRecord => "disclosures_record",
            Permission::DisclosurePackage => "disclosure_package",
            Permission::TransfersRequest => "transfers_request",
            Permission::TransfersRecord => "transfers_record",
            Permission::TransfersRespond => "transfers_respond",
            Permission::AppointmentsRead => "appointments_read",
            Permission::AppointmentsBook => "appointments_book",
            Permission::RoomsJoin => "rooms_join",
            Permission::RoomsRecord => "rooms_record",
        }
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
