//! [`Action`]: what happened, as a dotted name whose first segment is the writing service
//! (`identity.sign_in.succeeded`). Actions are constants, one module per service, so the set
//! of audited events is greppable and no action name is ever built from input.

use std::fmt;

/// A dotted action name; the part before the first dot is the service that writes it (the
/// table checks both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Action(&'static str);

impl Action {
    pub const fn new(name: &'static str) -> Self {
        Self(name)
    }

    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The writing service: the first segment of the name.
    pub fn service(self) -> &'static str {
        self.0.split_once('.').map_or(self.0, |(service, _)| service)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// identity: sign-in, MFA, lockout, tokens, sessions, memberships, tenants, API clients, SSO.
pub mod identity {
    use super::Action;

    pub const SIGN_IN_SUCCEEDED: Action = Action::new("identity.sign_in.succeeded");
    pub const SIGN_IN_FAILED: Action = Action::new("identity.sign_in.failed");
    /// The password step passed; a second factor may still be owed (the sign-in pages
    /// record [`SIGN_IN_SUCCEEDED`] when the session is authenticated).
    pub const PASSWORD_VERIFIED: Action = Action::new("identity.sign_in.password_verified");
    pub const ACCOUNT_LOCKED: Action = Action::new("identity.account.locked");
    pub const MFA_ENROLLED: Action = Action::new("identity.mfa.enrolled");
    pub const MFA_SUCCEEDED: Action = Action::new("identity.mfa.succeeded");
    pub const MFA_FAILED: Action = Action::new("identity.mfa.failed");
    pub const MFA_RECOVERY_CODE_USED: Action = Action::new("identity.mfa.recovery_code_used");
    pub const MFA_RESET: Action = Action::new("identity.mfa.reset");
    pub const PASSWORD_CHANGED: Action = Action::new("identity.password.changed");
    pub const PASSWORD_RESET_REQUESTED: Action = Action::new("identity.password.reset_requested");
    pub const PASSWORD_RESET_COMPLETED: Action = Action::new("identity.password.reset_completed");
    pub const INVITATION_SENT: Action = Action::new("identity.invitation.sent");
    pub const INVITATION_ACCEPTED: Action = Action::new("identity.invitation.accepted");
    pub const EMAIL_VERIFIED: Action = Action::new("identity.email.verified");
    /// A client failed to authenticate at the token or revocation endpoint (wrong or
    /// missing secret, revoked client).
    pub const CLIENT_AUTH_FAILED: Action = Action::new("identity.client.auth_failed");
    pub const TOKEN_ISSUED: Action = Action::new("identity.token.issued");
    pub const TOKEN_REFRESHED: Action = Action::new("identity.token.refreshed");
    pub const TOKEN_REVOKED: Action = Action::new("identity.token.revoked");
    /// A rotated refresh token was presented again; the whole family is revoked.
    pub const REFRESH_TOKEN_REUSED: Action = Action::new("identity.token.refresh_reused");
    pub const AUTHORIZATION_CODE_REUSED: Action = Action::new("identity.token.code_reused");
    pub const SESSION_ENDED: Action = Action::new("identity.session.ended");
    /// Idle or absolute timeout (automatic logoff).
    pub const SESSION_EXPIRED: Action = Action::new("identity.session.expired");
    pub const MEMBERSHIP_GRANTED: Action = Action::new("identity.membership.granted");
    /// An invited membership became active without an invitation link (first SSO sign-in).
    pub const MEMBERSHIP_ACTIVATED: Action = Action::new("identity.membership.activated");
    pub const MEMBERSHIP_REVOKED: Action = Action::new("identity.membership.revoked");
    pub const ROLES_CHANGED: Action = Action::new("identity.membership.roles_changed");
    pub const CARE_TEAM_ASSIGNED: Action = Action::new("identity.care_team.assigned");
    pub const CARE_TEAM_UNASSIGNED: Action = Action::new("identity.care_team.unassigned");
    pub const TENANT_CREATED: Action = Action::new("identity.tenant.created");
    pub const TENANT_SUSPENDED: Action = Action::new("identity.tenant.suspended");
    pub const TENANT_REACTIVATED: Action = Action::new("identity.tenant.reactivated");
    pub const TENANT_OFFBOARDED: Action = Action::new("identity.tenant.offboarded");
    pub const TENANT_POLICY_CHANGED: Action = Action::new("identity.tenant.policy_changed");
    pub const API_CLIENT_CREATED: Action = Action::new("identity.api_client.created");
    pub const API_CLIENT_REVOKED: Action = Action::new("identity.api_client.revoked");
    pub const API_CLIENT_APPROVED: Action = Action::new("identity.api_client.approved");
    pub const SSO_CONFIGURED: Action = Action::new("identity.sso.configured");
    pub const SSO_REMOVED: Action = Action::new("identity.sso.removed");
    /// A browser was sent to the practice's IdP (the person is not known yet).
    pub const SSO_SIGN_IN_STARTED: Action = Action::new("identity.sso.sign_in_started");
    pub const SSO_SIGN_IN_SUCCEEDED: Action = Action::new("identity.sso.sign_in_succeeded");
    pub const SSO_SIGN_IN_FAILED: Action = Action::new("identity.sso.sign_in_failed");

    /// Every identity action, for tests and documentation.
    pub const ALL: &[Action] = &[
        SIGN_IN_SUCCEEDED,
        SIGN_IN_FAILED,
        PASSWORD_VERIFIED,
        ACCOUNT_LOCKED,
        MFA_ENROLLED,
        MFA_SUCCEEDED,
        MFA_FAILED,
        MFA_RECOVERY_CODE_USED,
        MFA_RESET,
        PASSWORD_CHANGED,
        PASSWORD_RESET_REQUESTED,
        PASSWORD_RESET_COMPLETED,
        INVITATION_SENT,
        INVITATION_ACCEPTED,
        EMAIL_VERIFIED,
        CLIENT_AUTH_FAILED,
        TOKEN_ISSUED,
        TOKEN_REFRESHED,
        TOKEN_REVOKED,
        REFRESH_TOKEN_REUSED,
        AUTHORIZATION_CODE_REUSED,
        SESSION_ENDED,
        SESSION_EXPIRED,
        MEMBERSHIP_GRANTED,
        MEMBERSHIP_ACTIVATED,
        MEMBERSHIP_REVOKED,
        ROLES_CHANGED,
        CARE_TEAM_ASSIGNED,
        CARE_TEAM_UNASSIGNED,
        TENANT_CREATED,
        TENANT_SUSPENDED,
        TENANT_REACTIVATED,
        TENANT_OFFBOARDED,
        TENANT_POLICY_CHANGED,
        API_CLIENT_CREATED,
        API_CLIENT_REVOKED,
        API_CLIENT_APPROVED,
        SSO_CONFIGURED,
        SSO_REMOVED,
        SSO_SIGN_IN_STARTED,
        SSO_SIGN_IN_SUCCEEDED,
        SSO_SIGN_IN_FAILED,
    ];
}

/// records: reads and changes of client charts (PHI), and look-ups of clients by name.
/// The subject is the client (`client`, their user id); refusals carry outcome `denied`.
pub mod records {
    use super::Action;

    /// A chart's demographics were shown to the actor.
    pub const DEMOGRAPHICS_READ: Action = Action::new("records.demographics.read");
    pub const DEMOGRAPHICS_UPDATED: Action = Action::new("records.demographics.updated");
    /// A name search: one event per client shown, or one without subject when none matched.
    pub const CLIENTS_SEARCHED: Action = Action::new("records.clients.searched");
    /// Progress notes: a draft created, a draft edited, a note signed (made immutable), an
    /// amendment drafted against a signed note, notes shown (one event per list or note).
    pub const NOTE_CREATED: Action = Action::new("records.note.created");
    pub const NOTE_UPDATED: Action = Action::new("records.note.updated");
    pub const NOTE_SIGNED: Action = Action::new("records.note.signed");
    pub const NOTE_AMENDED: Action = Action::new("records.note.amended");
    pub const NOTE_READ: Action = Action::new("records.note.read");
    /// Psychotherapy notes (their author's only): written, edited, shown.
    pub const PSYCHOTHERAPY_NOTE_CREATED: Action = Action::new("records.psychotherapy_note.created");
    pub const PSYCHOTHERAPY_NOTE_UPDATED: Action = Action::new("records.psychotherapy_note.updated");
    pub const PSYCHOTHERAPY_NOTE_READ: Action = Action::new("records.psychotherapy_note.read");
    /// Emergency access: a clinician off the care team opened a chart (details
    /// `break_glass` = the opening's id, `expires_at`); every access it allows carries the
    /// same `break_glass` detail.
    pub const BREAK_GLASS_OPENED: Action = Action::new("records.break_glass.opened");
    /// The practice's break-glass openings (with their reasons) shown to an admin.
    pub const BREAK_GLASS_REVIEWED: Action = Action::new("records.break_glass.reviewed");
    /// Diagnoses, the treatment plan and medications: shown (one event per list or plan),
    /// recorded, changed. Details hold the item's id, never its content.
    pub const DIAGNOSES_READ: Action = Action::new("records.diagnosis.read");
    pub const DIAGNOSIS_ADDED: Action = Action::new("records.diagnosis.added");
    pub const DIAGNOSIS_UPDATED: Action = Action::new("records.diagnosis.updated");
    pub const TREATMENT_PLAN_READ: Action = Action::new("records.treatment_plan.read");
    pub const TREATMENT_PLAN_SET: Action = Action::new("records.treatment_plan.set");
    pub const MEDICATIONS_READ: Action = Action::new("records.medication.read");
    pub const MEDICATION_ADDED: Action = Action::new("records.medication.added");
    pub const MEDICATION_UPDATED: Action = Action::new("records.medication.updated");
    /// Amendment requests (right to amend): the client asked, someone read the requests, a
    /// reviewer accepted or declined one (detail `decision`).
    pub const AMENDMENT_REQUESTED: Action = Action::new("records.amendment_request.created");
    pub const AMENDMENT_REQUESTS_READ: Action = Action::new("records.amendment_request.read");
    pub const AMENDMENT_REVIEWED: Action = Action::new("records.amendment_request.reviewed");
    /// The chart was exported (right of access); details hold the format and how many
    /// resources of each kind went out, never their content.
    pub const CHART_EXPORTED: Action = Action::new("records.chart.exported");
    /// A sealed disclosure package was made for a client-approved disclosure; details hold
    /// the package id, the authorizations relied on (`grants`) and the counts, never the
    /// recipient or any content.
    pub const DISCLOSURE_PACKAGED: Action = Action::new("records.disclosure.packaged");
    /// Documents: one uploaded, the list shown (titles), one downloaded (its content).
    pub const DOCUMENT_UPLOADED: Action = Action::new("records.document.uploaded");
    pub const DOCUMENTS_LISTED: Action = Action::new("records.document.listed");
    pub const DOCUMENT_DOWNLOADED: Action = Action::new("records.document.downloaded");
    /// Forms: a practice template created or versioned (no subject: templates hold no PHI), a
    /// response submitted, responses shown, an instrument's score history shown.
    pub const FORM_TEMPLATE_SAVED: Action = Action::new("records.form_template.saved");
    pub const FORM_RESPONSE_SUBMITTED: Action = Action::new("records.form_response.submitted");
    pub const FORM_RESPONSES_READ: Action = Action::new("records.form_response.read");
    pub const ASSESSMENT_HISTORY_READ: Action = Action::new("records.assessment_history.read");

    /// Every records action, for tests and documentation.
    pub const ALL: &[Action] = &[
        DEMOGRAPHICS_READ,
        DEMOGRAPHICS_UPDATED,
        CLIENTS_SEARCHED,
        NOTE_CREATED,
        NOTE_UPDATED,
        NOTE_SIGNED,
        NOTE_AMENDED,
        NOTE_READ,
        PSYCHOTHERAPY_NOTE_CREATED,
        PSYCHOTHERAPY_NOTE_UPDATED,
        PSYCHOTHERAPY_NOTE_READ,
        BREAK_GLASS_OPENED,
        BREAK_GLASS_REVIEWED,
        DIAGNOSES_READ,
        DIAGNOSIS_ADDED,
        DIAGNOSIS_UPDATED,
        TREATMENT_PLAN_READ,
        TREATMENT_PLAN_SET,
        MEDICATIONS_READ,
        MEDICATION_ADDED,
        MEDICATION_UPDATED,
        AMENDMENT_REQUESTED,
        AMENDMENT_REQUESTS_READ,
        AMENDMENT_REVIEWED,
        CHART_EXPORTED,
        DISCLOSURE_PACKAGED,
        DOCUMENT_UPLOADED,
        DOCUMENTS_LISTED,
        DOCUMENT_DOWNLOADED,
        FORM_TEMPLATE_SAVED,
        FORM_RESPONSE_SUBMITTED,
        FORM_RESPONSES_READ,
        ASSESSMENT_HISTORY_READ,
    ];
}

/// consent: consent templates, signatures, withdrawals, the answers other services ask
/// for, disclosure authorizations, restrictions, decisions and the accounting of disclosures. Events carry ids and counts only, never which template a client signed (that alone
/// can say "treated for a substance use disorder"). The subject is the client (`client`).
pub mod consent {
    use super::Action;

    /// A practice template created or versioned (no subject: templates hold no PHI); details
    /// `template_id` and `version`.
    pub const TEMPLATE_SAVED: Action = Action::new("consent.template.saved");
    /// The templates required before a first appointment were replaced; detail `count`.
    pub const REQUIREMENTS_SET: Action = Action::new("consent.requirements.set");
    /// A client signed a document; detail `signature_id`.
    pub const DOCUMENT_SIGNED: Action = Action::new("consent.document.signed");
    /// A client withdrew a consent they signed; detail `signature_id`.
    pub const DOCUMENT_WITHDRAWN: Action = Action::new("consent.document.withdrawn");
    /// Signed documents shown with their text: detail `documents` (a list's count) or
    /// `signature_id` (one document).
    pub const DOCUMENTS_READ: Action = Action::new("consent.document.read");
    /// Whether a client may book and consented to recording was answered; detail `missing`
    /// (how many required documents are unsigned).
    pub const READINESS_READ: Action = Action::new("consent.readiness.read");

    /// A client authorized a disclosure; detail `authorization_id` (never the recipient).
    pub const AUTHORIZATION_CREATED: Action = Action::new("consent.authorization.created");
    /// A client revoked an authorization; detail `authorization_id`.
    pub const AUTHORIZATION_REVOKED: Action = Action::new("consent.authorization.revoked");
    /// A client's authorizations were shown; detail `authorizations` (the count).
    pub const AUTHORIZATIONS_READ: Action = Action::new("consent.authorization.read");
    /// A client asked for a restriction; detail `restriction_id`.
    pub const RESTRICTION_REQUESTED: Action = Action::new("consent.restriction.requested");
    /// A practice admin accepted or declined a restriction; details `restriction_id`,
    /// `accepted`.
    pub const RESTRICTION_REVIEWED: Action = Action::new("consent.restriction.reviewed");
    /// A client's restrictions were shown; detail `restrictions` (the count).
    pub const RESTRICTIONS_READ: Action = Action::new("consent.restriction.read");
    /// A disclosure decision was answered; details `permit`, `permitted` and `denied` (the
    /// categories' names), `grants` (a count). Never the recipient.
    pub const DECISION_MADE: Action = Action::new("consent.decision.made");
    /// A disclosure was written to the accounting; details `disclosure_id`, `categories`.
    pub const DISCLOSURE_RECORDED: Action = Action::new("consent.disclosure.recorded");
    /// A client's accounting of disclosures was shown; detail `disclosures` (the count).
    pub const DISCLOSURES_READ: Action = Action::new("consent.disclosure.read");

    /// Every consent action, for tests and documentation.
    /// Records transfers: a request sent (in the requester's practice, no subject), the
    /// requests listed (the requester's, or the client's), the client's decision (detail
    /// `decision`), the package handed over, the download (in the practice asked, by the
    /// requester, subject the client; with the disclosure's id).
    pub const TRANSFER_REQUESTED: Action = Action::new("consent.transfer.requested");
    pub const TRANSFERS_READ: Action = Action::new("consent.transfer.read");
    pub const TRANSFER_DECIDED: Action = Action::new("consent.transfer.decided");
    pub const TRANSFER_PACKAGED: Action = Action::new("consent.transfer.packaged");
    pub const TRANSFER_DOWNLOADED: Action = Action::new("consent.transfer.downloaded");
    /// A practice member recorded an outside provider's request (subject the client); detail
    /// `request_id`. The download through the provider's link is `TRANSFER_DOWNLOADED` with
    /// no signed-in actor (`anonymous`: the link's token and code are the credentials).
    pub const TRANSFER_RECORDED: Action = Action::new("consent.transfer.recorded");
    /// A wrong one-time code on an outside provider's link (actor `anonymous`, subject the
    /// client, outcome failure); details `request_id`, `attempts_left` (0: locked).
    pub const TRANSFER_CODE_REFUSED: Action = Action::new("consent.transfer.code_refused");

    pub const ALL: &[Action] = &[
        TEMPLATE_SAVED,
        REQUIREMENTS_SET,
        DOCUMENT_SIGNED,
        DOCUMENT_WITHDRAWN,
        DOCUMENTS_READ,
        READINESS_READ,
        AUTHORIZATION_CREATED,
        AUTHORIZATION_REVOKED,
        AUTHORIZATIONS_READ,
        RESTRICTION_REQUESTED,
        RESTRICTION_REVIEWED,
        RESTRICTIONS_READ,
        DECISION_MADE,
        DISCLOSURE_RECORDED,
        DISCLOSURES_READ,
        TRANSFER_REQUESTED,
        TRANSFERS_READ,
        TRANSFER_DECIDED,
        TRANSFER_PACKAGED,
        TRANSFER_DOWNLOADED,
        TRANSFER_RECORDED,
        TRANSFER_CODE_REFUSED,
    ];
}

/// scheduling: appointments and telehealth rooms. The subject is the client (`client`);
/// events carry ids, times are in the appointment itself, never in a detail.
pub mod scheduling {
    use super::Action;

    /// An appointment was booked; details `appointment_id`, `modality`.
    pub const APPOINTMENT_BOOKED: Action = Action::new("scheduling.appointment.booked");
    /// An appointment was cancelled; detail `appointment_id`.
    pub const APPOINTMENT_CANCELLED: Action = Action::new("scheduling.appointment.cancelled");
    /// Appointments were shown: detail `appointment_id` (one) or `appointments` (a list's
    /// count; the subject is the client when the list was of one client).
    pub const APPOINTMENTS_READ: Action = Action::new("scheduling.appointment.read");
    /// A participant entered a telehealth room's state; detail `appointment_id`.
    pub const ROOM_READ: Action = Action::new("scheduling.room.read");
    /// Recording a telehealth session started; detail `appointment_id`.
    pub const RECORDING_STARTED: Action = Action::new("scheduling.recording.started");
    /// Recording a telehealth session stopped; details `appointment_id`, `reason`
    /// (`clinician`, `consent_withdrawn`, `cancelled`).
    pub const RECORDING_STOPPED: Action = Action::new("scheduling.recording.stopped");

    /// Every scheduling action, for tests and documentation.
    pub const ALL: &[Action] = &[
        APPOINTMENT_BOOKED,
        APPOINTMENT_CANCELLED,
        APPOINTMENTS_READ,
        ROOM_READ,
        RECORDING_STARTED,
        RECORDING_STOPPED,
    ];
}

/// audit: reads of the audit log itself. Only a practice's search of its log is recorded; a
/// client's view of who accessed their own record is not (it would mostly log itself).
pub mod audit {
    use super::Action;

    /// A practice admin searched the practice's audit log; details hold the filters used
    /// (codes, ids and times only) and how many events were returned.
    pub const EVENTS_SEARCHED: Action = Action::new("audit.events.searched");

    /// Every audit action, for tests and documentation.
    pub const ALL: &[Action] = &[EVENTS_SEARCHED];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mirrors the table's check, so a bad constant fails here rather than at the first INSERT.
    fn is_valid(action: Action) -> bool {
        let segments: Vec<&str> = action.as_str().split('.').collect();
        segments.len() >= 2
            && segments.iter().all(|s| {
                s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                    && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            })
    }

    #[test]
    fn identity_actions_are_dotted_unique_and_owned_by_identity() {
        let mut seen = std::collections::HashSet::new();
        for action in identity::ALL {
            assert!(is_valid(*action), "{action}");
            assert_eq!(action.service(), "identity", "{action}");
            assert!(seen.insert(action.as_str()), "duplicate {action}");
        }
    }

    #[test]
    fn records_actions_are_dotted_unique_and_owned_by_records() {
        let mut seen = std::collections::HashSet::new();
        for action in records::ALL {
            assert!(is_valid(*action), "{action}");
            assert_eq!(action.service(), "records", "{action}");
            assert!(seen.insert(action.as_str()), "duplicate {action}");
        }
    }

    #[test]
    fn consent_actions_are_dotted_unique_and_owned_by_consent() {
        let mut seen = std::collections::HashSet::new();
        for action in consent::ALL {
            assert!(is_valid(*action), "{action}");
            assert_eq!(action.service(), "consent", "{action}");
            assert!(seen.insert(action.as_str()), "duplicate {action}");
        }
    }

    #[test]
    fn scheduling_actions_are_dotted_unique_and_owned_by_scheduling() {
        let mut seen = std::collections::HashSet::new();
        for action in scheduling::ALL {
            assert!(is_valid(*action), "{action}");
            assert_eq!(action.service(), "scheduling", "{action}");
            assert!(seen.insert(action.as_str()), "duplicate {action}");
        }
    }

    #[test]
    fn audit_actions_are_dotted_unique_and_owned_by_audit() {
        let mut seen = std::collections::HashSet::new();
        for action in audit::ALL {
            assert!(is_valid(*action), "{action}");
            assert_eq!(action.service(), "audit", "{action}");
            assert!(seen.insert(action.as_str()), "duplicate {action}");
        }
    }
}
