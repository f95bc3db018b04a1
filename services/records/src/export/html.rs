//! A [`ChartRecord`] as one readable, print-friendly HTML page: the client's details, each
//! signed progress note with its sections, then the clinical chart (`html_chart`). Self-contained: inline CSS only, no script,
//! no image, no external resource (the response also carries a CSP that forbids them).
//!
//! Every value from the chart goes through [`escape`]; nothing of the record is ever placed
//! in an attribute except ids records generated (UUIDs) and formatted dates.
//!
//! Not here: PDF, document content, and any chart domain not exported yet (see
//! docs/records.md).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use tp_records_api::chart::Demographics;
use tp_records_api::notes::Note;

use super::fhir::title;
use super::html_chart as chart;
use super::{ChartRecord, Counts};
use crate::domain::note::{code, sections};

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;color:#111;max-width:50rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #999;margin-top:2rem}\
h3{font-size:1.05rem;margin-bottom:.2rem}.meta{color:#444;font-size:.9rem}\
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}\
article{border:1px solid #ccc;border-radius:4px;padding:.5rem 1rem;margin:1rem 0;break-inside:avoid}\
.text{white-space:pre-wrap}code{font-size:.8rem;word-break:break-all}\
@media print{body{margin:0;max-width:none;font-size:12pt}article{border-color:#000}a{color:#000}}";

/// The page and how much it shows.
pub fn page(record: &ChartRecord) -> (String, Counts) {
    let mut html = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(html, "<title>Health record summary</title>\n<style>{STYLE}</style>\n</head>\n<body>");
    let name = record.demographics.as_ref().map_or("", |d| d.legal_name.as_str());
    let _ = writeln!(html, "<h1>Health record summary</h1>\n<p class=\"meta\">{}", escape(name));
    let _ = writeln!(html, "<br>Exported {} (UTC)</p>", when(record.exported_at));
    details(&mut html, record.demographics.as_ref());
    notes(&mut html, &record.notes);
    chart::diagnoses(&mut html, &record.diagnoses);
    chart::medications(&mut html, &record.medications);
    chart::treatment_plan(&mut html, record.treatment_plan.as_ref());
    chart::forms(&mut html, &record.forms);
    chart::documents(&mut html, &record.documents);
    html.push_str(
        "<h2>About this summary</h2>\n<p>It contains your details, every signed progress note of your \
         chart (amendments included), your diagnoses, medications, treatment plan, the forms you or your \
         care team answered, and the list of your documents. Drafts are not part of the record until \
         signed. Psychotherapy notes are never included. A machine-readable copy (FHIR R4) can be \
         downloaded too; it carries the documents themselves up to 5 MiB in all.</p>\n</body>\n</html>\n",
    );
    (html, Counts::of(record))
}

fn details(html: &mut String, demographics: Option<&Demographics>) {
    html.push_str("<h2>Your details</h2>\n");
    let Some(d) = demographics else {
        html.push_str("<p>No details have been recorded yet.</p>\n");
        return;
    };
    let contact = d.emergency_contact.as_ref().map(|c| match &c.relationship {
        Some(relationship) => format!("{} ({relationship}), {}", c.name, c.phone),
        None => format!("{}, {}", c.name, c.phone),
    });
    let born = d.date_of_birth.map(|date| date.format("%Y-%m-%d").to_string());
    let rows = [
        ("Legal name", Some(d.legal_name.clone())),
        ("Preferred name", d.preferred_name.clone()),
        ("Date of birth", born),
        ("Phone", d.phone.clone()),
        ("Email", d.email.clone()),
        ("Address", d.address.clone()),
        ("Emergency contact", contact),
    ];
    html.push_str("<dl class=\"details\">\n");
    for (label, value) in rows {
        let value = value.map_or_else(|| "—".to_owned(), |v| escape(&v));
        let _ = writeln!(html, "<dt>{label}</dt><dd class=\"text\">{value}</dd>");
    }
    html.push_str("</dl>\n");
}

fn notes(html: &mut String, notes: &[Note]) {
    let _ = writeln!(html, "<h2>Progress notes ({})</h2>", notes.len());
    if notes.is_empty() {
        html.push_str("<p>No signed progress notes.</p>\n");
    }
    for note in notes {
        let template = code(note.template).to_uppercase();
        let signed = note.signed_at.map_or_else(String::new, when);
        let signer = note.signed_by.unwrap_or(note.author_id);
        let _ = writeln!(html, "<article id=\"note-{}\">\n<h3>Progress note ({template})</h3>", note.id);
        let _ = writeln!(html, "<p class=\"meta\">Signed {signed} (UTC) by clinician <code>{signer}</code>");
        if let Some(original) = note.amends {
            let _ = write!(html, "<br>Amendment of <a href=\"#note-{original}\">an earlier note</a>");
        }
        if let Some(hash) = &note.content_hash {
            let _ = write!(html, "<br>Content SHA-256 <code>{}</code>", escape(hash));
        }
        html.push_str("</p>\n");
        for name in sections(note.template) {
            let text = note.sections.get(*name).map_or("", String::as_str);
            let _ = writeln!(html, "<h4>{}</h4>\n<p class=\"text\">{}</p>", title(name), escape(text));
        }
        html.push_str("</article>\n");
    }
}

pub(super) fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// `value` safe as HTML text and in a quoted attribute (the one escape every page uses).
pub use tp_server::html::escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_value_comes_out_as_text() {
        assert_eq!(
            escape("<script>alert(1)</script> & \"q\" 'a'"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;"
        );
    }
}
