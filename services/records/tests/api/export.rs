//! The chart export (right of access): a FHIR R4 Bundle that an independent validator
//! accepts (and that it rejects once broken), holding the Patient, the signed notes with
//! their Provenance but no draft, and every other kind of chart content (diagnoses,
//! medications, plan, forms and scores, documents within the 5 MiB budget) but never a
//! psychotherapy note; an HTML summary that escapes every value under a CSP that
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
const HOSTILE_DIAGNOSIS: &str = "Panic <b>disorder</b> & \"worse\"";
const HOSTILE_MEDICATION: &str = "Sertraline <50mg>";
const HOSTILE_PROBLEM: &str = "<i>Panic</i> attacks & 'avoidance'";
const HOSTILE_ANSWER: &str = "<script>alert(3)</script> sleep";
const SMALL_DOCUMENT: &[u8] = b"Referral letter: Quokka-Harbour clinic";
const PSYCHOTHERAPY_TEXT: &str = "Lighthouse-Mirage process note";

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

/// Ids of what [`fill_chart`] recorded.
struct Clinical {
    diagnoses: [Uuid; 2],
    medications: [Uuid; 2],
    phq9: Uuid,
    template_response: Uuid,
    template: Uuid,
    documents: [Uuid; 2],
}

/// Every other kind of chart content, hostile text in each: two diagnoses (active with an
/// onset, resolved), two medications (current, stopped), a plan with two goals, a PHQ-9, a
/// GAD-7 and a template response, a small text document and one past the 5 MiB budget, and
/// a psychotherapy note that must never come out.
async fn fill_chart(c: &Chart) -> Clinical {
    let (p, who, t, client) = (&c.p, &c.clinician, c.tenant, c.client.user);
    let post = |path: String, body: Value| async move { note(p, who, &path, body).await };
    let diagnoses = [
        post(
            paths::diagnoses(t, client),
            json!({ "code": "F41.0", "description": HOSTILE_DIAGNOSIS,
            "status": "active", "onset_date": "2023-05-01" }),
        )
        .await,
        post(
            paths::diagnoses(t, client),
            json!({ "code": "F32.1", "description": "Depressive episode",
            "status": "resolved", "onset_date": null }),
        )
        .await,
    ];
    let medications = [
        post(
            paths::medications(t, client),
            json!({ "name": HOSTILE_MEDICATION, "dose": "50 mg",
            "frequency": "daily", "prescriber": "Dr <Who>", "started_on": "2024-01-10", "stopped_on": null }),
        )
        .await,
        post(
            paths::medications(t, client),
            json!({ "name": "Hydroxyzine", "dose": "25 mg",
            "frequency": "as needed", "prescriber": null, "started_on": "2023-01-01", "stopped_on": "2023-06-01" }),
        )
        .await,
    ];
    let plan = json!({ "problem": HOSTILE_PROBLEM, "goals": [
        { "description": "Fewer panic attacks", "objective": "< 2 a week", "target_date": "2030-01-31", "status": "active" },
        { "description": "Sleep through", "objective": "7 hours", "target_date": null, "status": "met" },
    ] });
    let (status, body) = p.call(who, Method::PUT, &paths::treatment_plan(t, client), Some(plan)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let instrument = |which: &str, answers: Value| json!({ "form": { "kind": "instrument", "instrument": which }, "answers": answers });
    let phq9 = post(paths::form_responses(t, client), instrument("phq9", json!([3, 3, 3, 3, 3, 3, 2, 0, 1]))).await;
    post(paths::form_responses(t, client), instrument("gad7", json!([2, 2, 2, 2, 2, 0, 0]))).await;
    let schema = json!({ "type": "object", "properties": {
        "concern": { "type": "string" }, "sleep_hours": { "type": "integer" }, "alone": { "type": "boolean" } } });
    let template = post(paths::form_templates(t), json!({ "title": "Intake <form>", "schema": schema })).await;
    let form = json!({ "kind": "template", "template_id": template, "version": 1 });
    let answers = json!({ "concern": HOSTILE_ANSWER, "sleep_hours": 5, "alone": true });
    let template_response = post(paths::form_responses(t, client), json!({ "form": form, "answers": answers })).await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let documents = [upload(c, SMALL_DOCUMENT.to_vec()).await, upload(c, big).await];
    let psychotherapy = json!({ "text": PSYCHOTHERAPY_TEXT });
    post(paths::psychotherapy_notes(t, client), psychotherapy).await;
    Clinical { diagnoses, medications, phq9, template_response, template, documents }
}

async fn upload(c: &Chart, content: Vec<u8>) -> Uuid {
    let url = format!("{}{}", c.p.records.address, paths::documents(c.tenant, c.client.user));
    let response =
        c.p.http
            .post(url)
            .bearer_auth(&c.clinician.token)
            .header("x-document-title", "Intake%20%3Cletter%3E%20%26%20%22scan%22")
            .header("x-document-filename", "scan.pdf")
            .body(content)
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().parse().unwrap()
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
    let k = fill_chart(&c).await;

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
    assert_eq!((of_type(&bundle, "Patient").len(), documents.len(), provenances.len()), (1, 4, 3));
    assert!(!body.contains("Lighthouse-Mirage"), "a psychotherapy note is in the export");
    for draft in c.drafts {
        assert!(!body.contains(&draft.to_string()), "a draft's id is in the export");
    }
    let decoded: Vec<String> = documents
        .iter()
        .flat_map(|d| d["content"].as_array().unwrap().iter())
        .filter_map(|c| c["attachment"]["data"].as_str())
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
    assert_clinical(&bundle, &k, &client_ref);
}

/// The clinical chart's resources, by hand: code systems, codes, statuses, references.
fn assert_clinical(bundle: &Value, k: &Clinical, client_ref: &str) {
    let conditions = of_type(bundle, "Condition");
    assert_eq!(conditions.len(), 2);
    let active = by_id(&conditions, k.diagnoses[0]);
    let coding =
        json!([{ "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F41.0", "display": HOSTILE_DIAGNOSIS }]);
    assert_eq!(active["code"]["coding"], coding);
    let clinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    assert_eq!(active["clinicalStatus"]["coding"][0], json!({ "system": clinical, "code": "active" }));
    assert_eq!((&active["onsetDateTime"], &active["subject"]["reference"]), (&json!("2023-05-01"), &json!(client_ref)));
    assert!(active["recordedDate"].is_string());
    let resolved = by_id(&conditions, k.diagnoses[1]);
    assert_eq!(resolved["clinicalStatus"]["coding"][0]["code"], "resolved");
    assert!(resolved.get("onsetDateTime").is_none());

    let statements = of_type(bundle, "MedicationStatement");
    let current = by_id(&statements, k.medications[0]);
    assert_eq!(
        (&current["status"], &current["medicationCodeableConcept"]["text"]),
        (&json!("active"), &json!(HOSTILE_MEDICATION))
    );
    assert_eq!(current["dosage"][0]["text"], "50 mg, daily");
    assert_eq!(current["effectivePeriod"], json!({ "start": "2024-01-10" }));
    let stopped = by_id(&statements, k.medications[1]);
    assert_eq!(stopped["status"], "completed");
    assert_eq!(stopped["effectivePeriod"], json!({ "start": "2023-01-01", "end": "2023-06-01" }));

    let plans = of_type(bundle, "CarePlan");
    assert_eq!(plans.len(), 1);
    assert_eq!((&plans[0]["status"], &plans[0]["intent"]), (&json!("active"), &json!("plan")));
    assert_eq!(plans[0]["description"], HOSTILE_PROBLEM);
    assert_eq!(plans[0]["goal"], json!([{ "reference": "#goal-1" }, { "reference": "#goal-2" }]));
    let goals = plans[0]["contained"].as_array().unwrap();
    assert_eq!((&goals[0]["lifecycleStatus"], &goals[1]["lifecycleStatus"]), (&json!("active"), &json!("completed")));
    assert_eq!(goals[0]["target"][0], json!({ "measure": { "text": "< 2 a week" }, "dueDate": "2030-01-31" }));

    let responses = of_type(bundle, "QuestionnaireResponse");
    assert_eq!(responses.len(), 3);
    let phq9 = by_id(&responses, k.phq9);
    assert_eq!((&phq9["status"], &phq9["questionnaire"]), (&json!("completed"), &json!("http://loinc.org/q/44249-1")));
    assert_eq!(phq9["item"][8], json!({ "linkId": "9", "text": "Item 9", "answer": [{ "valueInteger": 1 }] }));
    assert_eq!(phq9["item"][9]["answer"], json!([{ "valueInteger": 21 }]));
    let gad7 = responses.iter().find(|r| r["questionnaire"] == "http://loinc.org/q/69737-5").unwrap();
    let filled = by_id(&responses, k.template_response);
    assert_eq!(filled["questionnaire"], format!("urn:uuid:{}|1", k.template));
    let items = filled["item"].as_array().unwrap();
    let answer = |link: &str| &items.iter().find(|i| i["linkId"] == link).unwrap()["answer"][0];
    assert_eq!(answer("concern"), &json!({ "valueString": HOSTILE_ANSWER }));
    assert_eq!(answer("sleep_hours"), &json!({ "valueInteger": 5 }));
    assert_eq!(answer("alone"), &json!({ "valueBoolean": true }));

    let observations = of_type(bundle, "Observation");
    assert_eq!(observations.len(), 2, "one per instrument total, none for a template");
    let total = |response: &Value| {
        let target = json!([{ "reference": format!("urn:uuid:{}", response["id"].as_str().unwrap()), "type": "QuestionnaireResponse" }]);
        *observations.iter().find(|o| o["derivedFrom"] == target).unwrap()
    };
    let (phq9_total, gad7_total) = (total(phq9), total(gad7));
    assert_eq!(phq9_total["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(
        (&phq9_total["code"]["coding"][0]["code"], &phq9_total["valueInteger"]),
        (&json!("44261-6"), &json!(21))
    );
    assert_eq!(
        (&gad7_total["code"]["coding"][0]["code"], &gad7_total["valueInteger"]),
        (&json!("70274-6"), &json!(10))
    );
    assert_eq!(
        (&phq9_total["status"], &phq9_total["category"][0]["coding"][0]["code"]),
        (&json!("final"), &json!("survey"))
    );

    // Uploaded documents: the small one inline with its SHA-1 hash, the large one listed only.
    let documents = of_type(bundle, "DocumentReference");
    let small = &by_id(&documents, k.documents[0])["content"][0]["attachment"];
    assert_eq!(by_id(&documents, k.documents[0])["type"]["text"], "Uploaded document");
    assert_eq!(
        (&small["contentType"], &small["size"]),
        (&json!("text/plain; charset=utf-8"), &json!(SMALL_DOCUMENT.len()))
    );
    let engine = base64::engine::general_purpose::STANDARD;
    assert_eq!(engine.decode(small["data"].as_str().unwrap()).unwrap(), SMALL_DOCUMENT);
    let sha1 = ring_sha1(SMALL_DOCUMENT);
    assert_eq!(small["hash"], engine.encode(sha1));
    let large = &by_id(&documents, k.documents[1])["content"][0]["attachment"];
    assert!(large.get("data").is_none() && large.get("hash").is_none(), "the 5 MiB budget is not applied");
    assert_eq!(large["size"], 5 * 1024 * 1024 + 1);
    assert_eq!(large["extension"][1]["url"], "urn:telehealth:fhir:extension:content-omitted");
    assert_eq!(large["extension"][0]["url"], "urn:telehealth:fhir:extension:content-sha256");
}

fn ring_sha1(content: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, content).as_ref().to_vec()
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

    // The new kinds are checked too: a Condition with a malformed recordedDate is refused.
    fill_chart(&c).await;
    let (_, _, body) = export(&c.p, &c.client, c.tenant, c.client.user, ExportFormat::Fhir).await;
    let mut bundle: Value = serde_json::from_str(&body).unwrap();
    assert!(validate(&bundle).await.valid, "the full export must pass first");
    let entries = bundle["entry"].as_array_mut().unwrap();
    let condition = entries.iter_mut().find(|e| e["resource"]["resourceType"] == "Condition").unwrap();
    condition["resource"]["recordedDate"] = json!("yesterday");
    let verdict = validate(&bundle).await;
    assert!(!verdict.valid, "a bad Condition.recordedDate passed the validator");
    assert!(format!("{:?}", verdict.errors).contains("Condition.recordedDate"), "{:?}", verdict.errors);
}

#[tokio::test]
async fn the_html_summary_escapes_every_value_and_forbids_scripts() {
    let c = chart().await;
    fill_chart(&c).await;

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

    // Every section, its values escaped.
    let escaped = [
        ("Diagnoses (2)", "Panic &lt;b&gt;disorder&lt;/b&gt; &amp; &quot;worse&quot;"),
        ("Medications (2)", "Sertraline &lt;50mg&gt;"),
        ("Treatment plan", "&lt;i&gt;Panic&lt;/i&gt; attacks &amp; &#39;avoidance&#39;"),
        ("Forms and assessments (3)", "&lt;script&gt;alert(3)&lt;/script&gt; sleep"),
        ("Documents (2)", "Intake &lt;letter&gt; &amp; &quot;scan&quot;"),
    ];
    for (heading, value) in escaped {
        assert!(page.contains(heading), "no {heading} section");
        assert!(page.contains(value), "{heading}: {value} not in the page");
    }
    assert!(page.contains("<code>F41.0</code>") && page.contains("Intake &lt;form&gt; (version 1)"));
    assert!(
        page.contains("Total score <strong>21</strong>: severe") && page.contains("Item 9 (thoughts of self-harm)")
    );
    assert!(page.contains("past its 5 MiB limit for documents"), "the omitted document is not said so");
    assert!(page.contains("included in the machine-readable copy"));
    assert!(!page.contains("Quokka-Harbour"), "the HTML embeds a document's content");
    assert!(!page.contains("Lighthouse-Mirage"), "a psychotherapy note is in the summary");
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
    fill_chart(&c).await;
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
    let counts = |format: &str, provenances: &str, inline: &str| {
        json!({ "format": format, "patients": "1", "progress_notes": "2", "provenances": provenances,
                "diagnoses": "2", "medications": "2", "treatment_plans": "1", "form_responses": "3",
                "assessment_scores": "2", "documents": "2", "documents_inline": inline })
    };
    assert_eq!(events[0], (c.client.user.to_string(), "success".to_owned(), counts("fhir", "3", "1")));
    assert_eq!(events[1], (c.clinician.user.to_string(), "success".to_owned(), counts("html", "0", "0")));
    assert_eq!((&events[2].0, events[2].1.as_str()), (&staff.user.to_string(), "denied"));
    let all = format!("{events:?}");
    assert!(!all.contains("Wallaby") && !all.contains("onerror"), "content in the audit log");
    assert!(!all.contains("Panic") && !all.contains("Sertraline"), "clinical content in the audit log");
}
