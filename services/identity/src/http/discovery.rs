//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0): what clients
//! need to find identity's endpoints and what it supports. Built from settings per request
//! (cheap), so it always agrees with the configured issuer.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::domain::scope::{API_SCOPES, OIDC_SCOPES};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/.well-known/openid-configuration", get(configuration))
}

async fn configuration(State(state): State<AppState>) -> Json<Value> {
    let iss = state.settings.issuer();
    let scopes: Vec<&str> = OIDC_SCOPES.iter().chain(API_SCOPES.iter()).copied().collect();
    Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/oauth2/authorize"),
        "token_endpoint": format!("{iss}/oauth2/token"),
        "userinfo_endpoint": format!("{iss}/oauth2/userinfo"),
        "jwks_uri": format!("{iss}/oauth2/jwks"),
        "revocation_endpoint": format!("{iss}/oauth2/revoke"),
        "end_session_endpoint": format!("{iss}/oauth2/end-session"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "subject_types_supported": ["public"],
        "scopes_supported": scopes,
        "claims_supported": [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "sid", "email", "email_verified", "name"
        ],
    }))
}
