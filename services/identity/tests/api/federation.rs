//! Per-practice SSO end to end: identity as relying party to a real external OpenID
//! provider (panva oidc-provider, started by `tp_testkit::idp`), through the real service's
//! `/federation/start` and `/federation/callback`, with the practice's set-up made by
//! `configure_sso` against identity's own database role and Vault AppRole.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly, like the tests they serve")]

use reqwest::redirect::Policy;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use secrecy::SecretString;
use tp_identity::Identity;
use tp_identity::domain::pkce::{CodeChallenge, CodeVerifier};
use tp_identity::error::Error;
use tp_identity::federation::{Federation, SsoConfig, SsoDeps, configure_sso, get_sso, remove_sso};
use tp_ids::{Service, TenantId};
use tp_testkit::app::{TestApp, spawn_app};
use tp_testkit::idp::{ExternalIdp, IdpAccount};
use tp_testkit::vault::service_vault;
use url::Url;
use uuid::Uuid;

use crate::signin::harness::{Page, claims, form_body, totp_code};

const CLIENT_ID: &str = "telehealth-rp";
const CLIENT_SECRET: &str = "idp-client-secret-0123456789abcdef";
const STATE_COOKIE: &str = "tp_federation_state";

/// A practice with SSO through its own IdP, one authorization request waiting, and accounts.
pub(crate) struct Practice {
    pub tenant: TenantId,
    pub slug: String,
}

pub(crate) struct World {
    pub app: TestApp,
    pub admin: DatabaseConnection,
    pub idp: ExternalIdp,
    pub request: Uuid,
    /// The public client that made `request`; its code is exchanged with [`VERIFIER`].
    pub client: String,
}

/// The PKCE verifier of the waiting authorization request.
const VERIFIER: &str = "a-federated-verifier-of-43-or-more-chars.~_0123";
const APP_REDIRECT: &str = "http://127.0.0.1:9/cb";

const ACCOUNTS: [IdpAccount<'static>; 4] = [
    IdpAccount { login: "alice", email: "Alice@Clinic.Example", email_verified: true },
    IdpAccount { login: "mallory", email: "mallory@elsewhere.example", email_verified: true },
    IdpAccount { login: "unverified", email: "unverified@clinic.example", email_verified: false },
    IdpAccount { login: "stranger", email: "stranger@clinic.example", email_verified: true },
];

pub(crate) async fn world() -> World {
    let app = spawn_app::<Identity>().await;
    let admin = app.db.as_ref().unwrap().connect_admin().await;
    let idp = ExternalIdp::start(CLIENT_ID, CLIENT_SECRET, &callback_url(&app), &ACCOUNTS).await;
    let (client, request) = authorization_request(&admin).await;
    World { app, admin, idp, request, client }
}

fn callback_url(app: &TestApp) -> String {
    format!("{}/federation/callback", app.address)
}

async fn sql(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> u64 {
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap().rows_affected()
}

async fn scalar<T: sea_orm::TryGetable>(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> T {
    let row = db.query_one_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap();
    row.unwrap().try_get_by_index(0).unwrap()
}

pub(crate) async fn practice(world: &World, issuer: &str) -> Practice {
    let practice = bare_practice(&world.admin).await;
    configure(world, practice.tenant, issuer).await.unwrap();
    practice
}

async fn bare_practice(admin: &DatabaseConnection) -> Practice {
    let id = Uuid::new_v4();
    let slug = format!("p-{}", &id.simple().to_string()[..12]);
    let insert = "insert into identity.tenants (id, slug, name) values ($1, $2, 'Practice')";
    sql(admin, insert, vec![id.into(), slug.clone().into()]).await;
    Practice { tenant: TenantId::from_uuid(id), slug }
}

async fn configure(world: &World, tenant: TenantId, issuer: &str) -> Result<(), Error> {
    configure_with(world, tenant, issuer, true).await
}

async fn configure_with(world: &World, tenant: TenantId, issuer: &str, allow_loopback: bool) -> Result<(), Error> {
    let db = world.app.db.as_ref().unwrap().connect_as(Service::Identity).await;
    let vault = service_vault(Service::Identity).await;
    let federation = Federation::new(allow_loopback, callback_url(&world.app)).unwrap();
    let config = SsoConfig {
        issuer: issuer.to_owned(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: SecretString::from(CLIENT_SECRET),
        allowed_domains: vec!["clinic.example".to_owned()],
    };
    configure_sso(
        &SsoDeps { db: &db, vault: &vault, federation: &federation, actor: tp_audit_log::Actor::System("test") },
        tenant,
        config,
    )
    .await
}

/// A user (by lower-case email) with a membership of `status` in `tenant`.
pub(crate) async fn member(admin: &DatabaseConnection, tenant: TenantId, email: &str, status: &str) -> Uuid {
    let user: Option<Uuid> =
        scalar(admin, "select max(id::text)::uuid from identity.users where email = $1", vec![email.into()]).await;
    let user = match user {
        Some(user) => user,
        None => {
            let id = Uuid::now_v7();
            sql(admin, "insert into identity.users (id, email) values ($1, $2)", vec![id.into(), email.into()]).await;
            id
        }
    };
    let insert =
        "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, '{clinician}', $3)";
    sql(admin, insert, vec![(*tenant.as_uuid()).into(), user.into(), status.into()]).await;
    user
}

async fn membership_status(admin: &DatabaseConnection, tenant: TenantId, user: Uuid) -> String {
    let query = "select status from identity.memberships where tenant_id = $1 and user_id = $2";
    scalar(admin, query, vec![(*tenant.as_uuid()).into(), user.into()]).await
}

/// An `/authorize` request of a public client, as the authorize endpoint would store it:
/// the client's id and the request's.
async fn authorization_request(admin: &DatabaseConnection) -> (String, Uuid) {
    let client = format!("portal-{}", Uuid::new_v4().simple());
    let insert_client = "insert into identity.oauth_clients \
                         (id, name, kind, secret_hash, grant_types, redirect_uris, session_id) \
                         values ($1, 'Portal', 'public', null, '{authorization_code}', '{http://127.0.0.1:9/cb}', $2)";
    sql(admin, insert_client, vec![client.clone().into(), Uuid::new_v4().into()]).await;
    let id = Uuid::new_v4();
    let insert = "insert into identity.authorization_requests \
                  (id, client_id, redirect_uri, scopes, code_challenge, expires_at) \
                  values ($1, $2, 'http://127.0.0.1:9/cb', '{openid}', $3, now() + interval '10 minutes')";
    let challenge = CodeChallenge::s256(&CodeVerifier::parse(VERIFIER).unwrap());
    sql(admin, insert, vec![id.into(), client.clone().into(), challenge.as_str().into()]).await;
    (client, id)
}

/// Exchanges a code of the world's client at the token endpoint: status and body.
async fn exchange(world: &World, code: &str) -> (u16, serde_json::Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", world.client.as_str()),
        ("code", code),
        ("redirect_uri", APP_REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let response = world
        .app
        .client
        .post(format!("{}/oauth2/token", world.app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&form))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// A browser: its own cookies, redirects not followed.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned()
}

/// Starts a flow for `slug` in `browser` and signs in at the IdP as `login`; returns the
/// callback URL the IdP redirected to (not yet visited).
pub(crate) async fn through_idp(
    world: &World,
    idp: &ExternalIdp,
    browser: &reqwest::Client,
    slug: &str,
    login: &str,
) -> String {
    let start = format!("{}/federation/start?tenant={slug}&request={}", world.app.address, world.request);
    let response = browser.get(start).send().await.unwrap();
    assert_eq!(response.status(), 303, "start: {}", response.text().await.unwrap());
    let callback = idp.sign_in(&location(&response), login).await;
    assert!(callback.starts_with(&callback_url(&world.app)), "{callback}");
    callback
}

/// Status and body of visiting `url` in `browser`.
pub(crate) async fn visit(browser: &reqwest::Client, url: &str) -> (u16, String) {
    let response = browser.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn query_param(url: &str, name: &str) -> String {
    Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).unwrap().1.into_owned()
}

fn without_param(url: &str, name: &str) -> String {
    let mut parsed = Url::parse(url).unwrap();
    let kept: Vec<(String, String)> =
        parsed.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    parsed.query_pairs_mut().clear().extend_pairs(kept);
    parsed.to_string()
}

#[tokio::test]
async fn a_verified_member_signs_in_through_the_practices_idp_and_the_invitation_is_activated() {
    // Arrange
    let world = world().await;
    let practice = practice(&world, world.idp.issuer()).await;
    let alice = member(&world.admin, practice.tenant, "alice@clinic.example", "invited").await;
    let browser = browser();

    // Act
    let callback = through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
    let (status, body) = visit(&browser, &callback).await;

    // Assert: a clinician must still enrol a second factor: SSO is a first factor here.
    assert_eq!(status, 200, "{body}");
    let stage: String = scalar(
        &world.admin,
        "select stage || ':' || array_to_string(amr, ',') from identity.sessions where user_id = $1",
        vec![alice.into()],
    )
    .await;
    assert_eq!(stage, "mfa_enroll:fed", "{body}");
    assert_eq!(membership_status(&world.admin, practice.tenant, alice).await, "active");
    let verified: bool = scalar(
        &world.admin,
        "select email_verified_at is not null and status = 'active' from identity.users where id = $1",
        vec![alice.into()],
    )
    .await;
    assert!(verified, "email not marked verified or account not activated");
}

#[tokio::test]
async fn a_federated_client_without_a_required_second_factor_gets_an_authorization_code() {
    // Arrange
    let world = world().await;
    let practice = practice(&world, world.idp.issuer()).await;
    let alice = member(&world.admin, practice.tenant, "alice@clinic.example", "active").await;
    sql(&world.admin, "update identity.memberships set roles = '{client}' where user_id = $1", vec![alice.into()])
        .await;
    let browser = browser();

    // Act
    let callback = through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
    let response = browser.get(&callback).send().await.unwrap();

    // Assert: straight back to the client app with a code, the session bound to the practice.
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap_or_default());
    let redirect = location(&response);
    assert!(redirect.starts_with("http://127.0.0.1:9/cb?code="), "{redirect}");
    let session: String = scalar(
        &world.admin,
        "select stage || ':' || coalesce(tenant_id::text, '') from identity.sessions where user_id = $1",
        vec![alice.into()],
    )
    .await;
    assert_eq!(session, format!("authenticated:{}", practice.tenant));
    let signed_in = "select count(*) from audit.events where action = 'identity.sign_in.succeeded' and tenant_id = $1";
    let events: i64 = scalar(&world.admin, signed_in, vec![(*practice.tenant.as_uuid()).into()]).await;
    assert_eq!(events, 1, "the practice's admins see the sign-in");
}

/// The SSO sign-in refusals of `tenant` so far: (outcome, reason).
async fn sso_refusals(admin: &DatabaseConnection, tenant: TenantId) -> Vec<(String, String)> {
    let query = "select outcome, details->>'reason' as reason from audit.events \
                 where action = 'identity.sso.sign_in_failed' and tenant_id = $1 order by occurred_at, id";
    let stmt = Statement::from_sql_and_values(DbBackend::Postgres, query, [(*tenant.as_uuid()).into()]);
    let rows = admin.query_all_raw(stmt).await.unwrap();
    rows.iter().map(|r| (r.try_get("", "outcome").unwrap(), r.try_get("", "reason").unwrap())).collect()
}

#[tokio::test]
async fn sso_refuses_accounts_that_belong_to_another_practice_or_the_platform_and_changes_nothing() {
    // Arrange: practice A's admin chose the IdP (it asserts any address) and invited two
    // addresses. alice is a member of practice B; stranger is a platform operator.
    let world = world().await;
    let a = practice(&world, world.idp.issuer()).await;
    let b = bare_practice(&world.admin).await;
    let alice = member(&world.admin, b.tenant, "alice@clinic.example", "active").await;
    member(&world.admin, a.tenant, "alice@clinic.example", "invited").await;
    let stranger = member(&world.admin, a.tenant, "stranger@clinic.example", "invited").await;
    let operator = "update identity.users set platform_role = 'platform_operator' where id = $1";
    sql(&world.admin, operator, vec![stranger.into()]).await;
    let in_b = "update identity.memberships set status = $2 where tenant_id = $1 and user_id = $3";
    // (IdP login, account, alice's membership in B for this attempt)
    let cases = [("alice", alice, "active"), ("alice", alice, "invited"), ("stranger", stranger, "active")];

    for (login, user, status_in_b) in cases {
        sql(&world.admin, in_b, vec![(*b.tenant.as_uuid()).into(), status_in_b.into(), alice.into()]).await;
        let browser = browser();

        // Act
        let callback = through_idp(&world, &world.idp, &browser, &a.slug, login).await;
        let (status, body) = visit(&browser, &callback).await;

        // Assert: refused, no session, neither practice's membership nor the account changed.
        let case = format!("{login} (B: {status_in_b})");
        assert_eq!(status, 403, "{case}: {body}");
        assert!(body.contains("IDENTITY_SSO_ACCOUNT_NOT_EXCLUSIVE"), "{case}: {body}");
        let sessions: i64 =
            scalar(&world.admin, "select count(*) from identity.sessions where user_id = $1", vec![user.into()]).await;
        assert_eq!(sessions, 0, "{case}: a session was created");
        assert_eq!(membership_status(&world.admin, a.tenant, user).await, "invited", "{case}");
        assert_eq!(membership_status(&world.admin, b.tenant, alice).await, status_in_b, "{case}");
        let account: String =
            scalar(&world.admin, "select status from identity.users where id = $1", vec![user.into()]).await;
        assert_eq!(account, "invited", "{case}: the account was activated");
    }
    let denied = ("denied".to_owned(), "IDENTITY_SSO_ACCOUNT_NOT_EXCLUSIVE".to_owned());
    assert_eq!(sso_refusals(&world.admin, a.tenant).await, vec![denied; 3]);

    // A removed membership elsewhere is no membership: alice is A's alone now and signs in.
    sql(&world.admin, in_b, vec![(*b.tenant.as_uuid()).into(), "removed".into(), alice.into()]).await;
    let browser = browser();
    let callback = through_idp(&world, &world.idp, &browser, &a.slug, "alice").await;
    let (status, body) = visit(&browser, &callback).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(membership_status(&world.admin, a.tenant, alice).await, "active");
}

#[tokio::test]
async fn a_federated_session_is_bound_to_its_practice_from_the_start_and_its_code_is_for_that_practice() {
    // Arrange: alice is invited to practice A only, as a clinician (a second factor is owed).
    let world = world().await;
    let a = practice(&world, world.idp.issuer()).await;
    let b = bare_practice(&world.admin).await;
    let alice = member(&world.admin, a.tenant, "alice@clinic.example", "invited").await;
    let browser = browser();
    let address = &world.app.address;

    // Act: A's IdP vouches for her; while she enrols an authenticator she joins B as well.
    let callback = through_idp(&world, &world.idp, &browser, &a.slug, "alice").await;
    let enrol = Page::read(browser.get(&callback).send().await.unwrap()).await;
    let session_at_start: String = scalar(
        &world.admin,
        "select stage || ':' || coalesce(tenant_id::text, '') from identity.sessions where user_id = $1",
        vec![alice.into()],
    )
    .await;
    member(&world.admin, b.tenant, "alice@clinic.example", "active").await;
    let secret = enrol.element("totp-secret");
    let code = totp_code(&secret, 0);
    let mut fields: Vec<(&str, String)> =
        ["csrf", "request", "secret", "otpauth_url"].iter().map(|name| (*name, enrol.hidden(name))).collect();
    fields.push(("code", code));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let enrolled = browser
        .post(format!("{address}/oauth2/mfa/enroll"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&fields))
        .send()
        .await
        .unwrap();
    let codes = Page::read(enrolled).await;
    let continued = format!("{address}/oauth2/authorize/continue?request={}", codes.hidden("request"));
    let done = Page::read(browser.get(continued).send().await.unwrap()).await;

    // Assert: the practice was fixed when the session was created, no chooser was offered,
    // and the token is for A.
    assert_eq!(session_at_start, format!("mfa_enroll:{}", a.tenant), "{}", enrol.body);
    assert_eq!(done.status, 303, "no code, perhaps the practice chooser:\n{}", done.body);
    let (status, tokens) = exchange(&world, &done.redirect_param("code").unwrap()).await;
    assert_eq!(status, 200, "{tokens}");
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(
        (access["tid"].as_str(), &access["roles"]),
        (Some(&*a.tenant.to_string()), &serde_json::json!(["clinician"]))
    );
    // Practice A's admins see one sign-in to A; B's see none.
    let signed_in = "select count(*) from audit.events where action = 'identity.sign_in.succeeded' and tenant_id = $1";
    let in_a: i64 = scalar(&world.admin, signed_in, vec![(*a.tenant.as_uuid()).into()]).await;
    let in_b: i64 = scalar(&world.admin, signed_in, vec![(*b.tenant.as_uuid()).into()]).await;
    assert_eq!((in_a, in_b), (1, 0));
}

#[tokio::test]
async fn configure_sso_keeps_the_secret_in_vault_only_and_remove_sso_destroys_it() {
    // Arrange
    let world = world().await;
    let practice = bare_practice(&world.admin).await;
    let vault = service_vault(Service::Identity).await;
    let path = format!("identity/sso/{}", practice.tenant);

    // Act
    configure(&world, practice.tenant, world.idp.issuer()).await.unwrap();

    // Assert: in Vault, nowhere in the database, not in the view.
    let stored = vault.kv_get(&path).await.unwrap().unwrap();
    assert_eq!(stored["client_secret"], CLIENT_SECRET);
    let dump = "select count(*) from identity.sso_providers p where row_to_json(p)::text like '%' || $1 || '%'";
    let leaked: i64 = scalar(&world.admin, dump, vec![CLIENT_SECRET.into()]).await;
    assert_eq!(leaked, 0, "the client secret is in the database");
    let db = world.app.db.as_ref().unwrap().connect_as(Service::Identity).await;
    let federation = Federation::new(true, callback_url(&world.app)).unwrap();
    let deps = SsoDeps { db: &db, vault: &vault, federation: &federation, actor: tp_audit_log::Actor::System("test") };
    let view = get_sso(&deps, practice.tenant).await.unwrap().unwrap();
    assert_eq!(
        (view.issuer.as_str(), view.allowed_domains.as_slice()),
        (world.idp.issuer(), &["clinic.example".to_owned()][..])
    );
    assert!(!format!("{view:?}").contains(CLIENT_SECRET));

    remove_sso(&deps, practice.tenant).await.unwrap();
    assert_eq!(vault.kv_get(&path).await.unwrap(), None, "the secret survived remove_sso");
    assert_eq!(get_sso(&deps, practice.tenant).await.unwrap(), None);
}

#[tokio::test]
async fn configure_sso_refuses_issuers_that_are_not_https_or_do_not_discover_as_themselves() {
    // Arrange
    let world = world().await;
    let practice = bare_practice(&world.admin).await;
    let port = Url::parse(world.idp.issuer()).unwrap().port().unwrap();
    let cases = [
        ("http outside loopback", "http://idp.clinic.example".to_owned(), true),
        ("loopback http where not allowed", world.idp.issuer().to_owned(), false),
        // The provider calls itself 127.0.0.1: a document for another name is not its own.
        ("discovered issuer differs", format!("http://localhost:{port}"), true),
        ("nothing listening", "http://127.0.0.1:9".to_owned(), true),
    ];

    for (case, issuer, allow_loopback) in cases {
        // Act
        let outcome = configure_with(&world, practice.tenant, &issuer, allow_loopback).await;

        // Assert
        assert!(matches!(outcome, Err(Error::Invalid { field: "issuer", .. })), "{case}: {outcome:?}");
    }
    let vault = service_vault(Service::Identity).await;
    assert_eq!(vault.kv_get(&format!("identity/sso/{}", practice.tenant)).await.unwrap(), None);
}

#[tokio::test]
async fn people_the_practice_did_not_allow_are_refused_and_nothing_changes() {
    // Arrange
    let world = world().await;
    let practice = practice(&world, world.idp.issuer()).await;
    let other = bare_practice(&world.admin).await;
    let mallory = member(&world.admin, practice.tenant, "mallory@elsewhere.example", "invited").await;
    let unverified = member(&world.admin, practice.tenant, "unverified@clinic.example", "invited").await;
    // stranger@clinic.example is invited to another practice only.
    let stranger = member(&world.admin, other.tenant, "stranger@clinic.example", "invited").await;
    let cases = [
        ("mallory", "IDENTITY_SSO_DOMAIN_NOT_ALLOWED", mallory, practice.tenant),
        ("unverified", "IDENTITY_SSO_EMAIL_NOT_VERIFIED", unverified, practice.tenant),
        ("stranger", "IDENTITY_SSO_NO_MEMBERSHIP", stranger, other.tenant),
    ];

    for (login, code, user, tenant) in cases {
        // Act
        let browser = browser();
        let callback = through_idp(&world, &world.idp, &browser, &practice.slug, login).await;
        let (status, body) = visit(&browser, &callback).await;

        // Assert
        assert_eq!(status, 403, "{login}: {body}");
        assert!(body.contains(code), "{login}: {body}");
        assert_eq!(membership_status(&world.admin, tenant, user).await, "invited", "{login}");
    }
}

#[tokio::test]
async fn removed_memberships_and_disabled_accounts_cannot_sign_in() {
    // Arrange
    let world = world().await;
    let practice = practice(&world, world.idp.issuer()).await;
    let alice = member(&world.admin, practice.tenant, "alice@clinic.example", "removed").await;

    for disable in [false, true] {
        if disable {
            let restore = "update identity.memberships set status = 'active' where user_id = $1";
            sql(&world.admin, restore, vec![alice.into()]).await;
            sql(&world.admin, "update identity.users set status = 'disabled' where id = $1", vec![alice.into()]).await;
        }
        let browser = browser();

        // Act
        let callback = through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
        let (status, body) = visit(&browser, &callback).await;

        // Assert
        assert_eq!(status, 403, "disabled: {disable}: {body}");
        assert!(body.contains("IDENTITY_SSO_NO_MEMBERSHIP"), "disabled: {disable}: {body}");
    }
}

#[tokio::test]
async fn a_state_works_once_and_only_in_the_browser_that_started_it() {
    // Arrange
    let world = world().await;
    let practice = practice(&world, world.idp.issuer()).await;
    let alice = member(&world.admin, practice.tenant, "alice@clinic.example", "invited").await;
    let browser = browser();
    let callback = through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
    let state = query_param(&callback, "state");
    // A browser holding a cookie of its choosing (an attacker replaying a captured URL).
    let replayer = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    let with_cookie = |cookie: &str| replayer.get(&callback).header("cookie", format!("{STATE_COOKIE}={cookie}"));

    // Act: another browser (no cookie), a tampered cookie, then the genuine one, then a replay.
    let (other_browser, other_body) = visit(&replayer, &callback).await;
    let tampered = with_cookie(&format!("{state}x")).send().await.unwrap().status();
    let membership_before = membership_status(&world.admin, practice.tenant, alice).await;
    let (genuine, genuine_body) = visit(&browser, &callback).await;
    let replay = with_cookie(&state).send().await.unwrap();

    // Assert
    assert_eq!(other_browser, 400, "{other_body}");
    assert!(other_body.contains("IDENTITY_SSO_INVALID_STATE"), "{other_body}");
    assert_eq!(tampered, 400);
    assert_eq!(membership_before, "invited", "a refused callback changed the membership");
    assert_eq!(genuine, 200, "{genuine_body}");
    assert_eq!(replay.status(), 400);
    assert!(replay.text().await.unwrap().contains("IDENTITY_SSO_INVALID_STATE"));
}

#[tokio::test]
async fn unknown_and_expired_states_are_refused() {
    // Arrange
    let world = world().await;
    let practice = practice(&world, world.idp.issuer()).await;
    member(&world.admin, practice.tenant, "alice@clinic.example", "invited").await;
    let client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    let browser = browser();
    let callback = through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
    sql(&world.admin, "update identity.federation_states set expires_at = now() - interval '1 second'", vec![]).await;
    let unknown = format!("{}?code=abc&state=forged-state", callback_url(&world.app));

    // Act
    let forged = client.get(&unknown).header("cookie", format!("{STATE_COOKIE}=forged-state")).send().await.unwrap();
    let (expired, body) = visit(&browser, &callback).await;

    // Assert
    assert_eq!(forged.status(), 400);
    assert!(forged.text().await.unwrap().contains("IDENTITY_SSO_INVALID_STATE"));
    assert_eq!(expired, 400, "{body}");
    assert!(body.contains("IDENTITY_SSO_INVALID_STATE"), "{body}");
}

#[tokio::test]
async fn a_code_from_another_practices_flow_is_refused_under_this_practices_state() {
    // Arrange: practice B has its own IdP; alice is known to both IdPs and invited to A.
    let world = world().await;
    let practice_a = practice(&world, world.idp.issuer()).await;
    let idp_b = ExternalIdp::start(CLIENT_ID, CLIENT_SECRET, &callback_url(&world.app), &ACCOUNTS).await;
    let practice_b = practice(&world, idp_b.issuer()).await;
    let alice = member(&world.admin, practice_a.tenant, "alice@clinic.example", "invited").await;
    let browser = browser();
    let start_a =
        format!("{}/federation/start?tenant={}&request={}", world.app.address, practice_a.slug, world.request);
    let response = browser.get(start_a).send().await.unwrap();
    let state_a = query_param(&location(&response), "state");
    let other_browser = self::browser();
    let callback_b = through_idp(&world, &idp_b, &other_browser, &practice_b.slug, "alice").await;
    let code_b = query_param(&callback_b, "code");

    // Act: B's code delivered with A's state, in the browser that started A's flow.
    let mixed = format!("{}?code={code_b}&state={state_a}", callback_url(&world.app));
    let (status, body) = visit(&browser, &mixed).await;

    // Assert
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("IDENTITY_SSO_EXCHANGE_REJECTED"), "{body}");
    assert_eq!(membership_status(&world.admin, practice_a.tenant, alice).await, "invited");
}

#[tokio::test]
async fn a_provider_answering_under_another_issuer_is_refused() {
    // Arrange: discovery claims an issuer the provider's responses and ID tokens do not carry.
    let world = world().await;
    let practice = practice(&world, &world.idp.mismatched_issuer()).await;
    let alice = member(&world.admin, practice.tenant, "alice@clinic.example", "invited").await;

    // Act: once as the provider answers (with `iss`), once with `iss` stripped, which leaves
    // the ID token's own issuer to catch it.
    let browser = browser();
    let callback = through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
    let (with_iss, with_iss_body) = visit(&browser, &callback).await;
    let browser = self::browser();
    let callback = through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
    let (without_iss, without_iss_body) = visit(&browser, &without_param(&callback, "iss")).await;

    // Assert
    assert_eq!(with_iss, 401, "{with_iss_body}");
    assert!(with_iss_body.contains("IDENTITY_SSO_ISSUER_MISMATCH"), "{with_iss_body}");
    assert_eq!(without_iss, 401, "{without_iss_body}");
    assert!(without_iss_body.contains("IDENTITY_SSO_ID_TOKEN_INVALID"), "{without_iss_body}");
    assert_eq!(membership_status(&world.admin, practice.tenant, alice).await, "invited");
}

#[tokio::test]
async fn start_refuses_unknown_suspended_or_unconfigured_practices_and_stale_requests() {
    // Arrange
    let world = world().await;
    let configured = practice(&world, world.idp.issuer()).await;
    let suspended = practice(&world, world.idp.issuer()).await;
    sql(
        &world.admin,
        "update identity.tenants set status = 'suspended' where id = $1",
        vec![(*suspended.tenant.as_uuid()).into()],
    )
    .await;
    let unconfigured = bare_practice(&world.admin).await;
    let request = world.request.to_string();
    let cases = [
        ("no-such-practice", request.as_str(), 404, "IDENTITY_SSO_UNKNOWN_PRACTICE"),
        (suspended.slug.as_str(), request.as_str(), 404, "IDENTITY_SSO_UNKNOWN_PRACTICE"),
        (unconfigured.slug.as_str(), request.as_str(), 404, "IDENTITY_SSO_NOT_ENABLED"),
        (configured.slug.as_str(), "00000000-0000-0000-0000-000000000000", 400, "IDENTITY_SSO_REQUEST_EXPIRED"),
        (configured.slug.as_str(), "not-a-uuid", 400, "IDENTITY_SSO_REQUEST_EXPIRED"),
    ];

    for (slug, request, expected, code) in cases {
        // Act
        let (status, body) =
            visit(&browser(), &format!("{}/federation/start?tenant={slug}&request={request}", world.app.address)).await;

        // Assert
        assert_eq!(status, expected, "{slug}/{request}: {body}");
        assert!(body.contains(code), "{slug}/{request}: {body}");
    }
}

#[tokio::test]
async fn another_tenant_cannot_read_or_change_a_practices_sso_configuration() {
    // Arrange
    let world = world().await;
    let a = practice(&world, world.idp.issuer()).await;
    let b = bare_practice(&world.admin).await;
    let db = world.app.db.as_ref().unwrap().connect_as(Service::Identity).await;

    // Act: as identity's own role, in a transaction bound to tenant B.
    let tx = tp_db::TenantTx::begin(&db, b.tenant).await.unwrap();
    let seen = tx
        .query_all_raw(Statement::from_string(DbBackend::Postgres, "select * from identity.sso_providers"))
        .await
        .unwrap();
    let changed = tx
        .execute_raw(Statement::from_string(DbBackend::Postgres, "update identity.sso_providers set enabled = false"))
        .await
        .unwrap()
        .rows_affected();
    tx.commit().await.unwrap();

    // Assert
    assert!(seen.is_empty(), "tenant B read {} SSO rows", seen.len());
    assert_eq!(changed, 0);
    let enabled: bool = scalar(
        &world.admin,
        "select enabled from identity.sso_providers where tenant_id = $1",
        vec![(*a.tenant.as_uuid()).into()],
    )
    .await;
    assert!(enabled);
    let vault = service_vault(Service::Identity).await;
    let federation = Federation::new(true, callback_url(&world.app)).unwrap();
    let deps = SsoDeps { db: &db, vault: &vault, federation: &federation, actor: tp_audit_log::Actor::System("test") };
    assert_eq!(get_sso(&deps, b.tenant).await.unwrap(), None);
    assert!(get_sso(&deps, a.tenant).await.unwrap().is_some());
}
