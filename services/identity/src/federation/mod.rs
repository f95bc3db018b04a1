//! Per-practice single sign-on: identity as a relying party to a practice's own OpenID
//! provider (`openidconnect`, code flow with PKCE S256 and nonce), linking people by the
//! verified email their IdP vouches for, within the practice's allowed domains, and only to
//! accounts the practice already invited and that belong to that practice alone (no other
//! practice's membership, not a platform operator: see `callback`). The session it starts
//! is bound to the practice (`signin::federated`).
//!
//! Public for the admin API, `telehealthctl` and tests: [`configure_sso`], [`get_sso`],
//! [`remove_sso`] and [`Federation`]. The HTTP legs are in `http::federation`.

mod callback;
mod config;
mod discovery;
mod error;
mod http_client;
mod linking;
mod sign_in;
mod start;

pub(crate) use callback::{CallbackParams, finish};
pub use config::{SsoConfig, SsoDeps, SsoView, configure_sso, get_sso, remove_sso};
pub use discovery::{Federation, FederationInitError};
pub(crate) use error::FederationError;
pub(crate) use sign_in::{AuthorizationRequestId, FederatedSignIn};
pub(crate) use start::start_for_slug;
