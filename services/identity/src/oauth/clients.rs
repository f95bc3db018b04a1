//! Registering clients: the practice-admin operations on API clients ([`create_api_client`],
//! [`list_api_clients`], [`revoke_api_client`]) and, at start-up, the operator and
//! first-party clients configured in settings ([`register_configured_clients`]).
//!
//! Not here: the admin API's authorization (the caller must be a practice admin of
//! `tenant`); these functions trust the tenant they are given.

use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret as _, SecretString};
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_config::Environment;
use tp_db::TenantTx;
use tp_ids::{ClientId, TenantId};

use super::revocation::publish_revoked_session;
use crate::audit;
use crate::config::IdentitySettings;
use crate::db::clients::{self, NewClient};
use crate::domain::scope::{OIDC_SCOPES, OPERATOR_SCOPES, ScopeSet};
use crate::domain::{redirect_uri, secret};
use crate::error::Error;

/// A newly created API client. The secret is shown to the practice admin once and is not
/// stored anywhere (only its digest).
#[derive(Debug)]
pub struct NewApiClient {
    pub client_id: ClientId,
    pub secret: SecretString,
    /// `false` while it waits for a practice admin's approval.
    pub approved: bool,
}

/// An API client as the practice admin sees it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub client_id: ClientId,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
    /// `false` while an operator-created client waits for a practice admin's approval.
    pub approved: bool,
}

/// Registers a client-credentials client for `tenant` with `scopes` (API scopes only, at
/// least one). Its id is `tpc_` and 24 random characters. `actor` (who registers it) is
/// recorded with the change. `approved`: usable at once (a practice admin registers it),
/// or pending until a practice admin approves it (an operator registers it).
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create_api_client(
    db: &DatabaseConnection,
    tenant: TenantId,
    name: &str,
    scopes: &ScopeSet,
    actor: &Actor,
    approved: bool,
) -> Result<NewApiClient, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::invalid("name", "must be 1 to 200 characters"));
    }
    if scopes.is_empty() || ScopeSet::parse_api(scopes.iter()).is_err() {
        return Err(Error::invalid("scopes", "must be one or more API scopes"));
    }
    let random: String = secret::generate().chars().take(24).collect();
    let client_id = ClientId::parse(&format!("tpc_{random}")).map_err(|e| Error::Internal(e.into()))?;
    let secret = secret::generate();
    let client = NewClient {
        id: &client_id,
        tenant: Some(tenant),
        name,
        secret_hash: Some(secret::digest(&secret)),
        redirect_uris: Vec::new(),
        post_logout_redirect_uris: Vec::new(),
        grant_types: vec!["client_credentials".to_owned()],
        scopes: scopes.to_vec(),
        platform_operator: false,
        approved,
    };
    let tx = TenantTx::begin(db, tenant).await?;
    clients::insert(&*tx, client).await?;
    let event = AuditEvent::new(action::API_CLIENT_CREATED, Outcome::Success, actor.clone())
        .tenant(tenant)
        .subject(Subject::new("client", &client_id))
        .detail("scope", scopes.to_string());
    audit::record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(NewApiClient { client_id, secret: SecretString::from(secret), approved })
}

/// The tenant's API clients, newest first, revoked ones included (marked).
pub async fn list_api_clients(db: &DatabaseConnection, tenant: TenantId) -> Result<Vec<ApiClient>, Error> {
    let rows = clients::list_for_tenant(db, tenant).await?;
    Ok(rows
        .into_iter()
        .map(|(row, revoked)| ApiClient {
            approved: row.approved,
            client_id: row.id,
            name: row.name,
            scopes: row.scopes,
            created_at: row.created_at,
            revoked,
        })
        .collect())
}

/// Revokes the tenant's client: it can no longer obtain tokens, and the tokens it holds are
/// refused by verifiers (its `sid` is published as revoked). `NotFound` for another
/// tenant's client or an unknown id. Idempotent, so a call that failed can be repeated.
///
/// Audited after the revocation commits, not with it (as every revocation, see
/// `oauth::revocation`): a failed audit write fails the call but never undoes the revocation.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn revoke_api_client(
    db: &DatabaseConnection,
    redis: &ConnectionManager,
    access_token_ttl_secs: u64,
    tenant: TenantId,
    client_id: &ClientId,
    actor: &Actor,
) -> Result<(), Error> {
    let sid = clients::revoke_for_tenant(db, tenant, client_id).await?.ok_or(Error::NotFound)?;
    let published = publish_revoked_session(redis, access_token_ttl_secs, sid).await;
    let event = AuditEvent::new(action::API_CLIENT_REVOKED, Outcome::Success, actor.clone())
        .tenant(tenant)
        .subject(Subject::new("client", client_id));
    audit::emit(db, event).await?;
    published.map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("publish revoked client")))
}

/// Upserts `identity.operator_client` (confidential, `platform_operator`, client
/// credentials) and `identity.first_party_clients` (public, code + refresh, their redirect
/// URIs), so configuration is the source of truth for them.
pub(crate) async fn register_configured_clients(
    db: &DatabaseConnection,
    settings: &IdentitySettings,
    environment: Environment,
) -> Result<(), String> {
    if let Some(operator) = &settings.operator_client {
        let id = ClientId::parse(&operator.id).map_err(|_| "identity.operator_client.id is not a valid client id")?;
        let client = NewClient {
            id: &id,
            tenant: None,
            name: "Platform operator",
            secret_hash: Some(secret::digest(operator.secret.expose_secret())),
            redirect_uris: Vec::new(),
            post_logout_redirect_uris: Vec::new(),
            grant_types: vec!["client_credentials".to_owned()],
            scopes: OPERATOR_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            platform_operator: true,
            approved: true,
        };
        clients::upsert(db, client).await.map_err(|e| format!("cannot register the operator client: {e}"))?;
    }
    let loopback = settings.allow_loopback_http(environment);
    for app in &settings.first_party_clients {
        let id = ClientId::parse(&app.id).map_err(|_| "a first-party client id is invalid".to_owned())?;
        for uri in app.redirect_uris.iter().chain(&app.post_logout_redirect_uris) {
            redirect_uri::validate_registered(uri, loopback).map_err(|e| format!("first-party client {id}: {e}"))?;
        }
        let client = NewClient {
            id: &id,
            tenant: None,
            name: &app.name,
            secret_hash: None,
            redirect_uris: app.redirect_uris.clone(),
            post_logout_redirect_uris: app.post_logout_redirect_uris.clone(),
            grant_types: vec!["authorization_code".to_owned(), "refresh_token".to_owned()],
            scopes: OIDC_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            platform_operator: false,
            approved: true,
        };
        clients::upsert(db, client).await.map_err(|e| format!("cannot register client {id}: {e}"))?;
    }
    Ok(())
}
