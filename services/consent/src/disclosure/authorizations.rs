//! Authorizations: the client authorizes a disclosure of their own record
//! (`DisclosureAuthorize`) from a signed, not withdrawn document of theirs of the right
//! kind, and revokes it, once, for every later decision. The client and the practice's
//! admins read them (`DisclosuresRead`). Every success is audited in its transaction, every
//! refusal in its own.

use chrono::Utc;
use tp_audit_log::action::consent::{AUTHORIZATION_CREATED, AUTHORIZATION_REVOKED, AUTHORIZATIONS_READ};
use tp_authz::Permission;
use tp_consent_api::disclosure::{Authorization, AuthorizationInput, AuthorizationList};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::sealed::{TERMS, Terms, seal};
use crate::audit::{Caller, record};
use crate::db::authorizations::{self as rows, AuthorizationRow, NewAuthorization};
use crate::db::signatures;
use crate::documents::access::{Relationship, admit};
use crate::documents::signatures::open;
use crate::domain::{access, authorization, decision};
use crate::error::Error;
use crate::state::AppState;

pub(crate) const OWN: Relationship = |actor, _, client| access::signing(actor, client);
pub(crate) const READING: Relationship = access::reading;

/// The client authorizes a disclosure, grounded in one of their signed documents.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    input: AuthorizationInput,
) -> Result<Authorization, Error> {
    admit(state, caller, (tenant, Permission::DisclosureAuthorize, AUTHORIZATION_CREATED), Some((client, OWN))).await?;
    let recipient = authorization::recipient(input.recipient)?;
    let purpose = authorization::text("purpose", &input.purpose, 500, "must be 1 to 500 characters")?;
    authorization::expiry(input.expires_at, input.expires_on.is_some(), Utc::now())?;
    // Read in a transaction of its own, closed before sealing (which may wait on Vault).
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let signature = match signatures::one(&tx, client, input.signature_id).await? {
        Some(row) if row.withdrawn_at.is_none() => row,
        _ => return Err(Error::invalid("signature_id", "must be a document you signed and did not withdraw")),
    };
    let document = open(state, tenant, &signature).await?;
    tx.commit().await?;
    let categories = authorization::categories_for(document.kind, &input.categories)?;
    let terms = Terms { kind: document.kind, recipient, categories, purpose, expires_on: input.expires_on };
    let id = Uuid::now_v7();
    let sealed = seal(state, tenant, TERMS, (client, id)).seal(&terms).await?;
    let new = NewAuthorization { id, client, signature_id: signature.id, expires_at: input.expires_at, terms: sealed };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, new).await?;
    let event = caller.success(AUTHORIZATION_CREATED, tenant, Some(client)).detail("authorization_id", id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(wire(row, terms))
}

/// The client revokes an authorization: every decision from now on ignores it.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn revoke(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    id: Uuid,
) -> Result<Authorization, Error> {
    admit(state, caller, (tenant, Permission::DisclosureAuthorize, AUTHORIZATION_REVOKED), Some((client, OWN))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let Some(row) = rows::revoke(&tx, client, id).await? else {
        return Err(match rows::one(&tx, client, id).await? {
            Some(_) => Error::Conflict("this authorization was already revoked"),
            None => Error::NotFound,
        });
    };
    let terms = open_terms(state, tenant, &row).await?;
    let event = caller.success(AUTHORIZATION_REVOKED, tenant, Some(client)).detail("authorization_id", id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(wire(row, terms))
}

/// The client's authorizations, newest first; one event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
) -> Result<AuthorizationList, Error> {
    admit(state, caller, (tenant, Permission::DisclosuresRead, AUTHORIZATIONS_READ), Some((client, READING))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut authorizations = Vec::new();
    for row in rows::of_client(&tx, client).await? {
        let terms = open_terms(state, tenant, &row).await?;
        authorizations.push(wire(row, terms));
    }
    let count = authorizations.len().to_string();
    record(&*tx, &caller.success(AUTHORIZATIONS_READ, tenant, Some(client)).detail("authorizations", count)).await?;
    tx.commit().await?;
    Ok(AuthorizationList { authorizations })
}

/// Opens a row's terms, bound to its own id and client.
pub(crate) async fn open_terms(state: &AppState, tenant: TenantId, row: &AuthorizationRow) -> Result<Terms, Error> {
    seal(state, tenant, TERMS, (row.client, row.id)).open(&row.terms).await
}

fn wire(row: AuthorizationRow, terms: Terms) -> Authorization {
    Authorization {
        id: row.id,
        client_id: row.client,
        signature_id: row.signature_id,
        recipient: terms.recipient,
        categories: terms.categories,
        purpose: terms.purpose,
        expires_at: row.expires_at,
        expires_on: terms.expires_on,
        status: decision::status(row.revoked_at, row.event_ended_at, row.expires_at, Utc::now()),
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    }
}
