//! A running identity with a first-party client, people with passwords in practices, and a
//! [`Browser`]: a cookie-keeping HTTP client that does not follow redirects, so every hop
//! of the sign-in is visible to the test.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, Value as SqlValue};
use secrecy::SecretString;
use serde_json::{Value, json};
use totp_rs::{Builder, Secret};
use tp_identity::Identity;
use tp_identity::domain::email::Email;
use tp_identity::domain::password::{self, NewPassword};
use tp_identity::domain::pkce::{CodeChallenge, CodeVerifier};
use tp_identity::state::AppState;
use tp_ids::{SessionId, TenantId, UserId};
use tp_testkit::TestEnv;
use tp_testkit::app::{TestApp, settings_with, spawn_app_with};
use url::Url;

pub const PORTAL: &str = "portal";
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const REDIRECT_WITH_QUERY: &str = "http://127.0.0.1:9/callback?app=practice";
pub const POST_LOGOUT: &str = "http://127.0.0.1:9/signed-out";
pub const PASSWORD: &str = "violet tractor sings under quiet glaciers";
pub const VERIFIER: &str = "a-verifier-of-43-or-more-unreserved-chars.~_0123";
pub const STATE: &str = "st-8c1f";
pub const NONCE: &str = "n-0S6_WzA2Mj";

pub fn portal_clients() -> Value {
    json!([{
        "id": PORTAL,
        "name": "Portal",
        "redirect_uris": [REDIRECT, REDIRECT_WITH_QUERY],
        "post_logout_redirect_uris": [POST_LOGOUT],
    }])
}

pub struct SignInApp {
    pub app: TestApp,
    /// The service's state, for account functions the tests arrange with (TOTP enrolment).
    pub state: AppState,
    /// Superuser: arranging rows and bending time.
    pub admin: DatabaseConnection,
}

pub async fn spawn() -> SignInApp {
    let app =
        spawn_app_with::<Identity>(|figment| figment.merge(("identity.first_party_clients", portal_clients()))).await;
    let address = app.address.clone();
    let settings = settings_with::<Identity>(app.db.as_ref(), |figment| {
        figment.merge(("identity.first_party_clients", portal_clients())).merge(("identity.issuer", address))
    });
    let deps = tp_server::Deps::connect(&settings).await.unwrap();
    let state = Identity::state(deps, &settings).await.unwrap();
    let admin = app.db.as_ref().unwrap().connect_admin().await;
    SignInApp { app, state, admin }
}

impl SignInApp {
    pub async fn sql(&self, sql: &str, values: Vec<SqlValue>) -> Vec<QueryResult> {
        self.admin.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap()
    }

    pub async fn count(&self, sql: &str, values: Vec<SqlValue>) -> i64 {
        self.sql(sql, values).await[0].try_get_by_index(0).unwrap()
    }

    pub async fn tenant(&self, name: &str) -> TenantId {
        let tenant = TenantId::generate();
        let slug = format!("t-{}", tenant.as_uuid().simple());
        let sql = "insert into identity.tenants (id, slug, name) values ($1, $2, $3)";
        self.sql(sql, vec![(*tenant.as_uuid()).into(), slug.into(), name.into()]).await;
        tenant
    }

    /// An active account with [`PASSWORD`] and an active membership with `roles` in each
    /// of `practices`.
    pub async fn person(&self, address: &str, practices: &[(TenantId, &[&str])]) -> UserId {
        let email = Email::parse(address).unwrap();
        let hash = password::hash(NewPassword::parse(SecretString::from(PASSWORD), &email).unwrap()).await.unwrap();
        let user = UserId::generate();
        let sql = "insert into identity.users (id, email, password_hash, status, email_verified_at, display_name) \
                   values ($1, $2, $3, 'active', now(), 'Test Person')";
        self.sql(sql, vec![(*user.as_uuid()).into(), address.into(), hash.as_str().into()]).await;
        for (tenant, roles) in practices {
            let roles: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
            let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) \
                       values ($1, $2, $3, 'active')";
            self.sql(sql, vec![(*tenant.as_uuid()).into(), (*user.as_uuid()).into(), roles.into()]).await;
        }
        user
    }

    /// Sets up an authenticator for `user` through the accounts functions; its base32 secret.
    pub async fn enrol_totp(&self, user: UserId) -> String {
        let enrollment = tp_identity::accounts::begin_totp_enrollment(&self.state, user).await.unwrap();
        let secret = enrollment.secret_base32.to_string();
        tp_identity::accounts::confirm_totp_enrollment(&self.state, user, &totp_code(&secret, 0)).await.unwrap();
        secret
    }

    /// (session id, stage, tenant) of the person's newest session.
    pub async fn latest_session(&self, user: UserId) -> (SessionId, String, Option<uuid::Uuid>) {
        let sql =
            "select id, stage, tenant_id from identity.sessions where user_id = $1 order by created_at desc limit 1";
        let row = self.sql(sql, vec![(*user.as_uuid()).into()]).await.into_iter().next().expect("a session");
        let id = SessionId::from_uuid(row.try_get("", "id").unwrap());
        (id, row.try_get("", "stage").unwrap(), row.try_get("", "tenant_id").unwrap())
    }

    pub async fn codes_issued(&self) -> i64 {
        self.count("select count(*) from identity.authorization_codes", vec![]).await
    }

    pub async fn is_sid_revoked(&self, sid: SessionId) -> bool {
        let client = redis::Client::open(TestEnv::get().redis_url()).unwrap();
        let mut redis = client.get_multiplexed_async_connection().await.unwrap();
        let key = format!("{}{sid}", tp_auth::REVOKED_SESSION_PREFIX);
        redis::cmd("EXISTS").arg(key).query_async::<bool>(&mut redis).await.unwrap()
    }

    pub fn browser(&self) -> Browser {
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { client, base: self.app.address.clone() }
    }

    /// POSTs a form to the token endpoint as the portal (a public client).
    pub async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .app
            .client
            .post(format!("{}/oauth2/token", self.app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(form))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    pub async fn exchange(&self, code: &str, redirect_uri: &str) -> (u16, Value) {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", PORTAL),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", VERIFIER),
        ];
        self.token(&form).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> (u16, Value) {
        self.token(&[("grant_type", "refresh_token"), ("client_id", PORTAL), ("refresh_token", refresh_token)]).await
    }
}

/// The TOTP code `offset_secs` from now.
pub fn totp_code(secret_base32: &str, offset_secs: i64) -> String {
    let secret = Secret::try_from_base32(secret_base32).unwrap();
    let now = u64::try_from(chrono::Utc::now().timestamp() + offset_secs).unwrap();
    Builder::new().with_secret(secret).build().unwrap().generate(now).to_string()
}

pub fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// The claims of a JWT, unverified (the token tests verify signatures; here we read).
pub fn claims(token: &str) -> Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The standard authorize query of the portal with `changes` applied (`None` removes).
pub fn authorize_query(changes: &[(&str, Option<&str>)]) -> String {
    let challenge = CodeChallenge::s256(&CodeVerifier::parse(VERIFIER).unwrap());
    let mut params: Vec<(String, String)> = [
        ("client_id", PORTAL),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid email profile"),
        ("state", STATE),
        ("nonce", NONCE),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (name, value) in changes {
        params.retain(|(k, _)| k != name);
        if let Some(value) = value {
            params.push(((*name).to_owned(), (*value).to_owned()));
        }
    }
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish()
}

/// A browser: keeps cookies, never follows redirects.
pub struct Browser {
    pub client: reqwest::Client,
    base: String,
}

impl Browser {
    pub async fn get(&self, path_and_query: &str) -> Page {
        Page::read(self.client.get(format!("{}{path_and_query}", self.base)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields));
        Page::read(request.send().await.unwrap()).await
    }

    pub async fn authorize(&self, changes: &[(&str, Option<&str>)]) -> Page {
        self.get(&format!("/oauth2/authorize?{}", authorize_query(changes))).await
    }

    /// Fills in the sign-in form of `page` and posts it.
    pub async fn sign_in(&self, page: &Page, address: &str, password: &str) -> Page {
        let (csrf, request) = (page.hidden("csrf"), page.hidden("request"));
        self.post(
            "/oauth2/login",
            &[("csrf", &csrf), ("request", &request), ("email", address), ("password", password)],
        )
        .await
    }

    /// Posts `code` to the second-factor form of `page`.
    pub async fn second_factor(&self, page: &Page, code: &str) -> Page {
        let (csrf, request) = (page.hidden("csrf"), page.hidden("request"));
        self.post("/oauth2/mfa", &[("csrf", &csrf), ("request", &request), ("code", code)]).await
    }

    /// Posts `code` to the enrolment form of `page` (with the key it showed).
    pub async fn enrol(&self, page: &Page, code: &str) -> Page {
        let fields = ["csrf", "request", "secret", "otpauth_url"].map(|name| (name, page.hidden(name)));
        let mut fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fields.push(("code", code));
        self.post("/oauth2/mfa/enroll", &fields).await
    }

    /// Authorize, then sign in: the response to the password form.
    pub async fn authorize_and_sign_in(&self, address: &str) -> Page {
        let page = self.authorize(&[]).await;
        assert_eq!(page.status, 200, "sign-in page: {}", page.body);
        self.sign_in(&page, address, PASSWORD).await
    }
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

impl Page {
    pub async fn read(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers();
        let location = headers.get("location").map(|v| v.to_str().unwrap().to_owned());
        let set_cookie = headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        Page { status, location, set_cookie, body: response.text().await.unwrap() }
    }

    /// The value of the hidden input `name` (the first one).
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no hidden {name} in:\n{}", self.body)) + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }

    /// The text of the element with `id`.
    pub fn element(&self, id: &str) -> String {
        let marker = format!("id=\"{id}\">");
        let start = self.body.find(&marker).unwrap_or_else(|| panic!("no #{id} in:\n{}", self.body)) + marker.len();
        let end = self.body[start..].find('<').unwrap() + start;
        self.body[start..end].to_owned()
    }

    /// The `Set-Cookie` header for `name`, if this response set it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookie.iter().find(|c| c.starts_with(&format!("{name}="))).map(String::as_str)
    }

    /// A query parameter of the redirect this page is.
    pub fn redirect_param(&self, name: &str) -> Option<String> {
        let location = Url::parse(self.location.as_deref()?).unwrap();
        location.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    /// The code of a successful redirect to `redirect_uri`, or a failure showing the page.
    pub fn code(&self) -> String {
        assert_eq!(self.status, 303, "expected a code redirect, got:\n{}", self.body);
        assert_eq!(self.redirect_param("state").as_deref(), Some(STATE), "{:?}", self.location);
        self.redirect_param("code").unwrap_or_else(|| panic!("no code in {:?}", self.location))
    }

    pub fn is_sign_in_page(&self) -> bool {
        self.status == 200 && self.body.contains("action=\"/oauth2/login\"")
    }

    pub fn is_second_factor_page(&self) -> bool {
        self.body.contains("action=\"/oauth2/mfa\"")
    }
}
