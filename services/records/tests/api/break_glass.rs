//! Break-glass: a clinician off the care team opens a chart with a reason, reads it for a
//! limited time, every access flagged; practice admins are emailed and review the openings.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_ids::TenantId;
use tp_records_api::paths;
use uuid::Uuid;

use crate::harness::{Person, Platform, code, exec, query, spawn};

const REASON: &str = "Client in crisis at the front desk; their clinician is on leave today";

struct Setup {
    p: Platform,
    tenant: TenantId,
    treating: Person,
    on_call: Person,
    admin: Person,
    client: Person,
    note: Uuid,
}

/// A practice where `treating` has signed a note for `client`; `on_call` is a clinician of
/// the practice off the client's care team.
async fn setup() -> Setup {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let treating = p.person(tenant, &["clinician"]).await;
    let on_call = p.person(tenant, &["clinician"]).await;
    let admin = p.person(tenant, &["practice_admin"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, treating.user, client.user).await;
    let body = json!({ "template": "dap", "sections": { "data": "history of panic attacks" } });
    let (_, note) = p.call(&treating, Method::POST, &paths::notes(tenant, client.user), Some(body)).await;
    let note: Uuid = note["id"].as_str().unwrap().parse().unwrap();
    p.call(&treating, Method::POST, &paths::note_sign(tenant, client.user, note), None).await;
    Setup { p, tenant, treating, on_call, admin, client, note }
}

impl Setup {
    async fn open(&self, who: &Person, client: tp_ids::UserId, reason: &str) -> (StatusCode, Value) {
        let path = paths::break_glass(self.tenant, client);
        self.p.call(who, Method::POST, &path, Some(json!({ "reason": reason }))).await
    }

    async fn read_notes(&self, who: &Person) -> StatusCode {
        self.p.call(who, Method::GET, &paths::notes(self.tenant, self.client.user), None).await.0
    }

    /// `(action, details)` of the practice's successful events, oldest first.
    async fn events(&self) -> Vec<(String, Value)> {
        let sql = "select action, details from audit.events where tenant_id = $1 and outcome = 'success' \
                   order by occurred_at, id";
        let rows = query(&self.p.records_admin, sql, vec![Uuid::from(self.tenant).into()]).await;
        rows.iter().map(|r| (r.try_get("", "action").unwrap(), r.try_get("", "details").unwrap())).collect()
    }
}

#[tokio::test]
async fn an_opening_lets_the_clinician_read_flags_every_access_and_tells_the_admins() {
    let s = setup().await;
    assert_eq!(s.read_notes(&s.on_call).await, StatusCode::FORBIDDEN);

    // Act: open with a reason.
    let (status, grant) = s.open(&s.on_call, s.client.user, REASON).await;

    // Assert: a grant for an hour, and the chart reads.
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    let opened: chrono::DateTime<chrono::Utc> = grant["opened_at"].as_str().unwrap().parse().unwrap();
    let expires: chrono::DateTime<chrono::Utc> = grant["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((expires - opened).num_minutes(), 60);
    let grant_id = grant["id"].as_str().unwrap().to_owned();
    assert_eq!(s.read_notes(&s.on_call).await, StatusCode::OK);
    let one = paths::note(s.tenant, s.client.user, s.note);
    let (status, body) = s.p.call(&s.on_call, Method::GET, &one, None).await;
    assert_eq!((status, body["sections"]["data"].as_str()), (StatusCode::OK, Some("history of panic attacks")));
    // Reading only: no note written, no psychotherapy note reached.
    let draft = json!({ "template": "dap", "sections": {} });
    let path = paths::notes(s.tenant, s.client.user);
    assert_eq!(s.p.call(&s.on_call, Method::POST, &path, Some(draft)).await.0, StatusCode::FORBIDDEN);
    let path = paths::psychotherapy_notes(s.tenant, s.client.user);
    assert_eq!(s.p.call(&s.on_call, Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    // The treating clinician's own reads carry no flag.
    assert_eq!(s.read_notes(&s.treating).await, StatusCode::OK);

    // The audit trail: the opening, then every read under it flagged with the grant.
    let events = s.events().await;
    let opened = events.iter().find(|(a, _)| a == "records.break_glass.opened").expect("opening audited");
    assert_eq!(opened.1["break_glass"], grant_id.as_str());
    let flagged: Vec<&Value> =
        events.iter().filter(|(a, _)| a == "records.note.read").map(|(_, d)| &d["break_glass"]).collect();
    assert_eq!(flagged.iter().filter(|f| f.as_str() == Some(grant_id.as_str())).count(), 2, "{events:?}");
    assert_eq!(flagged.iter().filter(|f| f.is_null()).count(), 1, "the care team's read is not flagged");
    assert!(!events.iter().any(|(_, d)| d.to_string().contains("crisis")), "the reason is never in an event");

    // The admins are emailed, with no name, no id and no reason in the message.
    let mail = s.p.smtp.wait_for_message(&s.admin.email(), Duration::from_secs(10)).await;
    let text = mail.text_parts().join("\n");
    assert!(text.contains("emergency access"), "{text}");
    let secrets =
        [s.client.user.to_string(), s.client.user.as_uuid().simple().to_string(), "crisis".into(), grant_id.clone()];
    for secret in secrets {
        assert!(!mail.data.contains(&secret), "the email leaks {secret}");
    }

    // The admin's review shows the opening with its reason; it is audited; nobody else's.
    let review = paths::break_glass_grants(s.tenant);
    let (status, body) = s.p.call(&s.admin, Method::GET, &format!("{review}?active=true"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["grants"][0]["reason"], REASON);
    assert_eq!(body["grants"][0]["clinician_id"], s.on_call.user.to_string());
    for who in [&s.on_call, &s.treating, &s.client] {
        assert_eq!(s.p.call(who, Method::GET, &review, None).await.0, StatusCode::FORBIDDEN);
    }
    assert!(s.events().await.iter().any(|(a, _)| a == "records.break_glass.reviewed"));
}

#[tokio::test]
async fn an_expired_opening_reads_nothing_and_openings_never_change() {
    let s = setup().await;
    // An opening that ended an hour ago (inserted as the superuser: the service only opens
    // new ones, and expiry is the database's clock).
    let sql = "insert into records.break_glass (tenant_id, id, client_id, clinician_id, reason, opened_at, expires_at) \
               values ($1, $2, $3, $4, 'x', now() - interval '2 hours', now() - interval '1 hour')";
    let grant = Uuid::now_v7();
    let values = vec![
        Uuid::from(s.tenant).into(),
        grant.into(),
        Uuid::from(s.client.user).into(),
        Uuid::from(s.on_call.user).into(),
    ];
    exec(&s.p.records_admin, sql, values).await;
    assert_eq!(s.read_notes(&s.on_call).await, StatusCode::FORBIDDEN);

    // Nobody extends or erases an opening, not even the superuser.
    for sql in [
        "update records.break_glass set expires_at = now() + interval '1 day' where id = $1",
        "delete from records.break_glass where id = $1",
    ] {
        let stmt = sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, sql, [grant.into()]);
        let result = sea_orm::ConnectionTrait::execute_raw(&s.p.records_admin, stmt).await;
        assert!(result.is_err(), "{sql} went through");
    }
}

#[tokio::test]
async fn an_opening_needs_a_reason_a_clinician_and_a_client_of_the_practice() {
    let s = setup().await;
    // No reason worth the name: 400, nothing opened.
    let (status, body) = s.open(&s.on_call, s.client.user, "because").await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{body}");
    assert_eq!(s.read_notes(&s.on_call).await, StatusCode::FORBIDDEN);
    // Already on the care team: 409.
    assert_eq!(s.open(&s.treating, s.client.user, REASON).await.0, StatusCode::CONFLICT);
    // Staff, admins and clients hold no break-glass permission.
    for who in [&s.admin, &s.client] {
        let (status, body) = s.open(who, s.client.user, REASON).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    }
    let staff = s.p.person(s.tenant, &["staff"]).await;
    assert_eq!(s.open(&staff, s.client.user, REASON).await.0, StatusCode::FORBIDDEN);
    // A colleague's id is no chart: 404.
    assert_eq!(s.open(&s.on_call, s.admin.user, REASON).await.0, StatusCode::NOT_FOUND);
    // Another practice's clinician, by path: 404.
    let other = s.p.tenant().await;
    let stranger = s.p.person(other, &["clinician"]).await;
    assert_eq!(s.open(&stranger, s.client.user, REASON).await.0, StatusCode::NOT_FOUND);
    // Under their own practice, the client is not theirs: 404.
    let path = paths::break_glass(other, s.client.user);
    let (status, _) = s.p.call(&stranger, Method::POST, &path, Some(json!({ "reason": REASON }))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
