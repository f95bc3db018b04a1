//! A practice's SSO set-up: [`configure_sso`], [`get_sso`], [`remove_sso`]. The admin API
//! (and `telehealthctl`) call these after authorising the caller; they do no authorisation
//! themselves.
//!
//! The issuer is checked (https, or http on loopback where allowed) and discovered once
//! before anything is stored, so a typo fails here rather than at a clinician's first
//! sign-in. The client secret goes to Vault KV at `identity/sso/<tenant>` (the path under
//! identity's own subtree, `secret/data/identity/*`) and never into the database or a view.

use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tp_db::TenantTx;
use tp_ids::TenantId;
use tp_vault::Vault;

use super::discovery::Federation;
use super::linking::parse_domain;
use tp_audit_log::action::identity as audit;

use crate::db::federated_accounts;
use crate::db::sso_providers::{self, SsoProviderRow};
use crate::error::Error;
use crate::state::AppState;

const MAX_ALLOWED_DOMAINS: usize = 50;

/// What SSO configuration needs. Built from the service state, or by a test from its parts.
/// `actor` is who changes the set-up, for the audit event written with the change.
pub struct SsoDeps<'a> {
    /// identity's own role (not BYPASSRLS): RLS confines every statement to the tenant.
    pub db: &'a DatabaseConnection,
    pub vault: &'a Vault,
    pub federation: &'a Federation,
    pub actor: tp_audit_log::Actor,
}

impl AppState {
    pub(crate) fn sso_deps(&self, actor: tp_audit_log::Actor) -> SsoDeps<'_> {
        SsoDeps { db: &self.db, vault: &self.vault, federation: &self.federation, actor }
    }
}

/// A practice admin's input.
#[derive(Debug, Deserialize)]
pub struct SsoConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Email domains whose people may sign in through this IdP, e.g. `["clinic.example"]`.
    pub allowed_domains: Vec<String>,
}

/// A practice's SSO set-up as shown back: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsoView {
    pub issuer: String,
    pub client_id: String,
    pub allowed_domains: Vec<String>,
    pub enabled: bool,
    /// To register at the IdP as this client's redirect URI.
    pub redirect_uri: String,
}

/// Vault KV path (under the KV mount) of a tenant's IdP client secret.
pub(crate) fn secret_path(tenant: TenantId) -> String {
    format!("identity/sso/{tenant}")
}

/// Validates, discovers the issuer, stores the secret in Vault and the rest in the
/// database (replacing an earlier set-up). `NotFound` for an unknown tenant.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn configure_sso(deps: &SsoDeps<'_>, tenant: TenantId, config: SsoConfig) -> Result<(), Error> {
    let row = validate(&config)?;
    if config.client_secret.expose_secret().is_empty() || config.client_secret.expose_secret().len() > 1000 {
        return Err(Error::invalid("client_secret", "must have 1 to 1000 characters"));
    }
    if !federated_accounts::tenant_exists(deps.db, tenant).await? {
        return Err(Error::NotFound);
    }
    if let Err(err) = deps.federation.discover(&row.issuer).await {
        tracing::info!(error = %tp_errors::error_chain(&err), "SSO issuer refused");
        return Err(Error::invalid("issuer", err.to_string()));
    }
    let secret = json!({ "client_secret": config.client_secret.expose_secret() });
    deps.vault.kv_put(&secret_path(tenant), &secret).await?;
    let tx = TenantTx::begin(deps.db, tenant).await?;
    sso_providers::upsert(&tx, &row).await?;
    record(&tx, deps, audit::SSO_CONFIGURED, tenant).await?;
    tx.commit().await?;
    Ok(())
}

/// The tenant's set-up, if any.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get_sso(deps: &SsoDeps<'_>, tenant: TenantId) -> Result<Option<SsoView>, Error> {
    let tx = TenantTx::begin(deps.db, tenant).await?;
    let row = sso_providers::find(&tx).await?;
    tx.commit().await?;
    Ok(row.map(|row| SsoView {
        issuer: row.issuer,
        client_id: row.client_id,
        allowed_domains: row.allowed_domains,
        enabled: row.enabled,
        redirect_uri: deps.federation.redirect_uri().to_owned(),
    }))
}

/// Removes the set-up and destroys the secret (every version). `NotFound` when there was none.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn remove_sso(deps: &SsoDeps<'_>, tenant: TenantId) -> Result<(), Error> {
    let tx = TenantTx::begin(deps.db, tenant).await?;
    let deleted = sso_providers::delete(&tx).await?;
    if deleted {
        record(&tx, deps, audit::SSO_REMOVED, tenant).await?;
    }
    tx.commit().await?;
    // Also when no row was found: a secret left behind by a failed configure goes too.
    deps.vault.kv_delete(&secret_path(tenant)).await?;
    if !deleted {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// The audit event of an SSO change, in the transaction that made it.
async fn record(
    tx: &TenantTx,
    deps: &SsoDeps<'_>,
    action: tp_audit_log::Action,
    tenant: TenantId,
) -> Result<(), Error> {
    let event = tp_audit_log::AuditEvent::new(action, tp_audit_log::Outcome::Success, deps.actor.clone())
        .tenant(tenant)
        .subject(tp_audit_log::Subject::new("sso_provider", tenant));
    tp_audit_log::record(&**tx, &event).await.map_err(|e| Error::Internal(e.into()))
}

/// The tenant's IdP client secret, read when a sign-in exchanges its code.
pub(crate) async fn client_secret(
    vault: &Vault,
    tenant: TenantId,
) -> Result<Option<SecretString>, tp_vault::VaultError> {
    let value = vault.kv_get(&secret_path(tenant)).await?;
    let secret = value.as_ref().and_then(|v| v.get("client_secret")).and_then(|s| s.as_str());
    Ok(secret.map(|s| SecretString::from(s.to_owned())))
}

fn validate(config: &SsoConfig) -> Result<SsoProviderRow, Error> {
    let issuer = config.issuer.trim().to_owned();
    if issuer.is_empty() || issuer.len() > 500 {
        return Err(Error::invalid("issuer", "must have 1 to 500 characters"));
    }
    let client_id = config.client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > 200 || client_id.chars().any(char::is_control) {
        return Err(Error::invalid("client_id", "must have 1 to 200 printable characters"));
    }
    if config.allowed_domains.is_empty() || config.allowed_domains.len() > MAX_ALLOWED_DOMAINS {
        return Err(Error::invalid("allowed_domains", format!("list 1 to {MAX_ALLOWED_DOMAINS} domains")));
    }
    let mut allowed_domains = Vec::with_capacity(config.allowed_domains.len());
    for raw in &config.allowed_domains {
        let domain = parse_domain(raw).map_err(|reason| Error::invalid("allowed_domains", reason))?;
        if !allowed_domains.contains(&domain) {
            allowed_domains.push(domain);
        }
    }
    Ok(SsoProviderRow { issuer, client_id, allowed_domains, enabled: true })
}
