//! Forms: practice templates (validated JSON Schemas, versioned), responses validated against
//! the version they answer, PHQ-9 and GAD-7 scored by the server with a history, who may do
//! what, another practice, answers and scores encrypted at rest, and the audit trail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_records_api::forms::Instrument;
use tp_records_api::paths;
use uuid::Uuid;

use crate::care_team::{CareTeam as Setup, care_team as setup};
use crate::harness::{Event, Person, code, exec, query};

const SECRET: &str = "Marmalade-Orbit worries";

fn intake(required: &[&str]) -> Value {
    json!({
        "title": "Intake",
        "schema": {
            "type": "object",
            "properties": {
                "concern": { "type": "string", "maxLength": 500 },
                "sleep_hours": { "type": "integer", "minimum": 0, "maximum": 24 }
            },
            "required": required,
            "additionalProperties": false
        }
    })
}

fn instrument(which: &str, answers: Value) -> Value {
    json!({ "form": { "kind": "instrument", "instrument": which }, "answers": answers })
}

impl Setup {
    async fn respond(&self, who: &Person, body: Value) -> (StatusCode, Value) {
        self.p.call(who, Method::POST, &paths::form_responses(self.tenant, self.client.user), Some(body)).await
    }

    async fn template(&self, who: &Person, body: Value) -> (StatusCode, Value) {
        self.p.call(who, Method::POST, &paths::form_templates(self.tenant), Some(body)).await
    }
}

#[tokio::test]
async fn phq9_and_gad7_are_scored_by_the_server_and_kept_as_a_history() {
    let s = setup().await;

    let (status, first) = s.respond(&s.client, instrument("phq9", json!([1, 1, 1, 1, 1, 0, 0, 0, 0]))).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["score"], json!({ "total": 5, "severity": "mild", "self_harm_flagged": false }));
    let (status, second) = s.respond(&s.clinician, instrument("phq9", json!([3, 3, 3, 3, 3, 3, 2, 0, 1]))).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["score"], json!({ "total": 21, "severity": "severe", "self_harm_flagged": true }));
    let (_, gad) = s.respond(&s.client, instrument("gad7", json!([2, 2, 2, 2, 2, 0, 0]))).await;
    assert_eq!(gad["score"], json!({ "total": 10, "severity": "moderate", "self_harm_flagged": false }));

    let history = paths::assessments(s.tenant, s.client.user, Instrument::Phq9);
    for who in [&s.clinician, &s.client] {
        let (status, body) = s.p.call(who, Method::GET, &history, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let totals: Vec<&Value> = body["scores"].as_array().unwrap().iter().map(|p| &p["score"]["total"]).collect();
        assert_eq!(totals, [&json!(5), &json!(21)], "oldest first, PHQ-9 only");
    }
    let (_, body) = s.p.call(&s.clinician, Method::GET, &paths::form_responses(s.tenant, s.client.user), None).await;
    assert_eq!(body["responses"].as_array().unwrap().len(), 3, "{body}");
}

#[tokio::test]
async fn invalid_responses_are_refused_with_a_400_that_echoes_nothing() {
    let s = setup().await;
    let (_, template) = s.template(&s.clinician, intake(&["concern"])).await;
    let form = json!({ "kind": "template", "template_id": template["id"], "version": 1 });
    let bad = [
        instrument("phq9", json!([1, 1, 1, 1, 1, 1, 1, 1])),
        instrument("gad7", json!([1, 1, 1, 1, 1, 1, SECRET])),
        instrument("gad7", json!([1, 1, 1, 1, 1, 1, 4])),
        json!({ "form": form, "answers": { "concern": 7, "note": SECRET } }),
        json!({ "form": form, "answers": { "sleep_hours": 30, "concern": SECRET } }),
        json!({ "form": form, "answers": { "concern": SECRET.repeat(30) } }),
        json!({ "form": { "kind": "potion" }, "answers": SECRET }),
    ];
    for body in bad {
        let (status, answer) = s.respond(&s.client, body.clone()).await;
        assert_eq!((status, code(&answer)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{body}: {answer}");
        assert!(!answer.to_string().contains("Marmalade"), "{answer}");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, body) = s.respond(&s.client, json!({ "form": form, "answers": { "concern": "sleep" } })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn templates_are_validated_versioned_and_each_response_answers_its_own_version() {
    let s = setup().await;
    let (status, v1) = s.template(&s.clinician, intake(&[])).await;
    assert_eq!((status, v1["version"].as_u64()), (StatusCode::CREATED, Some(1)), "{v1}");
    let id = v1["id"].as_str().unwrap().parse::<Uuid>().unwrap();
    let versions = paths::form_template_versions(s.tenant, id);
    let (status, v2) = s.p.call(&s.clinician, Method::POST, &versions, Some(intake(&["sleep_hours"]))).await;
    assert_eq!((status, v2["version"].as_u64()), (StatusCode::CREATED, Some(2)), "{v2}");

    // Version 1 still accepts what version 2 refuses.
    let answers = json!({ "concern": "stress" });
    let answer = |version: u32| json!({ "form": { "kind": "template", "template_id": id, "version": version }, "answers": answers });
    assert_eq!(s.respond(&s.client, answer(1)).await.0, StatusCode::CREATED);
    assert_eq!(s.respond(&s.client, answer(2)).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(s.respond(&s.client, answer(3)).await.0, StatusCode::NOT_FOUND);

    // The list shows the latest version; the client sees it too, to fill it in.
    let (status, list) = s.p.call(&s.client, Method::GET, &paths::form_templates(s.tenant), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["templates"].as_array().unwrap().len(), 1);
    assert_eq!(list["templates"][0]["version"], 2);

    // Not a schema, too deep, or fetching a remote $ref: refused.
    for schema in [json!({ "type": 12 }), json!({ "$ref": "https://example.com/s.json" }), json!("text")] {
        let (status, body) = s.template(&s.clinician, json!({ "title": "Bad", "schema": schema })).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{body}");
    }
    // Clients and staff do not define templates; another practice sees none and cannot version ours.
    for who in [&s.client, &s.p.person(s.tenant, &["staff"]).await] {
        assert_eq!(s.template(who, intake(&[])).await.0, StatusCode::FORBIDDEN);
    }
    let stranger = s.p.person(s.other, &["clinician"]).await;
    let (_, theirs) = s.p.call(&stranger, Method::GET, &paths::form_templates(s.other), None).await;
    assert_eq!(theirs["templates"], json!([]));
    let (status, _) =
        s.p.call(&stranger, Method::POST, &paths::form_template_versions(s.other, id), Some(intake(&[]))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(s.p.call(&stranger, Method::GET, &paths::form_templates(s.tenant), None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn responses_need_the_client_themself_or_the_care_team_and_another_practice_finds_nothing() {
    let s = setup().await;
    let phq = instrument("phq9", json!([0, 0, 0, 0, 0, 0, 0, 0, 0]));
    assert_eq!(s.respond(&s.client, phq.clone()).await.0, StatusCode::CREATED);
    let history = paths::assessments(s.tenant, s.client.user, Instrument::Phq9);
    let responses = paths::form_responses(s.tenant, s.client.user);

    let neighbour = s.p.person(s.tenant, &["client"]).await;
    let outsider = s.p.person(s.tenant, &["clinician"]).await;
    let admin = s.p.person(s.tenant, &["practice_admin"]).await;
    let staff = s.p.person(s.tenant, &["staff"]).await;
    for who in [&neighbour, &outsider, &admin, &staff] {
        assert_eq!(s.respond(who, phq.clone()).await.0, StatusCode::FORBIDDEN);
        for path in [&history, &responses] {
            let (status, body) = s.p.call(who, Method::GET, path, None).await;
            assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{path}: {body}");
        }
    }
    let intruder = s.p.person(s.other, &["clinician"]).await;
    assert_eq!(s.respond(&intruder, phq).await.0, StatusCode::NOT_FOUND);
    assert_eq!(s.p.call(&intruder, Method::GET, &history, None).await.0, StatusCode::NOT_FOUND);
    let (status, _) = s.p.call(&intruder, Method::GET, &paths::form_responses(s.other, s.client.user), None).await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn answers_and_scores_are_ciphertext_at_rest_and_do_not_decrypt_for_another_client() {
    let s = setup().await;
    let other_client = s.p.person(s.tenant, &["client"]).await;
    let (_, template) = s.template(&s.clinician, intake(&[])).await;
    let form = json!({ "kind": "template", "template_id": template["id"], "version": 1 });
    s.respond(&s.client, json!({ "form": form, "answers": { "concern": SECRET } })).await;
    let (_, mine) = s.respond(&s.client, instrument("phq9", json!([3, 3, 3, 3, 3, 3, 3, 3, 3]))).await;
    let (status, theirs) =
        s.p.call(
            &other_client,
            Method::POST,
            &paths::form_responses(s.tenant, other_client.user),
            Some(instrument("phq9", json!([0, 0, 0, 0, 0, 0, 0, 0, 0]))),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");

    let sql = "select answers, score from records.form_responses where tenant_id = $1";
    for row in query(&s.p.records_admin, sql, vec![Uuid::from(s.tenant).into()]).await {
        let mut bytes: Vec<u8> = row.try_get("", "answers").unwrap();
        bytes.extend(row.try_get::<Option<Vec<u8>>>("", "score").unwrap().unwrap_or_default());
        for needle in ["Marmalade", "concern", "total", "severe", "[3,3"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} in plaintext");
        }
    }
    let types = "select distinct data_type from information_schema.columns where table_schema = 'records' \
                 and table_name = 'form_responses' and column_name in ('answers', 'score')";
    assert_eq!(query(&s.p.records_admin, types, vec![]).await[0].try_get::<String>("", "data_type").unwrap(), "bytea");

    // The severe score copied onto the other client's mild response: an error, never a score.
    let sql = "update records.form_responses t set answers = s.answers, score = s.score \
               from records.form_responses s where s.id = $1 and t.id = $2";
    let ids =
        [mine["id"].as_str().unwrap(), theirs["id"].as_str().unwrap()].map(|id| Uuid::parse_str(id).unwrap().into());
    exec(&s.p.records_admin, sql, ids.to_vec()).await;
    let path = paths::assessments(s.tenant, other_client.user, Instrument::Phq9);
    let (status, mut body) = s.p.call(&other_client, Method::GET, &path, None).await;
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    // The error id is random hex, which may hold "27" by chance.
    body["error"]["error_id"] = serde_json::Value::Null;
    assert!(!body.to_string().contains("27"), "{body}");
}

#[tokio::test]
async fn templates_responses_and_histories_are_audited_and_refusals_recorded() {
    let s = setup().await;
    s.template(&s.clinician, intake(&[])).await;
    s.respond(&s.client, instrument("gad7", json!([0, 0, 0, 0, 0, 0, 1]))).await;
    s.p.call(&s.clinician, Method::GET, &paths::form_responses(s.tenant, s.client.user), None).await;
    s.p.call(&s.client, Method::GET, &paths::assessments(s.tenant, s.client.user, Instrument::Gad7), None).await;
    let staff = s.p.person(s.tenant, &["staff"]).await;
    s.respond(&staff, instrument("gad7", json!([0, 0, 0, 0, 0, 0, 0]))).await;

    let who = Some(s.client.user);
    assert_eq!(
        s.p.events(s.tenant).await,
        vec![
            Event::new("records.form_template.saved", "success", &s.clinician, None),
            Event::new("records.form_response.submitted", "success", &s.client, who),
            Event::new("records.form_response.read", "success", &s.clinician, who),
            Event::new("records.assessment_history.read", "success", &s.client, who),
            Event::new("records.form_response.submitted", "denied", &staff, who),
        ]
    );
    assert_eq!(s.p.events(s.other).await, vec![]);
}

#[tokio::test]
async fn versions_saved_at_the_same_time_get_distinct_numbers_or_a_conflict_never_an_error() {
    let s = setup().await;
    let (_, v1) = s.template(&s.clinician, intake(&[])).await;
    let versions = paths::form_template_versions(s.tenant, v1["id"].as_str().unwrap().parse().unwrap());
    let save = || s.p.call(&s.clinician, Method::POST, &versions, Some(intake(&["concern"])));

    let answers = futures_join(save(), save(), save()).await;

    let mut numbers = Vec::new();
    for (status, body) in answers {
        match status {
            StatusCode::CREATED => numbers.push(body["version"].as_u64().unwrap()),
            StatusCode::CONFLICT => assert_eq!(code(&body), "RECORDS_CONFLICT"),
            other => panic!("{other}: {body}"),
        }
    }
    let distinct: std::collections::BTreeSet<_> = numbers.iter().collect();
    assert_eq!(distinct.len(), numbers.len(), "{numbers:?}");
    assert!(!numbers.is_empty());
}

async fn futures_join<F: std::future::Future>(a: F, b: F, c: F) -> [F::Output; 3] {
    let (a, b, c) = tokio::join!(a, b, c);
    [a, b, c]
}
