//! A [`ChartRecord`] as a FHIR R4 Bundle of type `collection`: the Patient, one
//! DocumentReference and one Provenance per signed progress note, the clinical chart
//! (`fhir_chart`: Condition, MedicationStatement, CarePlan, uploaded DocumentReference), the
//! forms (`fhir_forms`: QuestionnaireResponse, score Observation), and a Provenance of the
//! export itself. One mapping function per resource kind: a new chart domain
//! (Appointment/Encounter, Consent) adds one function and one loop in [`bundle`].
//!
//! Why `collection` and not `document`: a FHIR document is a new clinical document attested
//! as a whole (a Composition with an author, bdl-9..11); an export is a copy of records
//! that were each attested when signed, so each note carries its own Provenance instead.
//!
//! Ids are stable across exports (the Patient is the client's id, a note's DocumentReference
//! the note's id, its Provenance derived from it); only the Bundle and the export's
//! Provenance are new each time. Every fullUrl is `urn:uuid:<id>`, and references inside the
//! Bundle use those. People records knows by id only (clinicians) are logical references:
//! an identifier `urn:uuid:<user id>`, never a name records does not hold.
//!
//! Not here: reading or decrypting (chart::export), terminology validation (the tests check
//! codes by hand and run an independent structural validator).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use tp_ids::UserId;
use tp_records_api::chart::Demographics;
use tp_records_api::notes::Note;
use uuid::Uuid;

use super::{ChartRecord, Counts, fhir_chart as chart, fhir_forms as forms};
use crate::domain::note::{canonical, code};
use crate::error::Error;

/// LOINC 11506-3 "Progress note": the type of every exported progress note.
pub const LOINC_PROGRESS_NOTE: &str = "11506-3";
/// The identifier system for ids that are URIs (`urn:uuid:…`), per the FHIR spec.
pub(super) const URI_SYSTEM: &str = "urn:ietf:rfc:3986";
/// Extension on a note's Provenance: the hex SHA-256 fixed when the note was signed, over
/// the canonical JSON shipped as the note's second attachment.
pub const CONTENT_HASH_EXTENSION: &str = "urn:telehealth:fhir:extension:note-content-sha256";

/// The code system of confidentiality labels (`meta.security`).
pub(super) const CONFIDENTIALITY: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/// The Bundle (as JSON) and how many resources of each kind it holds.
pub fn bundle(record: &ChartRecord) -> Result<(Value, Counts), Error> {
    Ok((collection(record, resources(record)?, vec![restricted()]), Counts::fhir(record)))
}

/// Every resource of `record` in Bundle order, the Patient first; not the Provenance of the
/// export itself, which [`collection`] adds over everything it is given.
pub fn resources(record: &ChartRecord) -> Result<Vec<Value>, Error> {
    let mut resources = vec![patient(record.client, record.demographics.as_ref())];
    for note in &record.notes {
        resources.push(progress_note(note)?);
        resources.push(note_provenance(note));
    }
    resources.extend(record.diagnoses.iter().map(chart::condition));
    let today = record.exported_at.date_naive();
    resources.extend(record.medications.iter().map(|m| chart::medication_statement(m, today)));
    resources.extend(record.treatment_plan.iter().map(chart::care_plan));
    for form in &record.forms {
        resources.push(forms::questionnaire_response(form));
        resources.extend(forms::score_observation(&form.response));
    }
    resources.extend(record.documents.iter().map(chart::uploaded_document));
    Ok(resources)
}

/// The Bundle of type `collection` holding `resources` and, last, the Provenance of the
/// export targeting every one of them; `security` its labels (`meta.security`).
pub fn collection(record: &ChartRecord, mut resources: Vec<Value>, security: Vec<Value>) -> Value {
    let targets: Vec<Uuid> = resources.iter().filter_map(resource_id).collect();
    resources.push(export_provenance(record, &targets));
    json!({
        "resourceType": "Bundle",
        "id": record.export_id,
        "meta": { "security": security },
        "identifier": { "system": URI_SYSTEM, "value": urn(record.export_id) },
        "type": "collection",
        "timestamp": instant(record.exported_at),
        "entry": resources.into_iter().map(entry).collect::<Vec<_>>(),
    })
}

/// The confidentiality of every export: restricted (mental health records).
pub fn restricted() -> Value {
    json!({ "system": CONFIDENTIALITY, "code": "R", "display": "restricted" })
}

/// The Patient: the client's id, and their demographics when recorded.
pub fn patient(client: UserId, demographics: Option<&Demographics>) -> Value {
    let mut patient = json!({
        "resourceType": "Patient",
        "id": client.as_uuid(),
        "identifier": [{ "system": URI_SYSTEM, "value": urn(*client.as_uuid()) }],
    });
    let Some(d) = demographics else {
        return patient;
    };
    let mut names = vec![json!({ "use": "official", "text": d.legal_name })];
    names.extend(d.preferred_name.iter().map(|name| json!({ "use": "usual", "text": name })));
    set(&mut patient, "name", Value::Array(names));
    let telecom: Vec<Value> = [("phone", &d.phone), ("email", &d.email)]
        .into_iter()
        .filter_map(|(system, value)| value.as_ref().map(|value| json!({ "system": system, "value": value })))
        .collect();
    if !telecom.is_empty() {
        set(&mut patient, "telecom", Value::Array(telecom));
    }
    if let Some(born) = d.date_of_birth {
        set(&mut patient, "birthDate", json!(born.format("%Y-%m-%d").to_string()));
    }
    if let Some(address) = &d.address {
        set(&mut patient, "address", json!([{ "text": address }]));
    }
    if let Some(contact) = &d.emergency_contact {
        let mut relationship = vec![json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v2-0131",
            "code": "C",
            "display": "Emergency Contact"
        }] })];
        relationship.extend(contact.relationship.iter().map(|text| json!({ "text": text })));
        set(
            &mut patient,
            "contact",
            json!([{
                "relationship": relationship,
                "name": { "text": contact.name },
                "telecom": [{ "system": "phone", "value": contact.phone }],
            }]),
        );
    }
    patient
}

/// A signed progress note: LOINC 11506-3, final, signed at `date`; the sections as Markdown
/// for people and the canonical JSON its content hash was taken over, for verification.
/// An amendment `appends` to the note it corrects, which stays current (it is not replaced:
/// the original stays part of the record as it was signed).
pub fn progress_note(note: &Note) -> Result<Value, Error> {
    let signed_at = note.signed_at.unwrap_or(note.updated_at);
    let template = code(note.template).to_uppercase();
    let canonical = canonical(note.template, note.client_id, note.author_id, &note.sections)?;
    let mut document = json!({
        "resourceType": "DocumentReference",
        "id": note.id,
        "masterIdentifier": { "system": URI_SYSTEM, "value": urn(note.id) },
        "status": "current",
        "docStatus": "final",
        "type": {
            "coding": [{ "system": "http://loinc.org", "code": LOINC_PROGRESS_NOTE, "display": "Progress note" }],
            "text": format!("Progress note ({template})"),
        },
        "category": [{ "coding": [{
            "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
            "code": "clinical-note",
            "display": "Clinical Note"
        }] }],
        "subject": { "reference": urn(*note.client_id.as_uuid()), "type": "Patient" },
        "date": instant(signed_at),
        "author": [practitioner(note.author_id)],
        "authenticator": practitioner(note.signed_by.unwrap_or(note.author_id)),
        "description": format!("{template} progress note"),
        "content": [
            { "attachment": {
                "contentType": "text/markdown; charset=utf-8",
                "data": STANDARD.encode(markdown(note)),
                "title": format!("Progress note ({template})"),
                "creation": instant(note.created_at),
            } },
            { "attachment": {
                "contentType": "application/json",
                "data": STANDARD.encode(&canonical),
                "title": "Signed content (canonical JSON, SHA-256 in the Provenance)",
            } },
        ],
    });
    if let Some(original) = note.amends {
        set(&mut document, "relatesTo", json!([{ "code": "appends", "target": { "reference": urn(original) } }]));
    }
    Ok(document)
}

/// Who signed the note and when, with the content hash the signature fixed.
pub fn note_provenance(note: &Note) -> Value {
    let signer = practitioner(note.signed_by.unwrap_or(note.author_id));
    let signed_at = instant(note.signed_at.unwrap_or(note.updated_at));
    let mut provenance = json!({
        "resourceType": "Provenance",
        "id": derived_id("note-provenance", note.id),
        "target": [{ "reference": urn(note.id) }],
        "recorded": signed_at,
        "activity": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
            "code": if note.amends.is_some() { "UPDATE" } else { "CREATE" },
        }] },
        "agent": [{
            "type": { "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                "code": "author",
                "display": "Author"
            }] },
            "who": signer,
        }],
        "signature": [{
            "type": [{ "system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.1", "display": "Author's Signature" }],
            "when": signed_at,
            "who": signer,
        }],
    });
    if let Some(hash) = &note.content_hash {
        set(&mut provenance, "extension", json!([{ "url": CONTENT_HASH_EXTENSION, "valueString": hash }]));
    }
    provenance
}

/// The export itself: assembled by records for the practice, at `exported_at`.
pub fn export_provenance(record: &ChartRecord, targets: &[Uuid]) -> Value {
    json!({
        "resourceType": "Provenance",
        "id": derived_id("export-provenance", record.export_id),
        "target": targets.iter().map(|id| json!({ "reference": urn(*id) })).collect::<Vec<_>>(),
        "recorded": instant(record.exported_at),
        "agent": [{
            "type": { "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                "code": "assembler",
                "display": "Assembler"
            }] },
            "who": { "type": "Device", "display": "Telehealth records service" },
            "onBehalfOf": {
                "type": "Organization",
                "identifier": { "system": URI_SYSTEM, "value": urn(*record.tenant.as_uuid()) },
            },
        }],
    })
}

/// A clinician as a logical reference: records holds their id, not their name.
pub(super) fn practitioner(user: UserId) -> Value {
    json!({ "type": "Practitioner", "identifier": { "system": URI_SYSTEM, "value": urn(*user.as_uuid()) } })
}

/// The note's sections in template order as Markdown: a heading per section.
fn markdown(note: &Note) -> String {
    crate::domain::note::sections(note.template)
        .iter()
        .map(|name| {
            let text = note.sections.get(*name).map_or("", String::as_str);
            format!("## {}\n\n{}\n", title(name), text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `subjective` -> `Subjective`.
pub fn title(section: &str) -> String {
    let mut chars = section.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Adds `key` to a resource built by `json!` (always an object).
pub(super) fn set(resource: &mut Value, key: &str, value: Value) {
    if let Value::Object(fields) = resource {
        fields.insert(key.to_owned(), value);
    }
}

fn entry(resource: Value) -> Value {
    let full_url = resource_id(&resource).map(urn);
    json!({ "fullUrl": full_url, "resource": resource })
}

pub(super) fn resource_id(resource: &Value) -> Option<Uuid> {
    resource.get("id").and_then(Value::as_str).and_then(|id| Uuid::parse_str(id).ok())
}

pub(super) fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

pub(super) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stable id for a resource derived from another (`kind` keeps the derivations apart):
/// the first 16 bytes of SHA-256(kind, id) as a version-8 UUID.
pub(super) fn derived_id(kind: &str, id: Uuid) -> Uuid {
    let mut input = kind.as_bytes().to_vec();
    input.extend_from_slice(id.as_bytes());
    let digest = ring::digest::digest(&ring::digest::SHA256, &input);
    let mut bytes = [0_u8; 16];
    for (to, from) in bytes.iter_mut().zip(digest.as_ref()) {
        *to = *from;
    }
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}
