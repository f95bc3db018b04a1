//! A small client of identity's admin API for `telehealthctl`, authenticated as the
//! platform-operator client (client credentials).
//!
//! Settings (`operator.*`): `APP__OPERATOR__IDENTITY_URL` (default `http://127.0.0.1:8081`),
//! `APP__OPERATOR__CLIENT_ID`, `APP__OPERATOR__CLIENT_SECRET` (generated into `.dev/` in
//! development; `infra/dev/with-service-env <profile> ctl` exports them).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::CtlError;

#[derive(Deserialize)]
struct Settings {
    operator: OperatorSettings,
}

#[derive(Deserialize)]
struct OperatorSettings {
    #[serde(default = "default_identity_url")]
    identity_url: String,
    client_id: String,
    client_secret: SecretString,
}

fn default_identity_url() -> String {
    "http://127.0.0.1:8081".into()
}

/// An authenticated session against identity's admin API.
pub struct IdentityClient {
    http: reqwest::Client,
    base: String,
    token: SecretString,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
}

#[derive(Deserialize)]
struct ApiError {
    error: ApiErrorDetail,
}

#[derive(Deserialize)]
struct ApiErrorDetail {
    kind: String,
    message: String,
}

impl IdentityClient {
    /// Reads the operator settings and obtains an access token.
    pub async fn connect(identity_url: Option<String>) -> Result<Self, CtlError> {
        let settings: Settings = tp_config::load().map_err(|e| CtlError::Config(e.to_string()))?;
        let operator = settings.operator;
        let base = identity_url.unwrap_or(operator.identity_url).trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| CtlError::Unreachable(format!("cannot build an HTTP client: {e}")))?;
        let response = http
            .post(format!("{base}/oauth2/token"))
            .basic_auth(&operator.client_id, Some(operator.client_secret.expose_secret()))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|e| CtlError::Unreachable(format!("identity at {base}: {}", tp_errors::error_chain(&e))))?;
        if !response.status().is_success() {
            return Err(CtlError::Api(format!(
                "identity refused the operator credentials ({}); check APP__OPERATOR__CLIENT_ID/SECRET",
                response.status()
            )));
        }
        let token: TokenResponse =
            response.json().await.map_err(|_| CtlError::Api("identity sent an unreadable token response".into()))?;
        Ok(Self { http, base, token: token.access_token })
    }

    /// Sends a JSON request to `path` and decodes the answer.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, CtlError> {
        self.call_service("identity", &self.base, method, path, body).await
    }

    /// Sends a JSON request to another service at `base` (audit) with the same operator
    /// token, and decodes the answer; `service` names it in messages.
    pub async fn call_service<T: DeserializeOwned>(
        &self,
        service: &str,
        base: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, CtlError> {
        let mut request = self.http.request(method, format!("{base}{path}")).bearer_auth(self.token.expose_secret());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| CtlError::Unreachable(format!("{service} at {base}: {}", tp_errors::error_chain(&e))))?;
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(|_| CtlError::Api(format!("{service} sent an unreadable answer")));
        }
        let message = match response.json::<ApiError>().await {
            Ok(e) => format!("{} ({})", e.error.message, e.error.kind),
            Err(_) => status.to_string(),
        };
        Err(match status {
            StatusCode::BAD_REQUEST => CtlError::BadInput(message),
            _ => CtlError::Api(message),
        })
    }

    /// Accepts an invitation link as a browser would: opens the page (which sets the CSRF
    /// cookie), then posts the password form with that cookie and the page's hidden fields.
    pub async fn accept_invite(&self, link: &str, password: &str) -> Result<(), CtlError> {
        let unreachable =
            |e: reqwest::Error| CtlError::Unreachable(format!("identity: {}", tp_errors::error_chain(&e)));
        let page = self.http.get(link).send().await.map_err(unreachable)?;
        let cookie = page
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("tp_csrf="))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
            .ok_or_else(|| CtlError::Api("the invitation page set no CSRF cookie".into()))?;
        let html = page.text().await.map_err(unreachable)?;
        let field = |name: &str| {
            hidden_value(&html, name).ok_or_else(|| CtlError::Api(format!("the invitation page has no {name} field")))
        };
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf", &field("csrf")?)
            .append_pair("token", &field("token")?)
            .append_pair("password", password)
            .append_pair("password_confirm", password)
            .finish();
        let response = self
            .http
            .post(format!("{}/account/accept-invite", self.base))
            .header(reqwest::header::COOKIE, cookie)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(unreachable)?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(CtlError::Api(format!("accepting the invitation failed ({})", response.status())))
        }
    }

    /// Accepts a tenant id or slug and returns the id.
    pub async fn resolve_tenant(&self, id_or_slug: &str) -> Result<String, CtlError> {
        if tp_ids::TenantId::parse(id_or_slug).is_ok() {
            return Ok(id_or_slug.to_owned());
        }
        let list: Value = self.call(Method::GET, "/v1/tenants", None).await?;
        let tenants = list.get("tenants").and_then(Value::as_array).cloned().unwrap_or_default();
        tenants
            .iter()
            .find(|t| t.get("slug").and_then(Value::as_str) == Some(id_or_slug))
            .and_then(|t| t.get("id").and_then(Value::as_str).map(str::to_owned))
            .ok_or_else(|| CtlError::BadInput(format!("no tenant with slug {id_or_slug}")))
    }
}

/// The value of `<input type="hidden" name="{name}" value="…">` in identity's own pages.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html.get(start..)?.find('"')? + start;
    html.get(start..end).map(|v| v.replace("&amp;", "&"))
}
