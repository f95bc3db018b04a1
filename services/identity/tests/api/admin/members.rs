//! The member list: keyset pages ordered by user id, never another practice's people.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::harness::admin_app;

fn ids(page: &Value) -> Vec<String> {
    let members = page.get("members").and_then(Value::as_array).cloned().unwrap_or_default();
    members.iter().filter_map(|m| m.get("user_id").and_then(Value::as_str).map(str::to_owned)).collect()
}

#[tokio::test]
async fn members_come_in_pages_ordered_by_user_id_within_the_practice_only() {
    // Arrange: five members in A (the admin and four more), two in B.
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("pages-a").await, app.create_tenant("pages-b").await);
    let admin = app.member(a, &["practice_admin"]).await;
    let mut expected = vec![admin.user.to_string()];
    for role in ["clinician", "staff", "client", "client"] {
        expected.push(app.member(a, &[role]).await.user.to_string());
    }
    expected.sort();
    for role in ["clinician", "client"] {
        app.member(b, &[role]).await;
    }
    let token = app.token_of(&admin).await;
    let path = format!("/v1/tenants/{a}/members");

    // Act: walk the pages two at a time.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = after.as_ref().map(|id| format!("&after={id}")).unwrap_or_default();
        let (status, page) = app.call(&token, Method::GET, &format!("{path}?first=2{query}"), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let page_ids = ids(&page);
        assert!(page_ids.len() <= 2, "{page}");
        seen.extend(page_ids.clone());
        pages += 1;
        if page.get("has_next_page").and_then(Value::as_bool) != Some(true) {
            break;
        }
        after = page_ids.last().cloned();
        assert!(pages < 10, "the pages never end");
    }

    // Assert
    assert_eq!(seen, expected, "every member of A once, by user id, and nobody of B");
    assert_eq!(pages, 3);
    let (status, page) = app.call(&token, Method::GET, &path, None).await;
    assert_eq!((status, ids(&page)), (StatusCode::OK, expected), "first defaults to 50");
    let (status, _) = app.call(&token, Method::GET, &format!("/v1/tenants/{b}/members?first=2"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_page_size_out_of_range_or_a_malformed_cursor_is_refused() {
    // Arrange
    let app = admin_app().await;
    let tenant = app.create_tenant("pages-bad").await;
    let token = app.token_of(&app.member(tenant, &["practice_admin"]).await).await;

    for query in ["first=0", "first=101", "first=ten", "after=not-a-user", "first=5&after=42"] {
        // Act
        let (status, body) =
            app.call(&token, Method::GET, &format!("/v1/tenants/{tenant}/members?{query}"), None).await;

        // Assert
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let code = body.get("error").and_then(|e| e.get("code")).and_then(Value::as_str);
        assert_eq!(code, Some("IDENTITY_INVALID_INPUT"), "{query}: {body}");
    }
}
