//! A disclosure package's FHIR R4 Bundle, as pure functions: the part of the record a
//! client-approved disclosure carries ([`PackageRecord`]: a [`ChartRecord`] holding the
//! permitted categories only, plus psychotherapy notes when their authorization permits),
//! mapped by the export's own functions (`fhir::resources`, `fhir::collection`), with what a
//! disclosure adds: one `Consent` per authorization relied on, psychotherapy notes as
//! DocumentReferences of their own type and label, and the 42 CFR Part 2 labels and notice
//! when SUD records go.
//!
//! Not here: which items go (chart::disclosure reads the permitted categories only and
//! drops SUD items unless `sud_records` is permitted, with [`shareable_notes`] for notes),
//! reading, sealing, auditing.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tp_consent_api::disclosure::{Category, Grant, PART2_REDISCLOSURE_NOTICE, Recipient};
use tp_ids::UserId;
use tp_records_api::notes::Note;
use tp_records_api::psychotherapy::PsychotherapyNote;
use uuid::Uuid;

use super::fhir::{self, CONFIDENTIALITY, URI_SYSTEM, instant, practitioner, resource_id, set, urn};
use super::html::escape;
use super::{ChartRecord, Counts};
use crate::error::Error;

/// HL7 v3 ActCode: sensitivity, privacy law and obligation labels.
pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
/// The local code system of the categories a Consent permits (`tp_consent_api`'s names).
pub const CATEGORY_SYSTEM: &str = "urn:telehealth:fhir:CodeSystem:disclosure-category";
/// The local code system of the psychotherapy note's document type (LOINC has none).
pub const DOCUMENT_TYPE_SYSTEM: &str = "urn:telehealth:fhir:CodeSystem:document-type";
/// The policy of a HIPAA authorization (a release, or one for psychotherapy notes).
pub const HIPAA_AUTHORIZATION_POLICY: &str =
    "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-E/section-164.508";
/// The policy of a consent to disclose substance use disorder records.
pub const PART2_POLICY: &str = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2";

/// One package's record, already decrypted and filtered.
#[derive(Debug, Clone)]
pub struct PackageRecord {
    /// The permitted categories' content; `export_id` is the package's id, `exported_at` when
    /// it was made. Without demographics the Patient is its id only.
    pub chart: ChartRecord,
    /// Every author's psychotherapy notes, when their authorization permits; else empty.
    pub psychotherapy_notes: Vec<PsychotherapyNote>,
    /// The authorizations relied on, each with the categories it permits here.
    pub grants: Vec<Grant>,
    pub recipient: Recipient,
}

/// How much a package holds: the export's counts, and what only a disclosure carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageCounts {
    pub chart: Counts,
    pub psychotherapy_notes: usize,
    pub consents: usize,
}

impl PackageCounts {
    /// The audit event's details, every count as a string.
    pub fn details(&self) -> Vec<(&'static str, String)> {
        let mut details = self.chart.details().to_vec();
        details.push(("psychotherapy_notes", self.psychotherapy_notes.to_string()));
        details.push(("consents", self.consents.to_string()));
        details
    }
}

/// The signed notes that may go: all of them under `sud_permitted`; otherwise none flagged
/// SUD, nor any amendment of a note withheld (an amendment corrects that note, so it is
/// part of the same record, and a reference to a withheld note would say one exists).
/// `notes` oldest first, so an original comes before its amendments.
pub fn shareable_notes(notes: Vec<Note>, sud_permitted: bool) -> Vec<Note> {
    if sud_permitted {
        return notes;
    }
    let mut withheld = BTreeSet::new();
    notes
        .into_iter()
        .filter(|note| {
            let withhold = note.sud || note.amends.is_some_and(|original| withheld.contains(&original));
            if withhold {
                withheld.insert(note.id);
            }
            !withhold
        })
        .collect()
}

/// The Bundle and its counts.
pub fn bundle(record: &PackageRecord) -> Result<(Value, PackageCounts), Error> {
    let chart = &record.chart;
    let sud = sud_items(chart);
    let mut resources = fhir::resources(chart)?;
    for resource in &mut resources {
        if resource_id(resource).is_some_and(|id| sud.contains(&id)) {
            label(
                resource,
                json!({ "system": ACT_CODE, "code": "ETH", "display": "substance abuse information sensitivity" }),
            );
        }
    }
    resources.extend(record.psychotherapy_notes.iter().map(psychotherapy_note));
    resources.extend(record.grants.iter().map(|g| consent(g, chart.client, &record.recipient, chart.exported_at)));
    let mut security = vec![fhir::restricted()];
    if !sud.is_empty() {
        security.push(json!({ "system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2" }));
        security.push(
            json!({ "system": ACT_CODE, "code": "NORDSCLCD", "display": "no redisclosure without consent directive" }),
        );
    }
    let counts = PackageCounts {
        chart: Counts::fhir(chart),
        psychotherapy_notes: record.psychotherapy_notes.len(),
        consents: record.grants.len(),
    };
    Ok((fhir::collection(chart, resources, security), counts))
}

/// The ids of the items flagged as SUD records (a diagnosis by its code too).
fn sud_items(chart: &ChartRecord) -> BTreeSet<Uuid> {
    let notes = chart.notes.iter().filter(|n| n.sud).map(|n| n.id);
    let diagnoses = chart.diagnoses.iter().filter(|d| d.sud).map(|d| d.id);
    let medications = chart.medications.iter().filter(|m| m.sud).map(|m| m.id);
    let documents = chart.documents.iter().filter(|d| d.document.sud).map(|d| d.document.id);
    notes.chain(diagnoses).chain(medications).chain(documents).collect()
}

/// Adds a security label to a resource's `meta.security`.
fn label(resource: &mut Value, coding: Value) {
    if let Value::Object(fields) = resource {
        let meta = fields.entry("meta").or_insert_with(|| json!({}));
        if let Value::Object(meta) = meta {
            let security = meta.entry("security").or_insert_with(|| json!([]));
            if let Value::Array(labels) = security {
                labels.push(coding);
            }
        }
    }
}

/// A psychotherapy note: a DocumentReference of its own type, labelled very restricted and
/// psychotherapy-note sensitive, so a recipient's system keeps it apart from the chart as
/// HIPAA keeps it here.
pub fn psychotherapy_note(note: &PsychotherapyNote) -> Value {
    let security = json!([
        { "system": CONFIDENTIALITY, "code": "V", "display": "very restricted" },
        { "system": ACT_CODE, "code": "PSYTHPN", "display": "psychotherapy note information sensitivity" },
    ]);
    json!({
        "resourceType": "DocumentReference",
        "id": note.id,
        "meta": { "security": security },
        "masterIdentifier": { "system": URI_SYSTEM, "value": urn(note.id) },
        "status": "current",
        "type": {
            "coding": [{ "system": DOCUMENT_TYPE_SYSTEM, "code": "psychotherapy-note", "display": "Psychotherapy note" }],
            "text": "Psychotherapy note",
        },
        "subject": { "reference": urn(*note.client_id.as_uuid()), "type": "Patient" },
        "date": instant(note.updated_at),
        "author": [practitioner(note.author_id)],
        "description": "Psychotherapy note (45 CFR 164.501), disclosed under the client's authorization for psychotherapy notes",
        "securityLabel": [{ "coding": [{ "system": CONFIDENTIALITY, "code": "V", "display": "very restricted" }] }],
        "content": [{ "attachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": STANDARD.encode(&note.text),
            "title": "Psychotherapy note",
            "creation": instant(note.created_at),
        } }],
    })
}

/// The authorization a grant stands for, as an R4 Consent: active, privacy, the patient,
/// the policy it is made under (HIPAA 164.508, or 42 CFR Part 2 for SUD records, whose
/// Consent carries the redisclosure notice as its text), permitting the recipient the
/// grant's categories. `at` is when the package was made: records knows the authorization's
/// id and categories, not when it was signed (consent does).
pub fn consent(grant: &Grant, client: UserId, recipient: &Recipient, at: DateTime<Utc>) -> Value {
    let part2 = grant.categories.contains(&Category::SudRecords);
    let codes: Vec<Value> = grant
        .categories
        .iter()
        .map(|c| json!({ "coding": [{ "system": CATEGORY_SYSTEM, "code": category_code(*c) }] }))
        .collect();
    let mut consent = json!({
        "resourceType": "Consent",
        "id": grant.authorization_id,
        "identifier": [{ "system": URI_SYSTEM, "value": urn(grant.authorization_id) }],
        "status": "active",
        "scope": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy",
            "display": "Privacy Consent",
        }] },
        "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent" }] }],
        "patient": { "reference": urn(*client.as_uuid()), "type": "Patient" },
        "dateTime": instant(at),
        "policy": [{ "uri": if part2 { PART2_POLICY } else { HIPAA_AUTHORIZATION_POLICY } }],
        "provision": {
            "type": "permit",
            "actor": [{
                "role": { "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "code": "IRCP",
                    "display": "information recipient",
                }] },
                "reference": recipient_reference(recipient),
            }],
            "code": codes,
        },
    });
    if part2 {
        let div =
            format!("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{}</p></div>", escape(PART2_REDISCLOSURE_NOTICE));
        set(&mut consent, "text", json!({ "status": "generated", "div": div }));
    }
    consent
}

/// The recipient as a reference: a practice or clinician by its id (a logical reference, as
/// every person records knows by id only), someone outside by name and email.
fn recipient_reference(recipient: &Recipient) -> Value {
    match recipient {
        Recipient::Practice { tenant_id } => json!({
            "type": "Organization",
            "identifier": { "system": URI_SYSTEM, "value": urn(*tenant_id.as_uuid()) },
        }),
        Recipient::Clinician { user_id, .. } => practitioner(*user_id),
        Recipient::Outside { name, organisation, email } => json!({
            "identifier": { "system": URI_SYSTEM, "value": format!("mailto:{email}") },
            "display": match organisation {
                Some(organisation) => format!("{name} ({organisation})"),
                None => name.clone(),
            },
        }),
    }
}

/// A category's code: its name in `tp_consent_api` (snake case).
pub const fn category_code(category: Category) -> &'static str {
    match category {
        Category::Demographics => "demographics",
        Category::Appointments => "appointments",
        Category::Diagnoses => "diagnoses",
        Category::Medications => "medications",
        Category::TreatmentPlan => "treatment_plan",
        Category::ProgressNotes => "progress_notes",
        Category::Assessments => "assessments",
        Category::Documents => "documents",
        Category::PsychotherapyNotes => "psychotherapy_notes",
        Category::SudRecords => "sud_records",
    }
}

#[cfg(test)]
mod tests {
    use tp_records_api::notes::{NoteStatus, Template};

    use super::*;

    fn note(sud: bool, amends: Option<Uuid>) -> Note {
        let (client, author, now) = (UserId::generate(), UserId::generate(), Utc::now());
        Note {
            id: Uuid::now_v7(),
            client_id: client,
            author_id: author,
            template: Template::Soap,
            sections: Default::default(),
            sud,
            status: NoteStatus::Signed,
            content_hash: None,
            signed_by: Some(author),
            signed_at: Some(now),
            amends,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn without_part2_consent_flagged_notes_and_their_amendments_are_withheld() {
        let flagged = note(true, None);
        let amendment = note(false, Some(flagged.id));
        let of_amendment = note(false, Some(amendment.id));
        let plain = note(false, None);
        let flagged_amendment = note(true, Some(plain.id));
        let all = vec![flagged, amendment, of_amendment, plain.clone(), flagged_amendment];
        let ids = |notes: &[Note]| notes.iter().map(|n| n.id).collect::<Vec<_>>();
        assert_eq!(ids(&shareable_notes(all.clone(), false)), [plain.id]);
        assert_eq!(ids(&shareable_notes(all.clone(), true)), ids(&all));
    }

    #[test]
    fn category_codes_are_the_wire_names() {
        let all = [
            Category::Demographics,
            Category::Appointments,
            Category::Diagnoses,
            Category::Medications,
            Category::TreatmentPlan,
            Category::ProgressNotes,
            Category::Assessments,
            Category::Documents,
            Category::PsychotherapyNotes,
            Category::SudRecords,
        ];
        for category in all {
            assert_eq!(serde_json::to_value(category).unwrap(), json!(category_code(category)));
        }
    }

    #[test]
    fn only_a_part2_consent_carries_the_redisclosure_notice_and_the_part2_policy() {
        let (client, at) = (UserId::generate(), Utc::now());
        let to = Recipient::Outside { name: "Dr A".into(), organisation: None, email: "a@b.example".into() };
        let grant = |categories| Grant { authorization_id: Uuid::now_v7(), categories };
        let release = consent(&grant(vec![Category::Diagnoses]), client, &to, at);
        let part2 = consent(&grant(vec![Category::SudRecords]), client, &to, at);
        assert_eq!(release["policy"][0]["uri"], HIPAA_AUTHORIZATION_POLICY);
        assert!(release.get("text").is_none());
        assert_eq!(part2["policy"][0]["uri"], PART2_POLICY);
        let div = part2["text"]["div"].as_str().unwrap();
        assert!(div.contains("42 CFR part 2") && div.contains("(see 42 CFR 2.31)"), "{div}");
    }
}
