//! Every caller x every admin operation, over HTTP with real tokens, against a table written
//! out by hand: identity enforces the platform's permission table (`tp_authz`), bound to the
//! caller's own tenant.
//!
//! Each request is built so that an allowed caller gets neither 403 nor 404 (a harmless
//! body, or one the operation refuses with 400 only after authorizing), so the three
//! answers (allowed, forbidden, not found) cannot be confused.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::harness::{AdminApp, admin_app};

struct Operation {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

fn op(name: &'static str, method: Method, path: String, body: Option<Value>) -> Operation {
    Operation { name, method, path, body }
}

/// The operations on tenant `a`, in the order of the table's columns.
async fn operations(app: &AdminApp, a: tp_ids::TenantId) -> Vec<Operation> {
    let member = app.member(a, &["client"]).await;
    let body = json!({ "name": "pending", "scopes": ["records:read"] });
    let (_, pending) = app.call(&app.operator, Method::POST, &format!("/v1/tenants/{a}/api-clients"), Some(body)).await;
    let pending = pending.get("client_id").and_then(Value::as_str).unwrap_or_default().to_owned();
    let t = format!("/v1/tenants/{a}");
    let policy = json!({ "mfa_required_roles": ["practice_admin", "clinician"], "idle_timeout_secs": 900, "absolute_timeout_secs": 43200 });
    let sso = json!({ "issuer": "https://idp.example", "client_id": "x", "client_secret": "", "allowed_domains": ["example.com"] });
    vec![
        op("list tenants", Method::GET, "/v1/tenants".to_owned(), None),
        op("read settings", Method::GET, t.clone(), None),
        op("write policy", Method::PUT, format!("{t}/policy"), Some(policy)),
        // An invalid address: refused with 400 after the permission check, and no email goes out.
        op(
            "invite admin",
            Method::POST,
            format!("{t}/invites"),
            Some(json!({ "email": "x", "roles": ["practice_admin"] })),
        ),
        op("invite client", Method::POST, format!("{t}/invites"), Some(json!({ "email": "x", "roles": ["client"] }))),
        op("list members", Method::GET, format!("{t}/members"), None),
        op("set roles", Method::PUT, format!("{t}/members/{}/roles", member.user), Some(json!({ "roles": [] }))),
        op("list care team", Method::GET, format!("{t}/care-team"), None),
        op(
            "assign",
            Method::POST,
            format!("{t}/care-team"),
            Some(json!({ "clinician_id": member.user, "client_id": member.user })),
        ),
        op("list api clients", Method::GET, format!("{t}/api-clients"), None),
        op("approve api client", Method::POST, format!("{t}/api-clients/{pending}/approve"), None),
        op("configure sso", Method::PUT, format!("{t}/sso"), Some(sso)),
        op("directory", Method::GET, format!("{t}/users?ids={}", member.user), None),
        op("own profile", Method::GET, "/v1/me".to_owned(), None),
    ]
}

#[tokio::test]
async fn every_caller_gets_the_answer_of_the_permission_table_for_every_operation() {
    // Arrange
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("matrix-a").await, app.create_tenant("matrix-b").await);
    let mut callers = vec![("operator", app.operator.clone())];
    for (name, tenant, role) in [
        ("admin of a", a, "practice_admin"),
        ("admin of b", b, "practice_admin"),
        ("clinician of a", a, "clinician"),
        ("staff of a", a, "staff"),
        ("client of a", a, "client"),
    ] {
        callers.push((name, app.token_of(&app.member(tenant, &[role]).await).await));
    }
    callers.push(("api client of a (identity:read)", app.api_client_token(a, &["identity:read"]).await));
    callers.push(("api client of a (records:read)", app.api_client_token(a, &["records:read"]).await));
    let operations = operations(&app, a).await;
    // 'y' allowed (neither 403 nor 404), 'f' 403, 'n' 404; columns as in `operations`.
    let table = [
        "yyyyfffffyffff",
        "fyyyyyyyyyyyyy",
        "fnnnnnnnnnnnny",
        "ffffffffffffyy",
        "ffffffffffffyy",
        "ffffffffffffyy",
        "fyfffyfyffffyf",
        "ffffffffffffff",
    ];

    for ((name, token), row) in callers.iter().zip(table) {
        let row: Vec<char> = row.chars().collect();
        assert_eq!(row.len(), operations.len(), "{name}: one answer per operation");
        for (operation, want) in operations.iter().zip(row) {
            // Act
            let (status, body) =
                app.call(token, operation.method.clone(), &operation.path, operation.body.clone()).await;

            // Assert
            let got = match status {
                StatusCode::FORBIDDEN => 'f',
                StatusCode::NOT_FOUND => 'n',
                StatusCode::UNAUTHORIZED => panic!("{name} {}: token refused: {body}", operation.name),
                _ => 'y',
            };
            assert_eq!(got, want, "{name} {}: {status} {body}", operation.name);
        }
    }
}
