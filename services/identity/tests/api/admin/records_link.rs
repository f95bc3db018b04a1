//! The records-link email consent asks for when a client's approved records wait for a
//! provider outside the platform: sent only for a client of the practice (`TransfersRespond`),
//! to the address given, with a URL on the configured gateway base and the opaque pieces
//! only, and nothing about the client, the practice or the records.

use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use tp_identity_api::paths::RECORDS_LINK_NOTIFICATION;
use uuid::Uuid;

use super::harness::admin_app_with_mail;
use crate::oauth_fixtures::SHARED_RECORDS_URL;

const TOKEN: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x";

#[tokio::test]
async fn a_records_link_goes_to_the_provider_on_the_configured_base_and_says_nothing_of_the_client() {
    // Arrange: a client of practice A (their display name is what must not leak) and B.
    let smtp = tp_testkit::smtp::SmtpSink::start().await;
    let app = admin_app_with_mail(&smtp).await;
    let (a, b) = (app.create_tenant("north").await, app.create_tenant("south").await);
    let client = app.member(a, &["client"]).await;
    let sql = "update identity.users set display_name = 'Robin Secretclient' where id = $1";
    app.oauth.sql(sql, vec![Uuid::from(client.user).into()]).await;
    let token = app.token_of(&client).await;
    let request = Uuid::now_v7();
    let notice = json!({ "request_id": request, "token": TOKEN, "email": "provider@clinic.example" });

    // Act
    let (status, body) = app.call(&token, Method::POST, RECORDS_LINK_NOTIFICATION, Some(notice.clone())).await;

    // Assert: one email to the provider, the link on the configured base with the token's
    // practice, and no PHI (no client name, no practice name, no email of the client).
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let email = smtp.wait_for_message("provider@clinic.example", Duration::from_secs(10)).await;
    let link = email.first_link(SHARED_RECORDS_URL).unwrap();
    assert_eq!(link, format!("{SHARED_RECORDS_URL}/shared-records/{a}/{request}?token={TOKEN}"));
    let everything = format!("{}{}", email.data, email.text_parts().join(""));
    let client_email = format!("{}@example.test", client.user.as_uuid().simple());
    for phi in ["Secretclient", "Robin", "Practice north", client_email.as_str(), &client.user.to_string()] {
        assert!(!everything.contains(phi), "the email says {phi}");
    }
    assert_eq!(smtp.messages().len(), 1);

    // Only a client of the practice asks; a staff member, an admin or a machine may not, and
    // a malformed token or address is refused before anything is sent.
    for roles in [&["staff"][..], &["practice_admin"], &["clinician"]] {
        let other = app.token_of(&app.member(a, roles).await).await;
        let (status, _) = app.call(&other, Method::POST, RECORDS_LINK_NOTIFICATION, Some(notice.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{roles:?}");
    }
    let machine = app.api_client_token(b, &["identity:read"]).await;
    let (status, _) = app.call(&machine, Method::POST, RECORDS_LINK_NOTIFICATION, Some(notice)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let bad = [
        json!({ "request_id": request, "token": "short", "email": "provider@clinic.example" }),
        json!({ "request_id": request, "token": "a/b?c=d#e".repeat(5).get(..43).unwrap(), "email": "provider@clinic.example" }),
        json!({ "request_id": request, "token": TOKEN, "email": "not an address" }),
        json!({ "request_id": "x", "token": TOKEN, "email": "provider@clinic.example" }),
    ];
    for body in bad {
        let (status, _) = app.call(&token, Method::POST, RECORDS_LINK_NOTIFICATION, Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(smtp.messages().len(), 1, "nothing else was sent");
}
