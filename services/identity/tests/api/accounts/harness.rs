//! A running identity with an SMTP sink, a state for direct calls, admin SQL, and the few
//! HTTP steps the link pages need (read the form, post it with the CSRF cookie).

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use secrecy::SecretString;
use tp_auth::Role;
use tp_identity::Identity;
use tp_identity::domain::email::Email;
use tp_identity::domain::password::{self, NewPassword};
use tp_identity::state::AppState;
use tp_ids::{TenantId, UserId};
use tp_testkit::app::{TestApp, settings_with, spawn_app_with};
use tp_testkit::smtp::{ReceivedMessage, SmtpSink};

use crate::oauth_fixtures::{OPERATOR_ID, OPERATOR_SECRET, form_body};

pub const MAIL_WAIT: Duration = Duration::from_secs(15);
pub const GOOD_PASSWORD: &str = "violet tractor sings under quiet glaciers";

pub struct AccountsApp {
    pub app: TestApp,
    pub smtp: SmtpSink,
    /// The service's state, for account functions that have no page yet.
    pub state: AppState,
    pub admin: DatabaseConnection,
}

pub async fn spawn() -> AccountsApp {
    let smtp = SmtpSink::start().await;
    let port = smtp.port();
    // The operator client lets tests drive the admin API's invitations over HTTP.
    let operator = serde_json::json!({ "id": OPERATOR_ID, "secret": OPERATOR_SECRET });
    let app = spawn_app_with::<Identity>(|figment| {
        figment.merge(("identity.smtp.port", port)).merge(("identity.operator_client", operator))
    })
    .await;
    let address = app.address.clone();
    let settings = settings_with::<Identity>(app.db.as_ref(), |figment| {
        figment.merge(("identity.smtp.port", port)).merge(("identity.issuer", address))
    });
    let deps = tp_server::Deps::connect(&settings).await.unwrap();
    let state = Identity::state(deps, &settings).await.unwrap();
    let admin = app.db.as_ref().unwrap().connect_admin().await;
    AccountsApp { app, smtp, state, admin }
}

pub fn email(address: &str) -> Email {
    Email::parse(address).unwrap()
}

impl AccountsApp {
    pub async fn sql(&self, sql: &str, values: Vec<Value>) -> Vec<sea_orm::QueryResult> {
        self.admin.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap()
    }

    pub async fn create_tenant(&self, name: &str) -> TenantId {
        let id = TenantId::generate();
        let slug = format!("t-{}", uuid::Uuid::new_v4().simple());
        let sql = "insert into identity.tenants (id, slug, name) values ($1, $2, $3)";
        self.sql(sql, vec![(*id.as_uuid()).into(), slug.into(), name.into()]).await;
        id
    }

    /// An active account with `password`, created directly (not through an invitation).
    pub async fn create_active_user(&self, address: &str, password: &str) -> UserId {
        let new = NewPassword::parse(SecretString::from(password), &email(address)).unwrap();
        let hash = password::hash(new).await.unwrap();
        let id = UserId::generate();
        let sql = "insert into identity.users (id, email, password_hash, status, email_verified_at) \
                   values ($1, $2, $3, 'active', now())";
        self.sql(sql, vec![(*id.as_uuid()).into(), address.into(), hash.as_str().into()]).await;
        id
    }

    pub async fn user_row(&self, address: &str) -> sea_orm::QueryResult {
        let sql = "select id, status, password_hash, email_verified_at is not null as verified, failed_logins, \
                   locked_until from identity.users where email = $1";
        self.sql(sql, vec![address.into()]).await.into_iter().next().expect("user exists")
    }

    /// (tenant, status, roles) of every membership of the account, across tenants.
    pub async fn memberships(&self, address: &str) -> Vec<(uuid::Uuid, String, Vec<String>)> {
        let sql = "select m.tenant_id, m.status, m.roles from identity.memberships m \
                   join identity.users u on u.id = m.user_id where u.email = $1 order by m.tenant_id";
        self.sql(sql, vec![address.into()])
            .await
            .iter()
            .map(|r| {
                (r.try_get("", "tenant_id").unwrap(), r.try_get("", "status").unwrap(), r.try_get("", "roles").unwrap())
            })
            .collect()
    }

    /// Invites through the library (the admin API is not built yet) and returns the email.
    pub async fn invite(&self, tenant: TenantId, address: &str, roles: &[Role]) -> ReceivedMessage {
        let before = self.smtp.messages_to(address).len();
        tp_identity::accounts::invite(&self.state, tenant, &email(address), roles, tp_audit_log::Actor::System("test"))
            .await
            .unwrap();
        self.smtp.wait_for_nth_message(address, before + 1, MAIL_WAIT).await
    }

    /// (outcome, `reason` detail) of every audit event of `action`, oldest first.
    pub async fn audit_reasons(&self, action: tp_audit_log::Action) -> Vec<(String, String)> {
        let sql = "select outcome, coalesce(details->>'reason', '') as reason from audit.events \
                   where action = $1 order by occurred_at, id";
        let rows = self.sql(sql, vec![action.as_str().into()]).await;
        rows.iter().map(|r| (r.try_get("", "outcome").unwrap(), r.try_get("", "reason").unwrap())).collect()
    }

    /// An access token of the platform operator's client (client credentials).
    pub async fn operator_token(&self) -> String {
        let response = self
            .app
            .client
            .post(format!("{}/oauth2/token", self.app.address))
            .basic_auth(OPERATOR_ID, Some(OPERATOR_SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[("grant_type", "client_credentials")]))
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = response.json().await.unwrap();
        body.get("access_token")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_else(|| panic!("no token: {body}"))
            .to_owned()
    }

    /// POSTs an invitation to the admin API as `token`: the status and the JSON answer.
    pub async fn invite_over_api(
        &self,
        token: &str,
        tenant: TenantId,
        address: &str,
        roles: &[&str],
    ) -> (u16, serde_json::Value) {
        let body = serde_json::json!({ "email": address, "roles": roles });
        let url = format!("{}/v1/tenants/{tenant}/invites", self.app.address);
        let response = self.app.client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// The path and query of the first link to `path` in `message`.
    pub fn link(&self, message: &ReceivedMessage, path: &str) -> String {
        let prefix = format!("{}{path}?token=", self.app.address);
        let link = message.first_link(&prefix).unwrap_or_else(|| panic!("no {path} link in:\n{}", message.data));
        link.strip_prefix(&self.app.address).unwrap().to_owned()
    }

    /// GET a page: its status, the `tp_csrf` cookie it set, and its body.
    pub async fn get_page(&self, path_and_query: &str) -> Page {
        let response = self.app.client.get(format!("{}{path_and_query}", self.app.address)).send().await.unwrap();
        Page::read(response).await
    }

    /// POST a form with an optional `tp_csrf` cookie.
    pub async fn post_form(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut request = self
            .app
            .client
            .post(format!("{}{path}", self.app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("tp_csrf={cookie}"));
        }
        Page::read(request.send().await.unwrap()).await
    }
}

pub struct Page {
    pub status: u16,
    pub csrf_cookie: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

impl Page {
    async fn read(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let set_cookie: Vec<String> =
            response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let csrf_cookie = set_cookie
            .iter()
            .find_map(|c| c.strip_prefix("tp_csrf=").map(|rest| rest.split(';').next().unwrap().to_owned()));
        Page { status, csrf_cookie, set_cookie, body: response.text().await.unwrap() }
    }

    /// The value of the hidden input `name`.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no hidden {name} in:\n{}", self.body)) + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}
