//! Progress notes: draft -> signed, signed notes immutable (also against the superuser's
//! SQL), amendments linked to an untouched original, the content hash, who may read and
//! write, ciphertext at rest, and the audit trail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Digest as _;
use tp_ids::TenantId;
use tp_records_api::paths;
use uuid::Uuid;

use crate::harness::{Person, Platform, code, exec, query, spawn};

const SECRET: &str = "Xylophone-Mirage confided";

fn soap(subjective: &str) -> Value {
    json!({ "template": "soap", "sections": { "subjective": subjective, "plan": "weekly sessions" } })
}

struct Setup {
    p: Platform,
    tenant: TenantId,
    clinician: Person,
    client: Person,
}

async fn setup() -> Setup {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;
    Setup { p, tenant, clinician, client }
}

impl Setup {
    async fn draft(&self, who: &Person, body: Value) -> (StatusCode, Value) {
        self.p.call(who, Method::POST, &paths::notes(self.tenant, self.client.user), Some(body)).await
    }

    async fn on(&self, who: &Person, method: Method, path: String, body: Option<Value>) -> (StatusCode, Value) {
        self.p.call(who, method, &path, body).await
    }

    fn note(&self, id: Uuid) -> String {
        paths::note(self.tenant, self.client.user, id)
    }

    fn sign(&self, id: Uuid) -> String {
        paths::note_sign(self.tenant, self.client.user, id)
    }

    async fn raw(&self, id: Uuid) -> Vec<(String, String)> {
        let sql = "select to_jsonb(n)::text as row from records.notes n where id = $1";
        query(&self.p.records_admin, sql, vec![id.into()])
            .await
            .iter()
            .map(|r| ("row".to_owned(), r.try_get::<String>("", "row").unwrap()))
            .collect()
    }
}

fn id(body: &Value) -> Uuid {
    body["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_draft_is_edited_then_signed_with_a_recomputable_hash() {
    let s = setup().await;
    let (status, body) = s.draft(&s.clinician, soap("first")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "draft");
    let note = id(&body);

    let (status, body) = s.on(&s.clinician, Method::PUT, s.note(note), Some(soap(SECRET))).await;
    assert_eq!((status, body["sections"]["subjective"].as_str()), (StatusCode::OK, Some(SECRET)), "{body}");

    let (status, signed) = s.on(&s.clinician, Method::POST, s.sign(note), None).await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["signed_by"], s.clinician.user.to_string());
    assert!(signed["signed_at"].is_string());
    // The hash is SHA-256 over the canonical content, recomputed here independently.
    let canonical = json!({
        "author": s.clinician.user.to_string(),
        "client": s.client.user.to_string(),
        "sections": { "assessment": "", "objective": "", "plan": "weekly sessions", "subjective": SECRET },
        "template": "soap",
    });
    let expected: String =
        sha2::Sha256::digest(serde_json::to_vec(&canonical).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(signed["content_hash"].as_str(), Some(expected.as_str()));

    // Signed again or edited: 409, and the note is unchanged.
    let (status, body) = s.on(&s.clinician, Method::POST, s.sign(note), None).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "RECORDS_CONFLICT"));
    let before = s.raw(note).await;
    let (status, body) = s.on(&s.clinician, Method::PUT, s.note(note), Some(soap("changed"))).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "RECORDS_CONFLICT"));
    assert_eq!(s.raw(note).await, before);
    let (status, read) = s.on(&s.clinician, Method::GET, s.note(note), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, signed);
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_a_signed_note_even_for_the_superuser() {
    let s = setup().await;
    let (_, body) = s.draft(&s.clinician, soap("text")).await;
    let note = id(&body);
    s.on(&s.clinician, Method::POST, s.sign(note), None).await;
    let before = s.raw(note).await;
    let db = &s.p.records_admin;

    for sql in [
        "update records.notes set body = '\\x00'::bytea where id = $1",
        "update records.notes set status = 'draft', content_hash = null, signed_by = null, signed_at = null where id = $1",
        "delete from records.notes where id = $1",
        "truncate records.notes",
    ] {
        let values = if sql.contains("$1") { vec![note.into()] } else { vec![] };
        let result = sea_orm::ConnectionTrait::execute_raw(
            db,
            sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, sql, values),
        )
        .await;
        let err = match result {
            Ok(_) => panic!("{sql} was allowed"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("signed note is immutable"), "{sql}: {err}");
    }
    assert_eq!(s.raw(note).await, before);
}

#[tokio::test]
async fn an_amendment_links_to_the_original_which_stays_byte_identical() {
    let s = setup().await;
    let (_, body) = s.draft(&s.clinician, soap("original")).await;
    let original = id(&body);
    let amendments = paths::note_amendments(s.tenant, s.client.user, original);
    // A draft is edited, not amended.
    let (status, _) = s.on(&s.clinician, Method::POST, amendments.clone(), Some(soap("x"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    s.on(&s.clinician, Method::POST, s.sign(original), None).await;
    let before = s.raw(original).await;

    let (status, amendment) = s.on(&s.clinician, Method::POST, amendments, Some(soap("corrected"))).await;
    assert_eq!(status, StatusCode::CREATED, "{amendment}");
    assert_eq!(
        (amendment["amends"].as_str(), amendment["status"].as_str()),
        (Some(original.to_string().as_str()), Some("draft"))
    );
    assert_eq!(s.raw(original).await, before);

    let (status, list) = s.on(&s.clinician, Method::GET, paths::notes(s.tenant, s.client.user), None).await;
    assert_eq!(status, StatusCode::OK);
    let notes = list["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["sections"]["subjective"], "original");
    assert_eq!(notes[1]["amends"], original.to_string());
}

#[tokio::test]
async fn only_the_care_team_reads_and_only_the_author_edits_or_signs() {
    let s = setup().await;
    let (_, body) = s.draft(&s.clinician, soap("text")).await;
    let note = id(&body);
    let colleague = s.p.person(s.tenant, &["clinician"]).await;
    s.p.assign(s.tenant, colleague.user, s.client.user).await;
    let outsider = s.p.person(s.tenant, &["clinician"]).await;
    let admin = s.p.person(s.tenant, &["practice_admin"]).await;
    let staff = s.p.person(s.tenant, &["staff"]).await;

    // A colleague on the care team reads but may not edit or sign another's draft.
    assert_eq!(s.on(&colleague, Method::GET, s.note(note), None).await.0, StatusCode::OK);
    assert_eq!(s.on(&colleague, Method::PUT, s.note(note), Some(soap("mine"))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.on(&colleague, Method::POST, s.sign(note), None).await.0, StatusCode::FORBIDDEN);
    // Off the care team, staff, an admin off the care team: 403.
    for who in [&outsider, &staff, &admin] {
        let (status, body) = s.on(who, Method::GET, s.note(note), None).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
        let list = paths::notes(s.tenant, s.client.user);
        assert_eq!(s.on(who, Method::GET, list, None).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.draft(who, soap("x")).await.0, StatusCode::FORBIDDEN);
    }
    // The client themself never writes a note.
    assert_eq!(s.draft(&s.client, soap("x")).await.0, StatusCode::FORBIDDEN);
    // An admin on the care team reads, but never writes notes.
    s.p.assign(s.tenant, admin.user, s.client.user).await;
    assert_eq!(s.on(&admin, Method::GET, s.note(note), None).await.0, StatusCode::OK);
    assert_eq!(s.draft(&admin, soap("x")).await.0, StatusCode::FORBIDDEN);

    // Another practice's clinician: not found.
    let other = s.p.tenant().await;
    let stranger = s.p.person(other, &["clinician"]).await;
    let (status, body) = s.on(&stranger, Method::GET, s.note(note), None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"));
    // Under their own practice's path, the note id leads nowhere: not on that care team.
    let path = paths::note(other, s.client.user, note);
    assert_eq!(s.on(&stranger, Method::GET, path, None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn raw_rows_hold_no_plaintext_and_every_access_is_audited() {
    let s = setup().await;
    let other = s.p.tenant().await;
    let (_, body) = s.draft(&s.clinician, soap(SECRET)).await;
    let note = id(&body);
    s.on(&s.clinician, Method::POST, s.sign(note), None).await;
    s.on(&s.clinician, Method::GET, s.note(note), None).await;
    s.on(&s.clinician, Method::POST, paths::note_amendments(s.tenant, s.client.user, note), Some(soap("fix"))).await;

    let rows = query(&s.p.records_admin, "select body from records.notes", vec![]).await;
    assert_eq!(rows.len(), 2);
    for row in rows {
        let bytes: Vec<u8> = row.try_get("", "body").unwrap();
        for needle in ["Xylophone", "Mirage", "weekly sessions", "subjective"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} in plaintext");
        }
    }
    let actions: Vec<String> = s.p.events(s.tenant).await.into_iter().map(|e| e.action).collect();
    for action in ["records.note.created", "records.note.signed", "records.note.read", "records.note.amended"] {
        assert!(actions.iter().any(|a| a == action), "{action} missing in {actions:?}");
    }
    assert!(s.p.events(other).await.is_empty());
}

#[tokio::test]
async fn a_client_reads_their_own_signed_notes_never_a_draft_nor_anothers() {
    let s = setup().await;
    let (_, body) = s.draft(&s.clinician, soap("signed text")).await;
    let signed = id(&body);
    assert_eq!(s.on(&s.clinician, Method::POST, s.sign(signed), None).await.0, StatusCode::OK);
    let (_, body) = s.draft(&s.clinician, soap("work in progress")).await;
    let draft = id(&body);

    let list = paths::notes(s.tenant, s.client.user);
    let (status, body) = s.on(&s.client, Method::GET, list, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<&str> = body["notes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [signed.to_string().as_str()]);
    assert_eq!(s.on(&s.client, Method::GET, s.note(signed), None).await.0, StatusCode::OK);
    // A draft reads as absent, not as forbidden: it is not part of the record yet.
    assert_eq!(s.on(&s.client, Method::GET, s.note(draft), None).await.0, StatusCode::NOT_FOUND);
    // The clinician still sees both.
    let (_, body) = s.on(&s.clinician, Method::GET, paths::notes(s.tenant, s.client.user), None).await;
    assert_eq!(body["notes"].as_array().unwrap().len(), 2);

    // Another client of the practice reaches neither list nor note.
    let other_client = s.p.person(s.tenant, &["client"]).await;
    assert_eq!(s.on(&other_client, Method::GET, s.note(signed), None).await.0, StatusCode::FORBIDDEN);
    let list = paths::notes(s.tenant, s.client.user);
    assert_eq!(s.on(&other_client, Method::GET, list, None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn when_the_audit_log_refuses_note_reads_and_writes_fail_and_return_nothing() {
    // Arrange: a signed note and a draft, then an audit log that refuses every new event.
    let s = setup().await;
    let (_, body) = s.draft(&s.clinician, soap(SECRET)).await;
    let signed = id(&body);
    s.on(&s.clinician, Method::POST, s.sign(signed), None).await;
    let (_, body) = s.draft(&s.clinician, soap("draft before")).await;
    let draft = id(&body);
    let before = s.p.events(s.tenant).await;
    exec(&s.p.records_admin, "alter table audit.events add constraint block check (false) not valid", vec![]).await;

    // Act
    let list = paths::notes(s.tenant, s.client.user);
    let answers = [
        s.on(&s.clinician, Method::GET, s.note(signed), None).await,
        s.on(&s.clinician, Method::GET, list, None).await,
        s.draft(&s.clinician, soap("never stored")).await,
        s.on(&s.clinician, Method::PUT, s.note(draft), Some(soap("never changed"))).await,
        s.on(&s.clinician, Method::POST, s.sign(draft), None).await,
    ];

    // Assert: errors without content, and nothing changed.
    for (status, body) in &answers {
        assert_eq!((*status, code(body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
        assert!(!body.to_string().contains("Xylophone") && body.get("sections").is_none(), "{body}");
    }
    exec(&s.p.records_admin, "alter table audit.events drop constraint block", vec![]).await;
    assert_eq!(s.p.events(s.tenant).await, before, "no event for accesses that did not happen");
    let (_, body) = s.on(&s.clinician, Method::GET, paths::notes(s.tenant, s.client.user), None).await;
    let notes = body["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "no note was created: {body}");
    assert_eq!(notes[1]["status"], "draft", "the draft was not signed");
    assert_eq!(notes[1]["sections"]["subjective"], "draft before", "the draft was not changed");
}

#[tokio::test]
async fn a_note_body_copied_to_another_note_or_practice_does_not_decrypt() {
    // Arrange: two notes of one client; the second's body overwritten with the first's.
    let s = setup().await;
    let (_, body) = s.draft(&s.clinician, soap(SECRET)).await;
    let first = id(&body);
    let (_, body) = s.draft(&s.clinician, soap("plain")).await;
    let second = id(&body);
    let sql = "update records.notes b set body = a.body from records.notes a where a.id = $1 and b.id = $2";
    exec(&s.p.records_admin, sql, vec![first.into(), second.into()]).await;
    // And the first note copied whole into another practice, same ids.
    let other = s.p.tenant().await;
    let sql = "insert into records.notes (tenant_id, id, client_id, author_id, template, body, status) \
               select $2, id, client_id, author_id, template, body, status from records.notes where id = $1";
    exec(&s.p.records_admin, sql, vec![first.into(), Uuid::from(other).into()]).await;

    // Act
    let (status, body) = s.on(&s.clinician, Method::GET, s.note(second), None).await;

    // Assert: an error, never the first note's text under the second's id.
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    assert!(!body.to_string().contains("Xylophone"), "{body}");
    assert_eq!(s.on(&s.clinician, Method::GET, s.note(first), None).await.0, StatusCode::OK);
    // The copy in the other practice, read by that practice's clinician on the same
    // client id's care team, does not decrypt under that practice's key.
    let there = s.p.person(other, &["clinician"]).await;
    s.p.assign(other, there.user, s.client.user).await;
    let path = paths::note(other, s.client.user, first);
    let (status, body) = s.on(&there, Method::GET, path, None).await;
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    assert!(!body.to_string().contains("Xylophone"), "{body}");
}
