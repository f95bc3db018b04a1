//! Form responses as FHIR R4: a QuestionnaireResponse per response, and an Observation per
//! instrument total (LOINC 44261-6 PHQ-9, 70274-6 GAD-7) derived from its response.
//!
//! A response's `questionnaire` is the LOINC panel for an instrument (`http://loinc.org/q/…`)
//! and `urn:uuid:<template id>|<version>` for a practice template: the Questionnaire itself
//! is not in the Bundle (records keeps templates as JSON Schemas, not Questionnaires).
//! Template answers map by JSON type: integers to `valueInteger` (`valueDecimal` past 32
//! bits or with a fraction), strings, booleans; a list gives one answer per element; an
//! object or anything else is kept as its compact JSON text.
//!
//! Not here: scoring (domain::instrument; the stored score is exported as it was computed).

use serde_json::{Value, json};
use tp_records_api::forms::{Answers, FormResponse, Instrument, Score, Severity};

use super::FormRecord;
use super::fhir::{derived_id, instant, practitioner, urn};

/// LOINC panel and total-score codes of an instrument, with the total's display.
pub const fn loinc(instrument: Instrument) -> (&'static str, &'static str, &'static str) {
    match instrument {
        Instrument::Phq9 => {
            ("44249-1", "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]")
        }
        Instrument::Gad7 => {
            ("69737-5", "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]")
        }
    }
}

/// One response: completed when submitted (records keeps no partial ones).
pub fn questionnaire_response(form: &FormRecord) -> Value {
    let response = &form.response;
    let (questionnaire, items) = match response.form {
        Answers::Instrument { instrument } => {
            (format!("http://loinc.org/q/{}", loinc(instrument).0), instrument_items(response))
        }
        Answers::Template { template_id, version } => {
            (format!("urn:uuid:{template_id}|{version}"), template_items(&response.answers))
        }
    };
    let author = if response.responded_by == response.client_id {
        json!({ "reference": urn(*response.client_id.as_uuid()), "type": "Patient" })
    } else {
        practitioner(response.responded_by)
    };
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": response.id,
        "questionnaire": questionnaire,
        "status": "completed",
        "subject": { "reference": urn(*response.client_id.as_uuid()), "type": "Patient" },
        "authored": instant(response.created_at),
        "author": author,
        "item": items,
    })
}

/// An instrument's total as an Observation, derived from its response; `None` for a template.
pub fn score_observation(response: &FormResponse) -> Option<Value> {
    let (Answers::Instrument { instrument }, Some(score)) = (response.form, response.score) else {
        return None;
    };
    let (_, code, display) = loinc(instrument);
    let mut observation = json!({
        "resourceType": "Observation",
        "id": derived_id("score-observation", response.id),
        "status": "final",
        "category": [{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }] }],
        "code": { "coding": [{ "system": "http://loinc.org", "code": code, "display": display }] },
        "subject": { "reference": urn(*response.client_id.as_uuid()), "type": "Patient" },
        "effectiveDateTime": instant(response.created_at),
        "valueInteger": score.total,
        "interpretation": [{ "text": severity(score.severity) }],
        "derivedFrom": [{ "reference": urn(response.id), "type": "QuestionnaireResponse" }],
    });
    if score.self_harm_flagged
        && let Value::Object(fields) = &mut observation
    {
        fields.insert("note".to_owned(), json!([{ "text": SELF_HARM_NOTE }]));
    }
    Some(observation)
}

/// Said wherever a PHQ-9 flags item 9, so a low total never hides it.
pub const SELF_HARM_NOTE: &str = "Item 9 (thoughts of self-harm) was answered above 0.";

pub const fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::None => "none",
        Severity::Minimal => "minimal",
        Severity::Mild => "mild",
        Severity::Moderate => "moderate",
        Severity::ModeratelySevere => "moderately severe",
        Severity::Severe => "severe",
    }
}

/// Items `1`..`n` as integers, then `total` when scored.
fn instrument_items(response: &FormResponse) -> Vec<Value> {
    let answers = response.answers.as_array().map_or(&[][..], Vec::as_slice);
    let mut items: Vec<Value> = answers
        .iter()
        .enumerate()
        .map(|(i, answer)| {
            json!({ "linkId": (i + 1).to_string(), "text": format!("Item {}", i + 1), "answer": values(answer) })
        })
        .collect();
    if let Some(Score { total, .. }) = response.score {
        items.push(json!({ "linkId": "total", "text": "Total score", "answer": [{ "valueInteger": total }] }));
    }
    items
}

/// One item per property of an answers object (in key order); anything else is one item.
fn template_items(answers: &Value) -> Vec<Value> {
    let item = |link: &str, value: &Value| {
        let answers = values(value);
        if answers.is_empty() { json!({ "linkId": link }) } else { json!({ "linkId": link, "answer": answers }) }
    };
    match answers {
        Value::Object(fields) => fields.iter().map(|(key, value)| item(key, value)).collect(),
        other => vec![item("answers", other)],
    }
}

/// A JSON answer as FHIR answer values: none for `null`, one per element for a list.
fn values(value: &Value) -> Vec<Value> {
    match value {
        Value::Null => Vec::new(),
        Value::Array(list) => list.iter().flat_map(values).collect(),
        Value::Bool(b) => vec![json!({ "valueBoolean": b })],
        Value::Number(n) => match n.as_i64().and_then(|n| i32::try_from(n).ok()) {
            Some(integer) => vec![json!({ "valueInteger": integer })],
            None => vec![json!({ "valueDecimal": n })],
        },
        Value::String(text) => vec![json!({ "valueString": text })],
        Value::Object(_) => vec![json!({ "valueString": value.to_string() })],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_map_to_the_fhir_value_of_their_type() {
        let answers = json!({ "a": 3, "b": 2.5, "c": true, "d": "text", "e": null, "f": [1, "x"], "g": { "k": 1 },
                              "h": 4_000_000_000_u64 });
        let items = template_items(&answers);
        assert_eq!(items[0], json!({ "linkId": "a", "answer": [{ "valueInteger": 3 }] }));
        assert_eq!(items[1], json!({ "linkId": "b", "answer": [{ "valueDecimal": 2.5 }] }));
        assert_eq!(items[2], json!({ "linkId": "c", "answer": [{ "valueBoolean": true }] }));
        assert_eq!(items[3], json!({ "linkId": "d", "answer": [{ "valueString": "text" }] }));
        assert_eq!(items[4], json!({ "linkId": "e" }));
        assert_eq!(items[5], json!({ "linkId": "f", "answer": [{ "valueInteger": 1 }, { "valueString": "x" }] }));
        assert_eq!(items[6], json!({ "linkId": "g", "answer": [{ "valueString": "{\"k\":1}" }] }));
        assert_eq!(items[7], json!({ "linkId": "h", "answer": [{ "valueDecimal": 4_000_000_000_u64 }] }));
    }
}
