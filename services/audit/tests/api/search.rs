//! The read API: a practice admin's search (filters, keyset pagination, the search itself
//! audited) and a client's "who accessed my record"; who may call which, and another
//! practice seeing nothing of the first.

use serde_json::Value;
use tp_audit_api::paths;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::harness::{self, Seed, TestAudit, event_ids};

/// Practice A: records reads and updates by two clinicians about two clients, a sign-in
/// failure; practice B: one records read. Returns the app, A, B, the two clinicians, the two
/// clients, and A's event ids newest first.
struct World {
    app: TestAudit,
    a: TenantId,
    b: TenantId,
    clinicians: [UserId; 2],
    clients: [UserId; 2],
    /// A's seeded events, newest first: [update c1 by k2, read c2 by k1, sign-in failure, read c1 by k1].
    events: Vec<Uuid>,
    b_event: Uuid,
}

async fn world() -> World {
    let app = harness::spawn().await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    let clinicians = [UserId::generate(), UserId::generate()];
    let clients = [UserId::generate(), UserId::generate()];
    let client = |c: UserId| Some(("client", c.to_string()));
    let mut events = Vec::new();
    for (action, actor, subject, ago) in [
        ("records.demographics.updated", Some(clinicians[1]), client(clients[0]), 10),
        ("records.demographics.read", Some(clinicians[0]), client(clients[1]), 20),
        ("identity.sign_in.failed", None, Some(("account", clients[0].to_string())), 30),
        ("records.demographics.read", Some(clinicians[0]), client(clients[0]), 40),
    ] {
        events.push(app.seed(Seed { tenant: a, action, actor, subject, ago_secs: ago }).await);
    }
    let b_event = app
        .seed(Seed {
            tenant: b,
            action: "records.demographics.read",
            actor: Some(clinicians[0]),
            subject: client(clients[0]),
            ago_secs: 5,
        })
        .await;
    World { app, a, b, clinicians, clients, events, b_event }
}

impl World {
    async fn admin(&self, tenant: TenantId) -> String {
        self.app.person_token(tenant, UserId::generate(), "practice_admin").await
    }

    /// A's admin searches A with `query`; expects 200.
    async fn search(&self, query: &[(&str, &str)]) -> Value {
        let token = self.admin(self.a).await;
        let (status, body) = self.app.get(&paths::events(self.a), query, Some(&token)).await;
        assert_eq!(status, 200, "{query:?}: {body}");
        body
    }

    /// A's seeded events at these positions (newest first).
    fn pick(&self, positions: &[usize]) -> Vec<Uuid> {
        positions.iter().map(|&i| self.events.get(i).copied().unwrap()).collect()
    }
}

/// A query and the positions of A's seeded events it must return.
type FilterCase<'a> = (Vec<(&'a str, &'a str)>, Vec<usize>);

fn rfc3339(seconds_ago: i64) -> String {
    let at = chrono::Utc::now() - chrono::Duration::seconds(seconds_ago);
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test]
async fn each_filter_narrows_the_practice_search_to_matching_events() {
    let w = world().await;
    let (k1, c1, c2) = (w.clinicians[0].to_string(), w.clients[0].to_string(), w.clients[1].to_string());
    // Seeded 10, 20, 30 and 40 seconds ago: boundaries between them, with seconds to spare.
    let (ago15, ago25, ago45) = (rfc3339(15), rfc3339(25), rfc3339(45));

    // Unfiltered first: every later search adds an `audit.events.searched` event.
    let all = w.search(&[]).await;
    assert_eq!(event_ids(&all), w.events, "all of A, newest first, nothing of B");
    assert_eq!(all["has_next_page"], false);
    assert_eq!(all["events"][0]["subject_kind"], "client");
    assert_eq!(all["events"][0]["service"], "records");

    let cases: Vec<FilterCase<'_>> = vec![
        (vec![("action", "records.")], vec![0, 1, 3]),
        (vec![("action", "records.demographics.read")], vec![1, 3]),
        (vec![("action", "identity")], vec![2]),
        (vec![("actor_id", k1.as_str())], vec![1, 3]),
        (vec![("subject_id", c2.as_str())], vec![1]),
        (vec![("subject_id", c1.as_str()), ("action", "records.")], vec![0, 3]),
        (vec![("action", "records."), ("since", ago25.as_str())], vec![0, 1]),
        (vec![("action", "records."), ("until", ago15.as_str())], vec![1, 3]),
        (vec![("action", "records."), ("since", ago45.as_str()), ("until", ago15.as_str())], vec![1, 3]),
        (vec![("action", "scheduling.")], vec![]),
    ];
    for (query, expected) in cases {
        let body = w.search(&query).await;
        assert_eq!(event_ids(&body), w.pick(&expected), "{query:?}");
        assert!(!event_ids(&body).contains(&w.b_event), "{query:?}");
    }
}

#[tokio::test]
async fn pagination_walks_every_event_once_in_order_including_ties() {
    let app = harness::spawn().await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    // Eight events, two pairs sharing a timestamp: the id breaks the tie.
    let mut seeded = Vec::new();
    for ago in [10, 20, 20, 30, 40, 40, 50, 60] {
        let seed = Seed { tenant: a, action: "records.demographics.read", actor: None, subject: None, ago_secs: ago };
        seeded.push(app.seed(seed).await);
    }
    app.seed(Seed { tenant: b, action: "records.demographics.read", actor: None, subject: None, ago_secs: 15 }).await;
    let expected: Vec<Uuid> = app
        .query(
            "select id from audit.events where tenant_id = $1 order by occurred_at desc, id desc",
            vec![Uuid::from(a).into()],
        )
        .await
        .iter()
        .map(|row| row.try_get("", "id").unwrap())
        .collect();
    assert_eq!(expected.len(), 8);

    let token = app.person_token(a, UserId::generate(), "practice_admin").await;
    let (mut walked, mut pages, mut after) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let mut query = vec![("first", "3"), ("action", "records.")];
        if let Some(after) = &after {
            query.push(("after", after));
        }
        let (status, body) = app.get(&paths::events(a), &query, Some(&token)).await;
        assert_eq!(status, 200, "{body}");
        let ids = event_ids(&body);
        pages.push(ids.len());
        walked.extend(ids.iter().copied());
        if body["has_next_page"] == false {
            break;
        }
        after = ids.last().map(Uuid::to_string);
    }
    assert_eq!(pages, vec![3, 3, 2]);
    assert_eq!(walked, expected, "no overlap, no gap, newest first");

    // A page of exactly the remainder says there is no next page.
    let (_, body) = app.get(&paths::events(a), &[("first", "8"), ("action", "records.")], Some(&token)).await;
    assert_eq!((event_ids(&body).len(), body["has_next_page"].clone()), (8, Value::Bool(false)));
}

#[tokio::test]
async fn another_practices_admin_gets_404_and_never_sees_its_events() {
    let w = world().await;
    let admin_of_b = w.admin(w.b).await;

    let (status, body) = w.app.get(&paths::events(w.a), &[], Some(&admin_of_b)).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "AUDIT_NOT_FOUND");
    assert!(body.get("events").is_none());

    // B's own search holds B's event only, even with A's ids as filters or cursor.
    let (status, body) = w.app.get(&paths::events(w.b), &[], Some(&admin_of_b)).await;
    assert_eq!((status, event_ids(&body)), (200, vec![w.b_event]));
    let subject = w.clients[1].to_string();
    let (_, body) = w.app.get(&paths::events(w.b), &[("subject_id", &subject)], Some(&admin_of_b)).await;
    assert!(event_ids(&body).is_empty(), "{body}");
    let a_event = w.events[0].to_string();
    let (status, body) = w.app.get(&paths::events(w.b), &[("after", &a_event)], Some(&admin_of_b)).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, "AUDIT_INVALID_INPUT".into()),
        "A's id is no cursor in B"
    );

    // A client of B asking A's path for their record access: 404 too.
    let client_of_b = w.app.person_token(w.b, w.clients[0], "client").await;
    assert_eq!(w.app.get(&paths::record_access(w.a), &[], Some(&client_of_b)).await.0, 404);
}

#[tokio::test]
async fn only_practice_admins_search_and_only_clients_see_their_record_access() {
    let w = world().await;
    for role in ["clinician", "staff", "client"] {
        let token = w.app.person_token(w.a, UserId::generate(), role).await;
        let (status, body) = w.app.get(&paths::events(w.a), &[], Some(&token)).await;
        assert_eq!(status, 403, "{role}: {body}");
        assert_eq!(body["error"]["code"], "AUDIT_FORBIDDEN", "{role}");
    }
    for role in ["clinician", "staff", "practice_admin"] {
        let token = w.app.person_token(w.a, UserId::generate(), role).await;
        assert_eq!(w.app.get(&paths::record_access(w.a), &[], Some(&token)).await.0, 403, "{role}");
    }
    let operator = w.app.operator_token().await;
    assert_eq!(w.app.get(&paths::events(w.a), &[], Some(&operator)).await.0, 403, "operators do not read logs");
    assert_eq!(w.app.get(&paths::events(w.a), &[], None).await.0, 401);
    assert_eq!(w.app.get(&paths::record_access(w.a), &[], None).await.0, 401);
}

#[tokio::test]
async fn a_client_sees_only_records_events_about_themselves() {
    let w = world().await;
    // About client 1 but not a records event, and a records event about another kind of subject.
    let c1 = w.clients[0].to_string();
    let care_team = Seed {
        tenant: w.a,
        action: "identity.care_team.assigned",
        actor: Some(w.clinicians[0]),
        subject: Some(("client", c1.clone())),
        ago_secs: 1,
    };
    w.app.seed(care_team).await;
    let other_kind = Seed {
        tenant: w.a,
        action: "records.clients.searched",
        actor: None,
        subject: Some(("account", c1)),
        ago_secs: 2,
    };
    w.app.seed(other_kind).await;
    let token = w.app.person_token(w.a, w.clients[0], "client").await;

    let (status, body) = w.app.get(&paths::record_access(w.a), &[], Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    // Not client 2's read, not the sign-in failure, not B's read about the same person.
    assert_eq!(event_ids(&body), w.pick(&[0, 3]));
    assert_eq!(body["events"][1]["actor_id"], w.clinicians[0].to_string());
    assert_eq!(body["events"][1]["action"], "records.demographics.read");

    // Paged one at a time; another client's event is no cursor here.
    let (_, first) = w.app.get(&paths::record_access(w.a), &[("first", "1")], Some(&token)).await;
    assert_eq!((event_ids(&first), first["has_next_page"].clone()), (w.pick(&[0]), Value::Bool(true)));
    let after = w.events[0].to_string();
    let (_, second) = w.app.get(&paths::record_access(w.a), &[("first", "1"), ("after", &after)], Some(&token)).await;
    assert_eq!((event_ids(&second), second["has_next_page"].clone()), (w.pick(&[3]), Value::Bool(false)));
    let foreign = w.events[1].to_string();
    let (status, _) = w.app.get(&paths::record_access(w.a), &[("after", &foreign)], Some(&token)).await;
    assert_eq!(status, 400, "client 2's event is not in client 1's view");

    // Client 2 sees their one event.
    let token = w.app.person_token(w.a, w.clients[1], "client").await;
    let (_, body) = w.app.get(&paths::record_access(w.a), &[], Some(&token)).await;
    assert_eq!(event_ids(&body), w.pick(&[1]));
}

#[tokio::test]
async fn a_client_also_sees_who_read_their_consent_documents_and_disclosures() {
    // Arrange: an admin of A read client 1's signed consent documents; the same read about
    // client 1 in practice B, and consent's event about another kind of subject.
    let w = world().await;
    let c1 = w.clients[0].to_string();
    let read = |tenant, subject: (&'static str, String), ago_secs| Seed {
        tenant,
        action: "consent.document.read",
        actor: Some(w.clinicians[0]),
        subject: Some(subject),
        ago_secs,
    };
    let consent_read = w.app.seed(read(w.a, ("client", c1.clone()), 1)).await;
    w.app.seed(read(w.b, ("client", c1.clone()), 2)).await;
    w.app.seed(read(w.a, ("template", c1), 3)).await;
    let token = w.app.person_token(w.a, w.clients[0], "client").await;

    // Act
    let (status, body) = w.app.get(&paths::record_access(w.a), &[], Some(&token)).await;

    // Assert: consent's read comes first (newest), then client 1's records events, nothing else.
    assert_eq!(status, 200, "{body}");
    let mut expected = vec![consent_read];
    expected.extend(w.pick(&[0, 3]));
    assert_eq!(event_ids(&body), expected);
    assert_eq!(body["events"][0]["service"], "consent");
}

#[tokio::test]
async fn malformed_parameters_are_refused_with_400_and_record_nothing() {
    let w = world().await;
    let admin = w.admin(w.a).await;
    let long = "x".repeat(129);
    let unknown = Uuid::now_v7().to_string();
    let cases: Vec<(&str, &str)> = vec![
        ("first", "0"),
        ("first", "101"),
        ("first", "ten"),
        ("after", "not-an-id"),
        ("after", &unknown),
        ("action", "Records"),
        ("action", "rec%"),
        ("action", "records' or 1=1"),
        ("actor_id", &long),
        ("subject_id", ""),
        ("since", "yesterday"),
        ("until", "2026-13-01T00:00:00Z"),
    ];
    for (key, value) in cases {
        let (status, body) = w.app.get(&paths::events(w.a), &[(key, value)], Some(&admin)).await;
        assert_eq!(status, 400, "{key}={value}: {body}");
        assert_eq!(body["error"]["code"], "AUDIT_INVALID_INPUT", "{key}={value}");
    }
    let client = w.app.person_token(w.a, w.clients[0], "client").await;
    for (key, value) in [("first", "0"), ("after", "nope"), ("after", unknown.as_str())] {
        let (status, _) = w.app.get(&paths::record_access(w.a), &[(key, value)], Some(&client)).await;
        assert_eq!(status, 400, "{key}={value}");
    }
    let searched =
        w.app.count("select count(*) from audit.events where action = 'audit.events.searched'", vec![]).await;
    assert_eq!(searched, 0, "a refused search reads nothing and records nothing");
}

#[tokio::test]
async fn a_practice_search_is_itself_audited_and_a_clients_view_is_not() {
    let w = world().await;
    let admin = UserId::generate();
    let token = w.app.person_token(w.a, admin, "practice_admin").await;
    let c1 = w.clients[0].to_string();

    let (status, body) =
        w.app.get(&paths::events(w.a), &[("action", "records."), ("subject_id", &c1)], Some(&token)).await;
    assert_eq!(status, 200, "{body}");

    let rows = w
        .app
        .query(
            "select tenant_id, service, actor_kind, actor_id, subject_id, details::text as details \
             from audit.events where action = 'audit.events.searched'",
            vec![],
        )
        .await;
    assert_eq!(rows.len(), 1, "one event per search");
    let row = rows.first().unwrap();
    assert_eq!(row.try_get::<Option<Uuid>>("", "tenant_id").unwrap(), Some(Uuid::from(w.a)));
    assert_eq!(row.try_get::<String>("", "service").unwrap(), "audit");
    assert_eq!(row.try_get::<String>("", "actor_kind").unwrap(), "user");
    assert_eq!(row.try_get::<Option<String>>("", "actor_id").unwrap(), Some(admin.to_string()));
    let details: Value = serde_json::from_str(&row.try_get::<String>("", "details").unwrap()).unwrap();
    assert_eq!(details["action"], "records.");
    assert_eq!(details["subject_id"], c1);
    assert_eq!(details["shown"], "2");

    // The search shows up in the practice's own log, and never in B's.
    let (_, body) = w.app.get(&paths::events(w.a), &[("action", "audit.")], Some(&token)).await;
    assert_eq!(event_ids(&body).len(), 1, "{body}");
    assert_eq!(body["events"][0]["actor_id"], admin.to_string());
    let admin_of_b = w.admin(w.b).await;
    let (_, body) = w.app.get(&paths::events(w.b), &[("action", "audit.")], Some(&admin_of_b)).await;
    assert!(event_ids(&body).is_empty(), "{body}");

    // The client's view leaves no event behind.
    let before = w.app.count("select count(*) from audit.events", vec![]).await;
    let client = w.app.person_token(w.a, w.clients[0], "client").await;
    assert_eq!(w.app.get(&paths::record_access(w.a), &[], Some(&client)).await.0, 200);
    assert_eq!(w.app.count("select count(*) from audit.events", vec![]).await, before);
}
