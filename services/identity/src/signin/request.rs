//! Validating an `/oauth2/authorize` request (RFC 6749 4.1.1, OpenID Connect Core 3.1.2.1,
//! RFC 7636) and building the redirects back to the client.
//!
//! The order is the security property: until the client and its redirect_uri are known to
//! match exactly, every fault is shown on our own error page and nothing is redirected
//! (an unchecked redirect_uri is an open redirect). After that, faults go back to the
//! client as `error` redirects with its `state`, as the RFC requires.
//!
//! Not here: sessions and what happens after validation (`signin::flow`).

use sea_orm::DatabaseConnection;
use tp_ids::ClientId;
use url::Url;

use crate::db::clients::{self, ClientRow};
use crate::domain::pkce::{CodeChallenge, PkceError};
use crate::domain::redirect_uri;
use crate::domain::scope::{self, ScopeSet};
use crate::error::Error;
use crate::oauth::params::Params;

/// Longest `state` and `nonce` we store; real clients send 32-64 characters.
const MAX_OPAQUE_LEN: usize = 1024;

/// The `prompt` parameter, reduced to what changes our behaviour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Prompt {
    /// Never show a page: a code from the existing session, or `login_required`.
    pub none: bool,
    /// Sign in again even with a live session. `select_account` means the same here: a
    /// session is bound to one practice, so choosing another one is a fresh sign-in.
    pub login: bool,
}

impl Prompt {
    /// `None` for unknown values and for `none` combined with another value (Core 3.1.2.1).
    pub(crate) fn parse(value: Option<&str>) -> Option<Self> {
        let mut prompt = Prompt::default();
        let Some(value) = value else { return Some(prompt) };
        for item in value.split(' ') {
            match item {
                "none" => prompt.none = true,
                "login" | "select_account" => prompt.login = true,
                // First-party apps only: there is no consent screen to show.
                "consent" => {}
                _ => return None,
            }
        }
        let several = value.split(' ').count() > 1;
        if prompt.none && several { None } else { Some(prompt) }
    }
}

/// A request whose client, redirect_uri, scopes and PKCE challenge were all accepted.
#[derive(Debug)]
pub(crate) struct AuthorizeRequest {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub scopes: ScopeSet,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub challenge: CodeChallenge,
    pub prompt: Prompt,
    /// Seconds; with `prompt=login` this is 0 (a sign-in newer than the request).
    pub min_auth_age_secs: Option<i64>,
}

/// An `error` redirect to a redirect_uri that was checked against the client's.
#[derive(Debug)]
pub(crate) struct ErrorRedirect {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub error: &'static str,
    pub description: &'static str,
}

impl ErrorRedirect {
    pub(crate) fn location(&self) -> Option<String> {
        let mut params = vec![("error", self.error), ("error_description", self.description)];
        if let Some(state) = &self.state {
            params.push(("state", state));
        }
        redirect_location(&self.redirect_uri, &params)
    }
}

/// Why a request was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The client or redirect_uri cannot be trusted: shown on our page, never redirected.
    Page(&'static str),
    Redirect(ErrorRedirect),
    Internal(Error),
}

/// `redirect_uri` with `params` appended to its query, keeping the query it was registered
/// with (RFC 6749 3.1.2). `None` only if the stored URI does not parse, which registration
/// prevents.
pub(crate) fn redirect_location(redirect_uri: &str, params: &[(&str, &str)]) -> Option<String> {
    let mut url = Url::parse(redirect_uri).ok()?;
    url.query_pairs_mut().extend_pairs(params);
    Some(url.into())
}

/// The client and the exact redirect_uri, or the page saying why they cannot be trusted.
async fn trusted_client(db: &DatabaseConnection, params: &Params) -> Result<(ClientRow, String), Refusal> {
    let client_id = params
        .get("client_id")
        .and_then(|id| ClientId::parse(id).ok())
        .ok_or(Refusal::Page("The application is not known."))?;
    let client = clients::find(db, &client_id).await.map_err(|e| Refusal::Internal(e.into()))?;
    let client = client
        .filter(|c| !c.disabled && c.grant_types.iter().any(|g| g == "authorization_code"))
        .ok_or(Refusal::Page("The application is not known."))?;
    let redirect_uri = params
        .get("redirect_uri")
        .filter(|uri| redirect_uri::is_registered(&client.redirect_uris, uri))
        .ok_or(Refusal::Page("The application sent an address that is not registered for it."))?
        .to_owned();
    Ok((client, redirect_uri))
}

pub(crate) async fn validate(db: &DatabaseConnection, query: &str) -> Result<AuthorizeRequest, Refusal> {
    let params = Params::parse(query.as_bytes()).map_err(|_| Refusal::Page("A parameter was sent twice."))?;
    let (client, redirect_uri) = trusted_client(db, &params).await?;
    let state = params.get("state").map(str::to_owned);
    let refuse = |error, description| {
        Refusal::Redirect(ErrorRedirect {
            redirect_uri: redirect_uri.clone(),
            state: state.clone(),
            error,
            description,
        })
    };
    if state.as_ref().is_some_and(|s| s.len() > MAX_OPAQUE_LEN) {
        return Err(refuse("invalid_request", "state is too long"));
    }
    match params.get("response_type") {
        Some("code") => {}
        None => return Err(refuse("invalid_request", "response_type is required")),
        Some(_) => return Err(refuse("unsupported_response_type", "only response_type=code is supported")),
    }
    if params.get("request").is_some() || params.get("request_uri").is_some() {
        return Err(refuse("request_not_supported", "request objects are not supported"));
    }
    let scopes = checked_scopes(params.get("scope"), &client.scopes).map_err(|d| refuse("invalid_scope", d))?;
    let challenge =
        params.get("code_challenge").ok_or_else(|| refuse("invalid_request", "code_challenge is required"))?;
    let challenge = CodeChallenge::parse(challenge, params.get("code_challenge_method")).map_err(|e| match e {
        PkceError::UnsupportedMethod => refuse("invalid_request", "code_challenge_method must be S256"),
        _ => refuse("invalid_request", "code_challenge is malformed"),
    })?;
    let nonce = params.get("nonce").map(str::to_owned);
    if nonce.as_ref().is_some_and(|n| n.len() > MAX_OPAQUE_LEN) {
        return Err(refuse("invalid_request", "nonce is too long"));
    }
    let prompt =
        Prompt::parse(params.get("prompt")).ok_or_else(|| refuse("invalid_request", "prompt is not supported"))?;
    let max_age = match params.get("max_age") {
        None => None,
        Some(age) => Some(age.parse::<u32>().map_err(|_| refuse("invalid_request", "max_age is malformed"))?),
    };
    let min_auth_age_secs = if prompt.login { Some(0) } else { max_age.map(i64::from) };
    Ok(AuthorizeRequest {
        client_id: client.id,
        redirect_uri,
        scopes,
        state,
        nonce,
        challenge,
        prompt,
        min_auth_age_secs,
    })
}

/// The requested scopes: known, including `openid` (this is an OpenID provider: a sign-in
/// without an ID token has no use here), and all allowed for the client.
fn checked_scopes(requested: Option<&str>, allowed: &[String]) -> Result<ScopeSet, &'static str> {
    let scopes = ScopeSet::parse(requested.ok_or("scope is required")?).map_err(|_| "unknown scope")?;
    if !scopes.contains(scope::OPENID) {
        return Err("the openid scope is required");
    }
    let allowed = ScopeSet::from_names(allowed.iter().map(String::as_str)).map_err(|_| "unknown scope")?;
    if !scopes.is_subset(&allowed) {
        return Err("scope is not allowed for this client");
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_none_cannot_be_combined_and_unknown_values_are_refused() {
        assert_eq!(Prompt::parse(None), Some(Prompt::default()));
        assert_eq!(Prompt::parse(Some("none")), Some(Prompt { none: true, login: false }));
        assert_eq!(Prompt::parse(Some("login consent")), Some(Prompt { none: false, login: true }));
        assert_eq!(Prompt::parse(Some("select_account")), Some(Prompt { none: false, login: true }));
        assert_eq!(Prompt::parse(Some("none login")), None);
        assert_eq!(Prompt::parse(Some("sometimes")), None);
    }

    #[test]
    fn redirects_keep_the_registered_query_and_encode_what_they_add() {
        let location = redirect_location("https://app.example.com/cb?tenant=a", &[("code", "x y&z"), ("state", "s=1")]);
        assert_eq!(location.as_deref(), Some("https://app.example.com/cb?tenant=a&code=x+y%26z&state=s%3D1"));
    }

    #[test]
    fn scopes_need_openid_and_stay_within_the_clients() {
        let allowed: Vec<String> = ["openid", "email"].iter().map(|s| (*s).to_owned()).collect();
        assert!(checked_scopes(Some("openid email"), &allowed).is_ok());
        assert!(checked_scopes(Some("email"), &allowed).is_err());
        assert!(checked_scopes(Some("openid profile"), &allowed).is_err());
        assert!(checked_scopes(Some("openid admin"), &allowed).is_err());
        assert!(checked_scopes(None, &allowed).is_err());
    }
}
