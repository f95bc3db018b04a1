//! [`ChartRecord`]: everything one export contains, already decrypted, and the [`Counts`]
//! its audit event carries. A new chart domain (diagnoses, forms, documents, appointments,
//! consents) adds a field here, one mapping function in `fhir` and a section in `html`.
//!
//! Deliberately absent: drafts (not part of the record until signed) and psychotherapy
//! notes (never exported without the client's specific authorization; not read at all).

use chrono::{DateTime, Utc};
use tp_ids::{TenantId, UserId};
use tp_records_api::chart::Demographics;
use tp_records_api::notes::Note;
use uuid::Uuid;

/// One client's record as exported.
#[derive(Debug, Clone)]
pub struct ChartRecord {
    pub tenant: TenantId,
    pub client: UserId,
    /// `None` when no one has recorded demographics yet: the Patient has its id only.
    pub demographics: Option<Demographics>,
    /// Signed progress notes only (amendments included), oldest first.
    pub notes: Vec<Note>,
    /// Identifies this export (the Bundle's id and identifier); new on every export.
    pub export_id: Uuid,
    pub exported_at: DateTime<Utc>,
}

/// How much went out, by kind: what the audit event records instead of any content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub patients: usize,
    pub progress_notes: usize,
    /// The Bundle's Provenance entries (FHIR only; zero for HTML).
    pub provenances: usize,
}
