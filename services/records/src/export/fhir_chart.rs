//! The clinical chart as FHIR R4 resources: a Condition per diagnosis, a MedicationStatement
//! per medication, a CarePlan (goals contained) for the current treatment plan, and a
//! DocumentReference per uploaded document. One function per kind; `fhir::bundle` calls them.
//!
//! Ids are the chart's own (a diagnosis's, a medication's, a document's), and the CarePlan's
//! is derived from the client's, so they are stable across exports. Free text stays text
//! (`CodeableConcept.text`): records holds no RxNorm or SNOMED codes and invents none.
//!
//! Not here: reading or decrypting (chart::export), the inline budget (export::record).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use serde_json::{Value, json};
use tp_ids::UserId;
use tp_records_api::clinical::{Diagnosis, DiagnosisStatus, Goal, GoalStatus, Medication, TreatmentPlan};

use super::DocumentRecord;
use super::fhir::{URI_SYSTEM, derived_id, instant, practitioner, set, urn};

/// The code system of every diagnosis code.
pub const ICD_10_CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
/// Extension on an uploaded document's attachment: the hex SHA-256 of its content, as
/// records stored it at upload (FHIR's own `hash` is SHA-1, given when the data is inline).
pub const DOCUMENT_SHA256_EXTENSION: &str = "urn:telehealth:fhir:extension:content-sha256";
/// Extension on an uploaded document's attachment when its content is left out.
pub const CONTENT_OMITTED_EXTENSION: &str = "urn:telehealth:fhir:extension:content-omitted";

/// A diagnosis: its ICD-10-CM code with the clinician's description, active or resolved.
pub fn condition(diagnosis: &Diagnosis) -> Value {
    let clinical_status = match diagnosis.status {
        DiagnosisStatus::Active => "active",
        DiagnosisStatus::Resolved => "resolved",
    };
    let mut condition = json!({
        "resourceType": "Condition",
        "id": diagnosis.id,
        "clinicalStatus": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": clinical_status,
        }] },
        "verificationStatus": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "code": "confirmed",
        }] },
        "category": [{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-category",
            "code": "problem-list-item",
            "display": "Problem List Item",
        }] }],
        "code": {
            "coding": [{ "system": ICD_10_CM, "code": diagnosis.code, "display": diagnosis.description }],
            "text": diagnosis.description,
        },
        "subject": patient(diagnosis.client_id),
        "recordedDate": instant(diagnosis.recorded_at),
        "recorder": practitioner(diagnosis.recorded_by),
    });
    if let Some(onset) = diagnosis.onset_date {
        set(&mut condition, "onsetDateTime", json!(date(onset)));
    }
    condition
}

/// A medication as told: `completed` once its stop date has passed, `active` otherwise.
pub fn medication_statement(medication: &Medication, today: NaiveDate) -> Value {
    let stopped = medication.stopped_on.is_some_and(|stopped| stopped <= today);
    let mut statement = json!({
        "resourceType": "MedicationStatement",
        "id": medication.id,
        "status": if stopped { "completed" } else { "active" },
        "medicationCodeableConcept": { "text": medication.name },
        "subject": patient(medication.client_id),
        "dateAsserted": instant(medication.recorded_at),
        "informationSource": practitioner(medication.recorded_by),
        "dosage": [{ "text": format!("{}, {}", medication.dose, medication.frequency) }],
    });
    let mut period = serde_json::Map::new();
    if let Some(start) = medication.started_on {
        period.insert("start".to_owned(), json!(date(start)));
    }
    if let Some(end) = medication.stopped_on {
        period.insert("end".to_owned(), json!(date(end)));
    }
    if !period.is_empty() {
        set(&mut statement, "effectivePeriod", Value::Object(period));
    }
    if let Some(prescriber) = &medication.prescriber {
        set(&mut statement, "note", json!([{ "text": format!("Prescriber: {prescriber}") }]));
    }
    statement
}

/// The current plan: the problem as its description, each goal a contained Goal (goals have
/// no identity of their own in records, so they are not separate entries).
pub fn care_plan(plan: &TreatmentPlan) -> Value {
    let goals: Vec<Value> =
        plan.goals.iter().enumerate().map(|(i, g)| goal(&format!("goal-{}", i + 1), g, plan.client_id)).collect();
    let mut care_plan = json!({
        "resourceType": "CarePlan",
        "id": derived_id("care-plan", *plan.client_id.as_uuid()),
        "status": "active",
        "intent": "plan",
        "title": "Treatment plan",
        "description": plan.problem,
        "subject": patient(plan.client_id),
        "created": instant(plan.created_at),
        "author": practitioner(plan.updated_by),
    });
    if !goals.is_empty() {
        let references: Vec<Value> = (1..=goals.len()).map(|i| json!({ "reference": format!("#goal-{i}") })).collect();
        set(&mut care_plan, "contained", Value::Array(goals));
        set(&mut care_plan, "goal", Value::Array(references));
    }
    care_plan
}

/// A goal: what (description), how it is measured (the target's measure), by when.
fn goal(id: &str, goal: &Goal, client: UserId) -> Value {
    let lifecycle = match goal.status {
        GoalStatus::Active => "active",
        GoalStatus::Met => "completed",
        GoalStatus::Discontinued => "cancelled",
    };
    let mut target = json!({ "measure": { "text": goal.objective } });
    if let Some(due) = goal.target_date {
        set(&mut target, "dueDate", json!(date(due)));
    }
    let mut resource = json!({
        "resourceType": "Goal",
        "id": id,
        "lifecycleStatus": lifecycle,
        "description": { "text": goal.description },
        "subject": patient(client),
        "target": [target],
    });
    if goal.status == GoalStatus::Met {
        let achieved = json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
            "code": "achieved",
        }] });
        set(&mut resource, "achievementStatus", achieved);
    }
    resource
}

/// An uploaded document: its metadata always; its content inline (with FHIR's SHA-1 `hash`)
/// only when the export carries it, otherwise an extension saying it was left out.
pub fn uploaded_document(record: &DocumentRecord) -> Value {
    let document = &record.document;
    let mut attachment = json!({
        "contentType": document.media_type.as_str(),
        "size": document.size_bytes,
        "title": document.filename.as_deref().unwrap_or(&document.title),
        "creation": instant(document.uploaded_at),
    });
    let mut extensions = vec![json!({ "url": DOCUMENT_SHA256_EXTENSION, "valueString": document.sha256 })];
    match &record.content {
        Some(content) => {
            let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, content);
            set(&mut attachment, "hash", json!(STANDARD.encode(sha1.as_ref())));
            set(&mut attachment, "data", json!(STANDARD.encode(content.as_slice())));
        }
        None => extensions.push(json!({
            "url": CONTENT_OMITTED_EXTENSION,
            "valueString": "Not included: past the export's 5 MiB limit for documents. Download it from the chart.",
        })),
    }
    set(&mut attachment, "extension", Value::Array(extensions));
    json!({
        "resourceType": "DocumentReference",
        "id": document.id,
        "masterIdentifier": { "system": URI_SYSTEM, "value": urn(document.id) },
        "status": "current",
        "type": { "text": "Uploaded document" },
        "subject": patient(document.client_id),
        "date": instant(document.uploaded_at),
        "author": [practitioner(document.uploaded_by)],
        "description": document.title,
        "content": [{ "attachment": attachment }],
    })
}

fn patient(client: UserId) -> Value {
    json!({ "reference": urn(*client.as_uuid()), "type": "Patient" })
}

fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}
