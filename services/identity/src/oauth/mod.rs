//! The OAuth 2.0 / OpenID Connect token machinery: the token endpoint's grants, client
//! authentication, codes, refresh-token rotation, revocation, and API-client registration.
//! HTTP framing lives in `http::{token, revoke, userinfo}`; signing in `signing`.

pub(crate) mod client_auth;
pub(crate) mod client_credentials;
pub(crate) mod clients;
pub(crate) mod code;
pub(crate) mod error;
pub(crate) mod grant;
pub(crate) mod params;
pub(crate) mod person;
pub(crate) mod refresh;
pub(crate) mod revocation;
pub(crate) mod tokens;

pub use clients::{ApiClient, NewApiClient, create_api_client, list_api_clients, revoke_api_client};
pub use code::{NewCode, issue_code};
pub use error::{OAuthError, OAuthErrorKind};
pub use revocation::publish_revoked_session;
pub use tokens::TokenResponse;
