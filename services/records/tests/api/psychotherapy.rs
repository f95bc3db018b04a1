//! Psychotherapy notes: their author's alone. Nobody else reaches them, not a colleague on the
//! care team, not an admin, not the client; they are ciphertext at rest, bound to their row.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_ids::TenantId;
use tp_records_api::paths;
use uuid::Uuid;

use crate::harness::{Person, Platform, code, exec, query, spawn};

struct Setup {
    p: Platform,
    tenant: TenantId,
    author: Person,
    client: Person,
}

async fn setup() -> Setup {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let author = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, author.user, client.user).await;
    Setup { p, tenant, author, client }
}

impl Setup {
    fn list(&self) -> String {
        paths::psychotherapy_notes(self.tenant, self.client.user)
    }

    fn one(&self, note: Uuid) -> String {
        paths::psychotherapy_note(self.tenant, self.client.user, note)
    }

    async fn write(&self, who: &Person, text: &str) -> (StatusCode, Value) {
        self.p.call(who, Method::POST, &self.list(), Some(json!({ "text": text }))).await
    }
}

fn id(body: &Value) -> Uuid {
    body["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_author_writes_reads_and_edits_their_own_notes() {
    let s = setup().await;
    let (status, body) = s.write(&s.author, "Process notes: dream about the lighthouse").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let note = id(&body);
    assert_eq!(body["author_id"], s.author.user.to_string());

    let (status, body) = s.p.call(&s.author, Method::PUT, &s.one(note), Some(json!({ "text": "revised" }))).await;
    assert_eq!((status, body["text"].as_str()), (StatusCode::OK, Some("revised")), "{body}");
    let (_, body) = s.p.call(&s.author, Method::GET, &s.one(note), None).await;
    assert_eq!(body["text"], "revised");
    let (_, body) = s.p.call(&s.author, Method::GET, &s.list(), None).await;
    assert_eq!(body["notes"].as_array().unwrap().len(), 1);

    // Empty or oversized text is refused with a message that echoes nothing.
    let (status, body) = s.write(&s.author, "   ").await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"));
    let (status, _) = s.write(&s.author, &"x".repeat(20_001)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Every access is audited, the content never.
    let actions: Vec<String> = s.p.events(s.tenant).await.into_iter().map(|e| e.action).collect();
    for action in ["records.psychotherapy_note.created", "records.psychotherapy_note.updated"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    assert!(actions.iter().filter(|a| *a == "records.psychotherapy_note.read").count() >= 2);
}

#[tokio::test]
async fn nobody_but_the_author_reaches_a_psychotherapy_note() {
    let s = setup().await;
    let (_, body) = s.write(&s.author, "only mine").await;
    let note = id(&body);
    let colleague = s.p.person(s.tenant, &["clinician"]).await;
    s.p.assign(s.tenant, colleague.user, s.client.user).await;
    let admin = s.p.person(s.tenant, &["practice_admin"]).await;
    s.p.assign(s.tenant, admin.user, s.client.user).await;
    let staff = s.p.person(s.tenant, &["staff"]).await;

    // A colleague on the same care team: their own (empty) list, and the note is not found,
    // neither to read nor to overwrite.
    let (status, body) = s.p.call(&colleague, Method::GET, &s.list(), None).await;
    assert_eq!((status, body["notes"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{body}");
    assert_eq!(s.p.call(&colleague, Method::GET, &s.one(note), None).await.0, StatusCode::NOT_FOUND);
    let overwrite = Some(json!({ "text": "overwritten" }));
    assert_eq!(s.p.call(&colleague, Method::PUT, &s.one(note), overwrite).await.0, StatusCode::NOT_FOUND);

    // An admin on the care team, staff and the client: the permission is a clinician's only.
    for who in [&admin, &staff, &s.client] {
        let (status, body) = s.p.call(who, Method::GET, &s.one(note), None).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
        assert_eq!(s.p.call(who, Method::GET, &s.list(), None).await.0, StatusCode::FORBIDDEN);
    }
    // A clinician off the care team writes none.
    let outsider = s.p.person(s.tenant, &["clinician"]).await;
    assert_eq!(s.write(&outsider, "x").await.0, StatusCode::FORBIDDEN);

    // Another practice's clinician: not found.
    let other = s.p.tenant().await;
    let stranger = s.p.person(other, &["clinician"]).await;
    assert_eq!(s.p.call(&stranger, Method::GET, &s.one(note), None).await.0, StatusCode::NOT_FOUND);

    // And the progress-note list never contains one.
    let (_, body) = s.p.call(&s.author, Method::GET, &paths::notes(s.tenant, s.client.user), None).await;
    assert_eq!(body["notes"].as_array().unwrap().len(), 0, "{body}");
}

#[tokio::test]
async fn at_rest_a_note_is_ciphertext_bound_to_its_row() {
    let s = setup().await;
    let (_, body) = s.write(&s.author, "Lighthouse dream, first session").await;
    let first = id(&body);
    let (_, body) = s.write(&s.author, "second").await;
    let second = id(&body);

    let rows = query(&s.p.records_admin, "select body from records.psychotherapy_notes", vec![]).await;
    for row in rows {
        let bytes: Vec<u8> = row.try_get("", "body").unwrap();
        assert!(!bytes.windows(10).any(|w| w == b"Lighthouse"), "plaintext at rest");
    }

    // The first note's ciphertext copied into the second's row: an error, never its text.
    let sql = "update records.psychotherapy_notes b set body = a.body from records.psychotherapy_notes a \
               where a.id = $1 and b.id = $2";
    exec(&s.p.records_admin, sql, vec![first.into(), second.into()]).await;
    let (status, body) = s.p.call(&s.author, Method::GET, &s.one(second), None).await;
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    assert!(!body.to_string().contains("Lighthouse"));
}
