//! The identity service: the OpenID Connect provider (accounts, MFA, sessions, API
//! clients), tenants, memberships, roles, care teams and per-practice SSO.
//!
//! [`Identity`] plugs it into the shared runtime (`tp_server`), which binds, layers and
//! serves; `routes` reads the `identity.*` settings and prepares the state.

pub mod accounts;
pub mod admin;
mod audit;
pub mod config;
mod db;
pub mod domain;
pub mod error;
mod events;
pub mod federation;
mod http;
pub mod mail;
pub mod migration;
pub mod oauth;
mod signin;
pub mod signing;
pub mod state;
pub mod sweeper;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

use crate::config::IdentitySettings;
use crate::state::AppState;

/// The identity service as the shared runtime sees it.
pub struct Identity;

impl ServiceApp for Identity {
    const SERVICE: Service = Service::Identity;
    type Migrator = migration::Migrator;

    async fn routes(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
        let state = Self::state(deps, settings).await?;
        sweeper::spawn(state.db.clone());
        Ok(http::router(state))
    }
}

impl Identity {
    /// The state the routes serve with: reads the `identity.*` settings and makes sure the
    /// Vault keys exist. Public so that tests can call `accounts` functions directly with
    /// exactly what production runs.
    pub async fn state(deps: Deps, settings: &Settings) -> Result<AppState, StartupError> {
        let mut identity: IdentitySettings =
            settings.section("identity").map_err(|e| StartupError::Config(e.to_string()))?;
        identity.resolve_issuer(settings).map_err(StartupError::Config)?;
        identity.resolve_shared_records_url().map_err(StartupError::Config)?;
        let db = deps.db.ok_or_else(|| StartupError::Config("identity needs database settings".into()))?;
        accounts::ensure_mfa_key(&deps.vault, &identity).await.map_err(StartupError::Vault)?;
        let mailer = mail::SmtpMailer::new(&identity.smtp)
            .map_err(|e| StartupError::Config(format!("identity.smtp: {}", tp_errors::error_chain(&e))))?;
        let longest_token = identity.access_token_ttl_secs.max(identity.id_token_ttl_secs);
        let signer =
            signing::Signer::init(deps.vault.clone(), &identity.signing_key, Duration::from_secs(longest_token))
                .await
                .map_err(|e| StartupError::Config(format!("token signing key: {}", tp_errors::error_chain(&e))))?;
        oauth::clients::register_configured_clients(&db, &identity, settings.environment)
            .await
            .map_err(StartupError::Config)?;
        // identity verifies its own tokens like any service, but reads its keys over its own
        // listener: the public issuer URL may not be reachable from inside the deployment.
        let own = settings.http.host;
        let own = if own.is_unspecified() { std::net::IpAddr::from([127, 0, 0, 1]) } else { own };
        let mut verifier_config = tp_auth::VerifierConfig::new(identity.issuer(), &identity.audience);
        verifier_config.jwks_url =
            Some(format!("http://{}/oauth2/jwks", std::net::SocketAddr::new(own, settings.http.port)));
        let verifier = tp_auth::Verifier::new(&verifier_config)
            .map_err(|e| StartupError::Config(format!("token verifier: {}", tp_errors::error_chain(&e))))?;
        let callback = format!("{}/federation/callback", identity.issuer());
        let federation = federation::Federation::new(identity.allow_loopback_http(settings.environment), callback)
            .map_err(|e| StartupError::Config(e.to_string()))?;
        Ok(AppState {
            db,
            redis: deps.redis,
            vault: deps.vault,
            settings: Arc::new(identity),
            environment: settings.environment,
            signer,
            verifier,
            mailer: Arc::new(mailer),
            federation,
        })
    }
}
