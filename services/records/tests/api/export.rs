//! The chart export (right of access): a FHIR R4 Bundle that an independent validator
//! accepts (and that it rejects once broken), holding the Patient and the signed notes with
//! their Provenance but no draft; an HTML summary that escapes every value under a CSP that
//! forbids scripts; who may export (the client, the care team) and who may not; the audit
//! event with the format and counts only.

use base64::Engine as _;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_ids::{TenantId, UserId};
use tp_records_api::export::ExportFormat;
use tp_records_api::paths;
use tp_testkit::fhir::validate;
use uuid::Uuid;

use crate::harness::{Person, Platform, demographics, query, spawn};

const HOSTILE_NAME: &str = "<script>alert(1)</script> & \"Zed\" O'Brien";
const HOSTILE_NOTE: &str = "<img src=x onerror=alert(2)> said \"fine\" & left";
const DRAFT_TEXT: &str = "Unsigned-Quokka draft";

struct Chart {
    p: Platform,
    tenant: TenantId,
    clinician: Person,
    client: Person,
    original: Uuid,
    amendment: Uuid,
    drafts: [Uuid; 2],
}

/// A client with demographics, one signed note, its signed amendment, a draft note and a
/// draft amendment.
async fn chart() -> Chart {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;
    let mut d = demographics(HOSTILE_NAME);
    d.preferred_name = Some("Zed".to_owned());
    let (status, body) = p.put(&clinician, tenant, client.user, &d).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let notes = paths::notes(tenant, client.user);
    let soap = |s: &str| json!({ "template": "soap", "sections": { "subjective": s, "plan": "weekly" } });
    let original = note(&p, &clinician, &notes, soap(HOSTILE_NOTE)).await;
    sign(&p, &clinician, tenant, client.user, original).await;
    let amendments = paths::note_amendments(tenant, client.user, original);
    let amendment = note(&p, &clinician, &amendments, soap("corrected")).await;
    sign(&p, &clinician, tenant, client.user, amendment).await;
    let drafts = [
        note(&p, &clinician, &notes, soap(DRAFT_TEXT)).await,
        note(&p, &clinician, &amendments, soap(DRAFT_TEXT)).await,
    ];
    Chart { p, tenant, clinician, client, original, amendment, drafts }
}

async fn note(p: &Platform, who: &Person, path: &str, body: Value) -> Uuid {
    let (status, body) = p.call(who, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().parse().unwrap()
}

async fn sign(p: &Platform, who: &Person, tenant: TenantId, client: UserId, note: Uuid) {
    let (status, body) = p.call(who, Method::POST, &paths::note_sign(tenant, client, note), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn export(
    p: &Platform,
    who: &Person,
    tenant: TenantId,
    client: UserId,
    format: ExportFormat,
) -> (StatusCode, HeaderMap, String) {
    let url = format!("{}{}", p.records.address, paths::export(tenant, client, format));
    let response = p.http.get(url).bearer_auth(&who.token).send().await.unwrap();
    (response.status(), response.headers().clone(), response.text().await.unwrap())
}

fn of_type<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    let entries = bundle["entry"].as_array().unwrap();
    entries.iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == kind).collect()
}

fn by_id<'a>(resources: &[&'a Value], id: Uuid) -> &'a Value {
    resources.iter().find(|r| r["id"] == id.to_string()).unwrap()
}

#[tokio::test]
async fn the_fhir_bundle_passes_an_independent_validator_with_signed_notes_only() {
    // Arrange
    let c = chart().await;

    // Act
    let (status, headers, body) = export(&c.p, &c.clinician, c.tenant, c.client.user, ExportFormat::Fhir).await;

    // Assert: valid FHIR R4, as an independent validator sees it.
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["content-type"], "application/fhir+json");
    let bundle: Value = serde_json::from_str(&body).unwrap();
    let verdict = validate(&bundle).await;
    assert!(verdict.valid, "the validator refused the export: {:?}", verdict.errors);
    assert_eq!(bundle["type"], "collection");

    // Counts, and no draft anywhere.
    let (documents, provenances) = (of_type(&bundle, "DocumentReference"), of_type(&bundle, "Provenance"));
    assert_eq!((of_type(&bundle, "Patient").len(), documents.len(), provenances.len()), (1, 2, 3));
    for draft in c.drafts {
        assert!(!body.contains(&draft.to_string()), "a draft's id is in the export");
    }
    let decoded: Vec<String> = documents
        .iter()
        .flat_map(|d| d["content"].as_array().unwrap().iter())
        .map(|c| c["attachment"]["data"].as_str().unwrap())
        .map(|data| String::from_utf8(base64::engine::general_purpose::STANDARD.decode(data).unwrap()).unwrap())
        .collect();
    assert!(decoded.iter().any(|text| text.contains(HOSTILE_NOTE)), "the signed note's text is exported");
    assert!(!decoded.iter().any(|text| text.contains(DRAFT_TEXT)), "a draft's text is exported");

    // The Patient, by hand.
    let client_ref = format!("urn:uuid:{}", c.client.user);
    let patient = of_type(&bundle, "Patient")[0];
    assert_eq!(patient["id"], c.client.user.to_string());
    assert_eq!(
        patient["name"],
        json!([{ "use": "official", "text": HOSTILE_NAME }, { "use": "usual", "text": "Zed" }])
    );
    assert_eq!(patient["birthDate"], "1984-02-29");
    assert_eq!(patient["telecom"][1], json!({ "system": "email", "value": "zed.quixote@example.test" }));
    assert_eq!(patient["address"][0]["text"], "42 Wallaby Way\nSydney");
    assert_eq!(patient["contact"][0]["relationship"][0]["coding"][0]["code"], "C");
    assert_eq!(patient["contact"][0]["name"]["text"], "Quentin Kinsman");

    // The notes, by hand: LOINC progress note, final, signed by the clinician, amendment linked.
    let original = by_id(&documents, c.original);
    assert_eq!(
        original["type"]["coding"][0],
        json!({ "system": "http://loinc.org", "code": "11506-3", "display": "Progress note" })
    );
    assert_eq!((&original["status"], &original["docStatus"]), (&json!("current"), &json!("final")));
    assert_eq!(original["subject"]["reference"], client_ref);
    assert_eq!(original["author"][0]["identifier"]["value"], format!("urn:uuid:{}", c.clinician.user));
    let amendment = by_id(&documents, c.amendment);
    let relates = json!([{ "code": "appends", "target": { "reference": format!("urn:uuid:{}", c.original) } }]);
    assert_eq!(amendment["relatesTo"], relates);
    assert!(original.get("relatesTo").is_none());

    // Each note's Provenance: signed when the note says, by whom, with its content hash.
    let (_, stored) =
        c.p.call(&c.clinician, Method::GET, &paths::note(c.tenant, c.client.user, c.original), None).await;
    let target = format!("urn:uuid:{}", c.original);
    let provenance = provenances.iter().find(|p| p["target"] == json!([{ "reference": target }])).unwrap();
    assert_eq!(provenance["extension"][0]["valueString"], stored["content_hash"]);
    assert_eq!(provenance["agent"][0]["who"]["identifier"]["value"], format!("urn:uuid:{}", c.clinician.user));
    assert_eq!(original["date"], provenance["recorded"]);
    let entries = bundle["entry"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["fullUrl"] == format!("urn:uuid:{}", e["resource"]["id"].as_str().unwrap())));
}

#[tokio::test]
async fn the_validator_rejects_a_deliberately_broken_bundle() {
    let c = chart().await;
    let (_, _, body) = export(&c.p, &c.client, c.tenant, c.client.user, ExportFormat::Fhir).await;
    let mut bundle: Value = serde_json::from_str(&body).unwrap();
    assert!(validate(&bundle).await.valid, "the unbroken export must pass first");

    bundle["entry"][0]["resource"]["birthDate"] = json!("29/02/1984");
    let verdict = validate(&bundle).await;

    assert!(!verdict.valid, "a bad birthDate passed the validator");
    let text = format!("{:?}", verdict.errors);
    assert!(text.contains("Patient.birthDate"), "{text}");
}

#[tokio::test]
async fn the_html_summary_escapes_every_value_and_forbids_scripts() {
    let c = chart().await;

    let (status, headers, page) = export(&c.p, &c.client, c.tenant, c.client.user, ExportFormat::Html).await;

    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["content-security-policy"], "default-src 'none'; style-src 'unsafe-inline'");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Zed&quot; O&#39;Brien"), "{page}");
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt; said &quot;fine&quot; &amp; left"), "{page}");
    // The hostile values appear only as text: no element of theirs, nothing fetched.
    for raw in ["<script", "<img", "<link", "<iframe", "://"] {
        assert!(!page.contains(raw), "{raw} in the page");
    }
    assert!(page.contains("Progress notes (2)") && page.contains("corrected"));
    assert!(!page.contains(DRAFT_TEXT), "a draft is in the summary");
}

#[tokio::test]
async fn the_client_and_the_care_team_export_and_no_one_else_does() {
    // Arrange
    let c = chart().await;
    let (p, tenant, client) = (&c.p, c.tenant, c.client.user);
    let other = p.tenant().await;
    let admin_on_team = p.person(tenant, &["practice_admin"]).await;
    p.assign(tenant, admin_on_team.user, client).await;
    let refused = [
        ("staff", p.person(tenant, &["staff"]).await),
        ("practice admin off the team", p.person(tenant, &["practice_admin"]).await),
        ("clinician off the team", p.person(tenant, &["clinician"]).await),
        ("another client", p.person(tenant, &["client"]).await),
    ];
    let outsider = p.person(other, &["clinician"]).await;
    p.assign(other, outsider.user, client).await;

    // Act / Assert
    for who in [&c.client, &c.clinician, &admin_on_team] {
        let (status, _, body) = export(p, who, tenant, client, ExportFormat::Fhir).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for (label, who) in &refused {
        let (status, _, body) = export(p, who, tenant, client, ExportFormat::Html).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: {body}");
        assert!(!body.contains("Wallaby"), "{label} got content");
    }
    let (status, _, body) = export(p, &outsider, tenant, client, ExportFormat::Fhir).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another practice: {body}");
    let (status, _, _) = export(p, &outsider, other, client, ExportFormat::Fhir).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no client of the other practice, even on its care team");
    let bad = format!("{}/export?format=pdf", paths::chart(tenant, client));
    let (status, _) = p.call(&c.client, Method::GET, &bad, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_export_is_audited_with_its_format_and_counts_and_no_content() {
    let c = chart().await;
    let staff = c.p.person(c.tenant, &["staff"]).await;

    export(&c.p, &c.client, c.tenant, c.client.user, ExportFormat::Fhir).await;
    export(&c.p, &c.clinician, c.tenant, c.client.user, ExportFormat::Html).await;
    export(&c.p, &staff, c.tenant, c.client.user, ExportFormat::Fhir).await;

    let sql = "select actor_id, outcome, subject_id, details::text as details from audit.events \
               where tenant_id = $1 and action = 'records.chart.exported' order by occurred_at, id";
    let rows = query(&c.p.records_admin, sql, vec![Uuid::from(c.tenant).into()]).await;
    let events: Vec<(String, String, Value)> = rows
        .iter()
        .map(|r| {
            let details: String = r.try_get("", "details").unwrap();
            let subject: Option<String> = r.try_get("", "subject_id").unwrap();
            assert_eq!(subject, Some(c.client.user.to_string()));
            (
                r.try_get("", "actor_id").unwrap(),
                r.try_get("", "outcome").unwrap(),
                serde_json::from_str(&details).unwrap(),
            )
        })
        .collect();
    assert_eq!(events.len(), 3, "{events:?}");
    let fhir = json!({ "format": "fhir", "patients": "1", "progress_notes": "2", "provenances": "3" });
    assert_eq!(events[0], (c.client.user.to_string(), "success".to_owned(), fhir));
    assert_eq!((&events[1].0, events[1].2["format"].as_str()), (&c.clinician.user.to_string(), Some("html")));
    assert_eq!((&events[2].0, events[2].1.as_str()), (&staff.user.to_string(), "denied"));
    let all = format!("{events:?}");
    assert!(!all.contains("Wallaby") && !all.contains("onerror"), "content in the audit log");
}
