//! [`ChartRecord`]: everything one export contains, already decrypted, and the [`Counts`]
//! its audit event carries. A new chart domain (appointments, consents) adds a field here,
//! one mapping function in `fhir` and a section in `html`.
//!
//! Deliberately absent: drafts (not part of the record until signed) and psychotherapy
//! notes (never exported without the client's specific authorization; not read at all).

use chrono::{DateTime, Utc};
use tp_ids::{TenantId, UserId};
use tp_records_api::chart::Demographics;
use tp_records_api::clinical::{Diagnosis, Medication, TreatmentPlan};
use tp_records_api::documents::Document;
use tp_records_api::forms::FormResponse;
use tp_records_api::notes::Note;
use uuid::Uuid;

/// The most document content one export carries inline, in bytes (before base64): 5 MiB.
/// An export is one response held in memory; documents past it are listed, not included.
pub const MAX_INLINE_DOCUMENT_BYTES: u64 = 5 * 1024 * 1024;

/// One client's record as exported.
#[derive(Debug, Clone)]
pub struct ChartRecord {
    pub tenant: TenantId,
    pub client: UserId,
    /// `None` when no one has recorded demographics yet: the Patient has its id only.
    pub demographics: Option<Demographics>,
    /// Signed progress notes only (amendments included), oldest first.
    pub notes: Vec<Note>,
    /// Oldest first.
    pub diagnoses: Vec<Diagnosis>,
    /// Oldest first.
    pub medications: Vec<Medication>,
    /// The current plan (only the current one is kept).
    pub treatment_plan: Option<TreatmentPlan>,
    /// Every form response, oldest first.
    pub forms: Vec<FormRecord>,
    /// Every uploaded document, oldest first.
    pub documents: Vec<DocumentRecord>,
    /// Identifies this export (the Bundle's id and identifier); new on every export.
    pub export_id: Uuid,
    pub exported_at: DateTime<Utc>,
}

/// A form response and, for a template, the title of the version it answers.
#[derive(Debug, Clone)]
pub struct FormRecord {
    pub response: FormResponse,
    pub template_title: Option<String>,
}

/// An uploaded document: its metadata, whether it fits the export's inline budget, and its
/// content when this export carries it (FHIR only: the HTML page never embeds files).
#[derive(Debug, Clone)]
pub struct DocumentRecord {
    pub document: Document,
    /// Within [`MAX_INLINE_DOCUMENT_BYTES`] (see [`inline_budget`]).
    pub inline: bool,
    pub content: Option<zeroize::Zeroizing<Vec<u8>>>,
}

/// Which documents (by size, oldest first) fit the inline budget: each one that still fits
/// is taken, so one large file does not push out the smaller ones after it.
pub fn inline_budget(sizes: &[u64]) -> Vec<bool> {
    let mut left = MAX_INLINE_DOCUMENT_BYTES;
    sizes
        .iter()
        .map(|size| {
            let fits = *size <= left;
            if fits {
                left -= size;
            }
            fits
        })
        .collect()
}

/// How much went out, by kind: what the audit event records instead of any content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub patients: usize,
    pub progress_notes: usize,
    /// The Bundle's Provenance entries (FHIR only; zero for HTML).
    pub provenances: usize,
    pub diagnoses: usize,
    pub medications: usize,
    /// 0 or 1: the current plan.
    pub treatment_plans: usize,
    pub form_responses: usize,
    /// Instrument totals (PHQ-9, GAD-7): an Observation each in FHIR.
    pub assessment_scores: usize,
    pub documents: usize,
    /// Documents whose content went out inline (FHIR only; zero for HTML).
    pub documents_inline: usize,
}

impl Counts {
    /// The counts every format shares, from the record itself.
    pub fn of(record: &ChartRecord) -> Self {
        Counts {
            patients: 1,
            progress_notes: record.notes.len(),
            diagnoses: record.diagnoses.len(),
            medications: record.medications.len(),
            treatment_plans: usize::from(record.treatment_plan.is_some()),
            form_responses: record.forms.len(),
            assessment_scores: record.forms.iter().filter(|f| f.response.score.is_some()).count(),
            documents: record.documents.len(),
            ..Counts::default()
        }
    }

    /// The counts of the FHIR Bundle of `record`: [`Counts::of`], the Provenances (one per
    /// note and the export's own) and the documents whose content went out.
    pub fn fhir(record: &ChartRecord) -> Self {
        Counts {
            provenances: record.notes.len() + 1,
            documents_inline: record.documents.iter().filter(|d| d.content.is_some()).count(),
            ..Counts::of(record)
        }
    }

    /// The audit event's details, every count as a string.
    pub fn details(&self) -> [(&'static str, String); 10] {
        [
            ("patients", self.patients.to_string()),
            ("progress_notes", self.progress_notes.to_string()),
            ("provenances", self.provenances.to_string()),
            ("diagnoses", self.diagnoses.to_string()),
            ("medications", self.medications.to_string()),
            ("treatment_plans", self.treatment_plans.to_string()),
            ("form_responses", self.form_responses.to_string()),
            ("assessment_scores", self.assessment_scores.to_string()),
            ("documents", self.documents.to_string()),
            ("documents_inline", self.documents_inline.to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_fill_the_inline_budget_oldest_first_and_smaller_ones_still_fit() {
        let mib = 1024 * 1024;
        assert_eq!(inline_budget(&[3 * mib, 3 * mib, 2 * mib, 1]), [true, false, true, false]);
        assert_eq!(inline_budget(&[5 * mib, 0]), [true, true]);
        assert_eq!(inline_budget(&[5 * mib + 1, 5 * mib]), [false, true]);
    }
}
