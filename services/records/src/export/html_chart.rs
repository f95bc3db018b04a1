//! The clinical chart's sections of the HTML summary: diagnoses, medications, the treatment
//! plan, forms and assessments, documents. Every value from the chart goes through
//! [`escape`]; only ids records generated and formatted dates are placed in attributes.
//!
//! Not here: document content. The page embeds no file (its CSP forbids images and
//! objects); it lists each document and says whether the FHIR copy carries it.

use std::fmt::Write as _;

use chrono::NaiveDate;
use tp_records_api::clinical::{Diagnosis, DiagnosisStatus, GoalStatus, Medication, TreatmentPlan};
use tp_records_api::forms::{Answers, Instrument};

use super::fhir_forms::{SELF_HARM_NOTE, severity};
use super::html::{escape, when};
use super::{DocumentRecord, FormRecord};

pub fn diagnoses(html: &mut String, diagnoses: &[Diagnosis]) {
    let _ = writeln!(html, "<h2>Diagnoses ({})</h2>", diagnoses.len());
    if diagnoses.is_empty() {
        html.push_str("<p>No diagnoses recorded.</p>\n");
        return;
    }
    html.push_str("<ul>\n");
    for d in diagnoses {
        let status = match d.status {
            DiagnosisStatus::Active => "active",
            DiagnosisStatus::Resolved => "resolved",
        };
        let onset = d.onset_date.map_or_else(String::new, |onset| format!(", since {}", date(onset)));
        let _ = writeln!(
            html,
            "<li><strong>{}</strong> (ICD-10-CM <code>{}</code>): {status}{onset}</li>",
            escape(&d.description),
            escape(&d.code)
        );
    }
    html.push_str("</ul>\n");
}

pub fn medications(html: &mut String, medications: &[Medication]) {
    let _ = writeln!(html, "<h2>Medications ({})</h2>", medications.len());
    if medications.is_empty() {
        html.push_str("<p>No medications recorded.</p>\n");
        return;
    }
    html.push_str("<ul>\n");
    for m in medications {
        let mut line = format!("<strong>{}</strong>: {}, {}", escape(&m.name), escape(&m.dose), escape(&m.frequency));
        if let Some(prescriber) = &m.prescriber {
            let _ = write!(line, "; prescribed by {}", escape(prescriber));
        }
        match (m.started_on, m.stopped_on) {
            (Some(start), Some(stop)) => {
                let _ = write!(line, "; from {} to {}", date(start), date(stop));
            }
            (Some(start), None) => {
                let _ = write!(line, "; since {}", date(start));
            }
            (None, Some(stop)) => {
                let _ = write!(line, "; stopped {}", date(stop));
            }
            (None, None) => {}
        }
        let _ = writeln!(html, "<li>{line}</li>");
    }
    html.push_str("</ul>\n");
}

pub fn treatment_plan(html: &mut String, plan: Option<&TreatmentPlan>) {
    html.push_str("<h2>Treatment plan</h2>\n");
    let Some(plan) = plan else {
        html.push_str("<p>No treatment plan recorded.</p>\n");
        return;
    };
    let _ = writeln!(html, "<p class=\"meta\">Updated {} (UTC)</p>", when(plan.updated_at));
    let _ = writeln!(html, "<p class=\"text\">{}</p>", escape(&plan.problem));
    if plan.goals.is_empty() {
        return;
    }
    html.push_str("<h3>Goals</h3>\n<ol>\n");
    for goal in &plan.goals {
        let status = match goal.status {
            GoalStatus::Active => "active",
            GoalStatus::Met => "met",
            GoalStatus::Discontinued => "discontinued",
        };
        let due = goal.target_date.map_or_else(String::new, |due| format!(", by {}", date(due)));
        let _ = writeln!(
            html,
            "<li>{} ({status}{due})<br>Measured by: {}</li>",
            escape(&goal.description),
            escape(&goal.objective)
        );
    }
    html.push_str("</ol>\n");
}

pub fn forms(html: &mut String, forms: &[FormRecord]) {
    let _ = writeln!(html, "<h2>Forms and assessments ({})</h2>", forms.len());
    if forms.is_empty() {
        html.push_str("<p>No forms answered.</p>\n");
    }
    for form in forms {
        let response = &form.response;
        let title = match (response.form, &form.template_title) {
            (Answers::Instrument { instrument: Instrument::Phq9 }, _) => "PHQ-9 (depression)".to_owned(),
            (Answers::Instrument { instrument: Instrument::Gad7 }, _) => "GAD-7 (anxiety)".to_owned(),
            (Answers::Template { version, .. }, Some(title)) => format!("{} (version {version})", escape(title)),
            (Answers::Template { version, .. }, None) => format!("Form (version {version})"),
        };
        let _ = writeln!(html, "<article id=\"form-{}\">\n<h3>{title}</h3>", response.id);
        let _ = write!(html, "<p class=\"meta\">Answered {} (UTC)", when(response.created_at));
        if let Some(score) = response.score {
            let _ = write!(html, "<br>Total score <strong>{}</strong>: {}", score.total, severity(score.severity));
            if score.self_harm_flagged {
                let _ = write!(html, "<br>{SELF_HARM_NOTE}");
            }
        }
        html.push_str("</p>\n");
        answers(html, &response.answers);
        html.push_str("</article>\n");
    }
}

/// The answers as a list: one row per property (or per item of an instrument).
fn answers(html: &mut String, answers: &serde_json::Value) {
    let rows: Vec<(String, String)> = match answers {
        serde_json::Value::Object(fields) => fields.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().map(|(i, v)| (format!("Item {}", i + 1), text(v))).collect()
        }
        other => vec![("Answers".to_owned(), text(other))],
    };
    html.push_str("<dl class=\"details\">\n");
    for (label, value) in rows {
        let _ = writeln!(html, "<dt>{}</dt><dd class=\"text\">{}</dd>", escape(&label), escape(&value));
    }
    html.push_str("</dl>\n");
}

fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

pub fn documents(html: &mut String, documents: &[DocumentRecord]) {
    let _ = writeln!(html, "<h2>Documents ({})</h2>", documents.len());
    if documents.is_empty() {
        html.push_str("<p>No documents uploaded.</p>\n");
        return;
    }
    html.push_str("<ul>\n");
    for record in documents {
        let d = &record.document;
        let carried = if record.inline {
            "included in the machine-readable copy (FHIR)"
        } else {
            "not included in this export (past its 5 MiB limit for documents): download it from your chart"
        };
        let _ = writeln!(
            html,
            "<li><strong>{}</strong>{} ({}, {} bytes), uploaded {} (UTC); {carried}<br>SHA-256 <code>{}</code></li>",
            escape(&d.title),
            d.filename.as_deref().map_or_else(String::new, |name| format!(", file {}", escape(name))),
            d.media_type.extension().to_uppercase(),
            d.size_bytes,
            when(d.uploaded_at),
            escape(&d.sha256),
        );
    }
    html.push_str("</ul>\n");
}

fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}
