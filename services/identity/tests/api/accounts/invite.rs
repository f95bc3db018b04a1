//! Invitations: the email, the accept page, password rules, single use, expiry and CSRF.

use serde_json::json;
use tp_audit_log::Actor;
use tp_audit_log::action::identity as action;
use tp_auth::Role;
use tp_identity::accounts;
use tp_identity::error::Error;

use super::harness::{GOOD_PASSWORD, MAIL_WAIT, email, spawn};

const ACCEPT: &str = "/account/accept-invite";

#[tokio::test]
async fn an_invitation_email_carries_a_link_and_names_the_practice_to_staff_only() {
    // Arrange
    let t = spawn().await;
    let tenant = t.create_tenant("Harbor Mental Health").await;

    // Act
    let staff = t.invite(tenant, "dr.jones@example.com", &[Role::Clinician]).await;
    let client = t.invite(tenant, "pat.client@example.com", &[Role::Client]).await;

    // Assert: the whole message as it went over SMTP.
    assert_eq!(staff.rcpt_to, ["dr.jones@example.com"]);
    assert_eq!(staff.header("To").as_deref(), Some("dr.jones@example.com"));
    assert!(staff.header("From").unwrap().contains("<no-reply@telehealth.invalid>"), "{:?}", staff.header("From"));
    assert_eq!(staff.header("Subject").as_deref(), Some("Your Telehealth invitation"));
    assert!(staff.text_parts().iter().all(|part| part.contains("join Harbor Mental Health")));
    t.link(&staff, ACCEPT);

    assert_eq!(client.header("Subject").as_deref(), Some("Your Telehealth invitation"));
    assert!(!client.data.contains("Harbor"), "a client's invitation must not name the practice:\n{}", client.data);
    assert!(client.text_parts().iter().all(|part| part.contains("create an account on Telehealth")));
    t.link(&client, ACCEPT);
}

#[tokio::test]
async fn accepting_refuses_weak_passwords_then_activates_the_account_and_only_that_membership() {
    // Arrange
    let t = spawn().await;
    let (tenant, other) = (t.create_tenant("Practice A").await, t.create_tenant("Practice B").await);
    let address = "sam.taylor@example.com";
    let message = t.invite(tenant, address, &[Role::Staff]).await;
    let page = t.get_page(&t.link(&message, ACCEPT)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let cookie = page.csrf_cookie.clone().expect("the page sets the CSRF cookie");
    assert!(page.set_cookie[0].contains("HttpOnly") && page.set_cookie[0].contains("SameSite=Strict"));
    let (csrf, token) = (page.hidden("csrf"), page.hidden("token"));
    let submit = |password: &'static str, confirm: &'static str| {
        let (cookie, csrf, token) = (cookie.clone(), csrf.clone(), token.clone());
        let t = &t;
        async move {
            let fields = [
                ("csrf", csrf.as_str()),
                ("token", token.as_str()),
                ("password", password),
                ("password_confirm", confirm),
            ];
            t.post_form(ACCEPT, Some(&cookie), &fields).await
        }
    };

    // Act + Assert: every weak password is refused and changes nothing.
    let weak = [
        ("short one", "at least 12 characters"),
        ("password1234", "too common"),
        ("Sam.Taylor-rocks-2026", "must not contain your email"),
    ];
    for (password, why) in weak {
        let refused = submit(password, password).await;
        assert_eq!(refused.status, 422, "{password:?}");
        assert!(refused.body.contains(why), "{password:?} should be refused for {why:?}:\n{}", refused.body);
        let user = t.user_row(address).await;
        assert_eq!(user.try_get::<String>("", "status").unwrap(), "invited");
        assert_eq!(user.try_get::<Option<String>>("", "password_hash").unwrap(), None);
    }
    assert_eq!(submit(GOOD_PASSWORD, "something else entirely").await.status, 422, "mismatched confirmation");

    let accepted = submit(GOOD_PASSWORD, GOOD_PASSWORD).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert!(accepted.body.contains("sign in"));
    let user = t.user_row(address).await;
    assert_eq!(user.try_get::<String>("", "status").unwrap(), "active");
    assert!(user.try_get::<bool>("", "verified").unwrap(), "the invitation link proves the address");
    assert_eq!(t.memberships(address).await, [(*tenant.as_uuid(), "active".to_owned(), vec!["staff".to_owned()])]);
    assert!(t.memberships(address).await.iter().all(|(tid, _, _)| tid != other.as_uuid()));
    let signed_in = accounts::authenticate_password(&t.state, &email(address), GOOD_PASSWORD.into()).await;
    assert_eq!(signed_in.unwrap(), tp_ids::UserId::from_uuid(user.try_get("", "id").unwrap()));

    // The link worked once.
    let again = submit(GOOD_PASSWORD, GOOD_PASSWORD).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("invalid, has expired or was already used"));
    assert_eq!(t.get_page(&t.link(&message, ACCEPT)).await.status, 400);
}

#[tokio::test]
async fn an_expired_invitation_link_is_refused() {
    // Arrange
    let t = spawn().await;
    let tenant = t.create_tenant("Practice A").await;
    let message = t.invite(tenant, "late@example.com", &[Role::Client]).await;
    let link = t.link(&message, ACCEPT);
    let page = t.get_page(&link).await;
    assert_eq!(page.status, 200);
    t.sql("update identity.account_tokens set expires_at = now() - interval '1 second'", vec![]).await;

    // Act
    let shown = t.get_page(&link).await;
    let fields = [
        ("csrf", page.hidden("csrf")),
        ("token", page.hidden("token")),
        ("password", GOOD_PASSWORD.to_owned()),
        ("password_confirm", GOOD_PASSWORD.to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let posted = t.post_form(ACCEPT, page.csrf_cookie.as_deref(), &fields).await;

    // Assert
    assert_eq!((shown.status, posted.status), (400, 400));
    assert!(posted.body.contains("invalid, has expired or was already used"));
    assert_eq!(t.user_row("late@example.com").await.try_get::<String>("", "status").unwrap(), "invited");
}

#[tokio::test]
async fn a_form_without_or_with_a_mismatched_csrf_token_is_refused_and_changes_nothing() {
    // Arrange
    let t = spawn().await;
    let tenant = t.create_tenant("Practice A").await;
    let address = "csrf.target@example.com";
    let message = t.invite(tenant, address, &[Role::Clinician]).await;
    let page = t.get_page(&t.link(&message, ACCEPT)).await;
    let (cookie, csrf, token) = (page.csrf_cookie.clone().unwrap(), page.hidden("csrf"), page.hidden("token"));
    let foreign = t.get_page("/account/forgot-password").await.csrf_cookie.unwrap();
    assert_ne!(foreign, cookie);

    // Act + Assert
    let cases: [(&str, Option<&str>, Option<&str>); 4] = [
        ("no cookie", None, Some(&csrf)),
        ("no field", Some(&cookie), None),
        ("field from another page", Some(&cookie), Some(&foreign)),
        ("cookie from another page", Some(&foreign), Some(&csrf)),
    ];
    for (case, cookie, field) in cases {
        let mut fields =
            vec![("token", token.as_str()), ("password", GOOD_PASSWORD), ("password_confirm", GOOD_PASSWORD)];
        fields.extend(field.map(|f| ("csrf", f)));
        let refused = t.post_form(ACCEPT, cookie, &fields).await;
        assert_eq!(refused.status, 403, "{case}");
        let user = t.user_row(address).await;
        assert_eq!(user.try_get::<String>("", "status").unwrap(), "invited", "{case}");
    }
    // The link is still live: the refused posts did not spend it.
    let fields =
        [("csrf", csrf.as_str()), ("token", &token), ("password", GOOD_PASSWORD), ("password_confirm", GOOD_PASSWORD)];
    assert_eq!(t.post_form(ACCEPT, Some(&cookie), &fields).await.status, 200);
}

#[tokio::test]
async fn inviting_a_pending_member_again_replaces_the_roles_and_only_the_newest_link_works() {
    // Arrange
    let t = spawn().await;
    let tenant = t.create_tenant("Practice A").await;
    let address = "twice@example.com";
    let first = t.invite(tenant, address, &[Role::Staff]).await;

    // Act
    let second = t.invite(tenant, address, &[Role::Clinician]).await;

    // Assert: the newest invitation wins whole; the roles of the superseded one are gone.
    assert_eq!(t.memberships(address).await, [(*tenant.as_uuid(), "invited".to_owned(), vec!["clinician".to_owned()])]);
    assert_eq!(t.get_page(&t.link(&first, ACCEPT)).await.status, 400);
    assert_eq!(t.get_page(&t.link(&second, ACCEPT)).await.status, 200);
}

#[tokio::test]
async fn inviting_an_active_member_is_a_conflict_that_changes_no_role_and_sends_nothing() {
    // Arrange: an active clinician of A (and of B, which must not matter).
    let t = spawn().await;
    let (tenant, other) = (t.create_tenant("Practice A").await, t.create_tenant("Practice B").await);
    let address = "active.member@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    let sql =
        "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, '{clinician}', 'active')";
    t.sql(sql, vec![(*tenant.as_uuid()).into(), (*user.as_uuid()).into()]).await;

    // Act
    let again =
        accounts::invite(&t.state, tenant, &email(address), &[Role::PracticeAdmin], Actor::System("test")).await;

    // Assert: roles change only through the roles endpoint (sessions ended, audited).
    assert!(matches!(again, Err(Error::Conflict("membership"))), "{again:?}");
    assert_eq!(t.memberships(address).await, [(*tenant.as_uuid(), "active".to_owned(), vec!["clinician".to_owned()])]);
    assert!(t.smtp.messages().is_empty(), "no invitation email");
    assert!(t.audit_reasons(action::INVITATION_SENT).await.is_empty(), "no invitation on record");
    let tokens = t.sql("select count(*)::bigint as n from identity.account_tokens", vec![]).await;
    assert_eq!(tokens[0].try_get::<i64>("", "n").unwrap(), 0, "no link was issued");
    // The same person is invited into another practice as usual.
    t.invite(other, address, &[Role::Staff]).await;
}

#[tokio::test]
async fn a_removed_member_invited_again_gets_only_the_new_roles_and_must_accept_again() {
    // Arrange: removed from A as a practice admin.
    let t = spawn().await;
    let tenant = t.create_tenant("Practice A").await;
    let address = "came.back@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) \
               values ($1, $2, '{practice_admin,clinician}', 'removed')";
    t.sql(sql, vec![(*tenant.as_uuid()).into(), (*user.as_uuid()).into()]).await;

    // Act
    let message = t.invite(tenant, address, &[Role::Staff]).await;

    // Assert: pending, with nothing of the old roles, until the new link is accepted.
    assert_eq!(t.memberships(address).await, [(*tenant.as_uuid(), "invited".to_owned(), vec!["staff".to_owned()])]);
    let page = t.get_page(&t.link(&message, ACCEPT)).await;
    let fields = [("csrf", page.hidden("csrf")), ("token", page.hidden("token"))];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(t.post_form(ACCEPT, page.csrf_cookie.as_deref(), &fields).await.status, 200);
    assert_eq!(t.memberships(address).await, [(*tenant.as_uuid(), "active".to_owned(), vec!["staff".to_owned()])]);
}

#[tokio::test]
async fn an_existing_account_invited_to_another_practice_joins_without_changing_its_password() {
    // Arrange
    let t = spawn().await;
    let (first, second) = (t.create_tenant("Practice A").await, t.create_tenant("Practice B").await);
    let address = "two.practices@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    let sql =
        "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, '{clinician}', 'active')";
    t.sql(sql, vec![(*first.as_uuid()).into(), (*user.as_uuid()).into()]).await;

    // Act
    let outcome =
        accounts::invite(&t.state, second, &email(address), &[Role::Staff], tp_audit_log::Actor::System("test"))
            .await
            .unwrap();
    let message = t.smtp.wait_for_message(address, super::harness::MAIL_WAIT).await;
    let page = t.get_page(&t.link(&message, ACCEPT)).await;
    let (csrf, token) = (page.hidden("csrf"), page.hidden("token"));
    let fields = [("csrf", csrf.as_str()), ("token", token.as_str())];
    let joined = t.post_form(ACCEPT, page.csrf_cookie.as_deref(), &fields).await;

    // Assert
    assert_eq!(outcome, accounts::InviteOutcome { user, sent: true });
    assert!(!page.body.contains("name=\"password\""), "an existing account is not asked for a new password");
    assert_eq!(joined.status, 200, "{}", joined.body);
    let statuses: Vec<(uuid::Uuid, String)> =
        t.memberships(address).await.into_iter().map(|(tid, s, _)| (tid, s)).collect();
    assert!(statuses.contains(&(*first.as_uuid(), "active".to_owned())));
    assert!(statuses.contains(&(*second.as_uuid(), "active".to_owned())));
    let signed_in = accounts::authenticate_password(&t.state, &email(address), GOOD_PASSWORD.into()).await;
    assert_eq!(signed_in.unwrap(), user);
}

#[tokio::test]
async fn invitations_with_non_member_roles_or_into_inactive_practices_are_refused() {
    // Arrange
    let t = spawn().await;
    let active = t.create_tenant("Practice A").await;
    let suspended = t.create_tenant("Practice B").await;
    t.sql("update identity.tenants set status = 'suspended' where id = $1", vec![(*suspended.as_uuid()).into()]).await;
    let invite = |tenant, address: &'static str, roles: &'static [Role]| {
        let t = &t;
        async move { accounts::invite(&t.state, tenant, &email(address), roles, Actor::System("test")).await }
    };

    // Act
    let cases = [
        ("no role", invite(active, "a@example.com", &[]).await),
        ("platform role", invite(active, "b@example.com", &[Role::PlatformOperator]).await),
        ("suspended practice", invite(suspended, "c@example.com", &[Role::Staff]).await),
        ("unknown practice", invite(tp_ids::TenantId::generate(), "d@example.com", &[Role::Staff]).await),
    ];

    // Assert
    for (case, outcome) in cases {
        assert!(outcome.is_err(), "{case}");
    }
    let memberships = t.sql("select count(*)::bigint as n from identity.memberships", vec![]).await;
    assert_eq!(memberships[0].try_get::<i64>("", "n").unwrap(), 0);
    assert!(t.smtp.messages().is_empty(), "no email for a refused invitation");
}

#[tokio::test]
async fn the_admin_api_answers_an_invitation_the_same_for_new_existing_and_disabled_accounts() {
    // Arrange: an address with an account in another practice, one of a disabled account,
    // and a new one. None of that is the inviting practice's to learn.
    let t = spawn().await;
    let (tenant, elsewhere) = (t.create_tenant("Practice A").await, t.create_tenant("Practice B").await);
    let existing = t.create_active_user("existing@example.com", GOOD_PASSWORD).await;
    let sql =
        "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, '{clinician}', 'active')";
    t.sql(sql, vec![(*elsewhere.as_uuid()).into(), (*existing.as_uuid()).into()]).await;
    t.create_active_user("disabled@example.com", GOOD_PASSWORD).await;
    t.sql("update identity.users set status = 'disabled' where email = 'disabled@example.com'", vec![]).await;
    let operator = t.operator_token().await;

    // Act
    let mut answers = Vec::new();
    for address in ["new.person@example.com", "existing@example.com", "disabled@example.com"] {
        answers.push((address, t.invite_over_api(&operator, tenant, address, &["practice_admin"]).await));
    }

    // Assert: one answer, without an id or a "new account" flag.
    for (address, answer) in &answers {
        assert_eq!(*answer, (202, json!({ "status": "invited" })), "{address}");
    }
    t.smtp.wait_for_message("new.person@example.com", MAIL_WAIT).await;
    t.smtp.wait_for_message("existing@example.com", MAIL_WAIT).await;
    // The disabled account: answered before returning like the others, so its email would be
    // in the sink by now; it is not. Its membership is pending like theirs (the practice's
    // member list must not differ), but no link exists for it, and the log says why.
    assert!(t.smtp.messages_to("disabled@example.com").is_empty(), "nothing is sent to a disabled account");
    let pending: Vec<String> = t.memberships("disabled@example.com").await.into_iter().map(|(_, s, _)| s).collect();
    assert_eq!(pending, ["invited"]);
    let sql = "select count(*)::bigint as n from identity.account_tokens t join identity.users u on u.id = t.user_id \
               where u.email = 'disabled@example.com'";
    assert_eq!(t.sql(sql, vec![]).await[0].try_get::<i64>("", "n").unwrap(), 0, "no link for a disabled account");
    let mut outcomes = t.audit_reasons(action::INVITATION_SENT).await;
    outcomes.sort();
    let expected = [("denied", "account_disabled"), ("success", ""), ("success", "")];
    assert_eq!(outcomes, expected.map(|(outcome, reason)| (outcome.to_owned(), reason.to_owned())));
}
