//! `consent.authorizations` (RLS): ids and times in plaintext, the terms one ciphertext
//! (opening it is `crate::seal`'s business). Only `revoked_at` and `event_ended_at` ever
//! change, once each (grants and a trigger, see the migration).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::{returned, stmt, tenant};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct AuthorizationRow {
    pub id: Uuid,
    pub client: UserId,
    pub signature_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub event_ended_at: Option<DateTime<Utc>>,
    /// The sealed terms.
    pub terms: Vec<u8>,
}

const COLUMNS: &str = "id, client_id, signature_id, created_at, expires_at, revoked_at, event_ended_at, terms";

fn row(r: &QueryResult) -> Result<AuthorizationRow, Error> {
    Ok(AuthorizationRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        signature_id: r.try_get("", "signature_id")?,
        created_at: r.try_get("", "created_at")?,
        expires_at: r.try_get("", "expires_at")?,
        revoked_at: r.try_get("", "revoked_at")?,
        event_ended_at: r.try_get("", "event_ended_at")?,
        terms: r.try_get("", "terms")?,
    })
}

/// The new row: its id, client, grounding signature, expiry date and sealed terms.
pub struct NewAuthorization {
    pub id: Uuid,
    pub client: UserId,
    pub signature_id: Uuid,
    pub expires_at: Option<DateTime<Utc>>,
    pub terms: Vec<u8>,
}

pub async fn insert(tx: &TenantTx, new: NewAuthorization) -> Result<AuthorizationRow, Error> {
    let sql = format!(
        "insert into consent.authorizations (tenant_id, id, client_id, signature_id, expires_at, terms) \
         values ($1, $2, $3, $4, $5, $6) returning {COLUMNS}"
    );
    let values: [Value; 6] = [
        tenant(tx),
        new.id.into(),
        (*new.client.as_uuid()).into(),
        new.signature_id.into(),
        new.expires_at.into(),
        new.terms.into(),
    ];
    returned(tx.query_one_raw(stmt(&sql, values)).await?, row)
}

/// The client's authorizations, newest first. `for share`: a revocation waits for a
/// disclosure being recorded under them (and the disclosure sees a committed revocation).
pub async fn of_client(tx: &TenantTx, client: UserId) -> Result<Vec<AuthorizationRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from consent.authorizations where tenant_id = $1 and client_id = $2 \
         order by created_at desc, id desc for share"
    );
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// One of the client's authorizations (another client's id is not found).
pub async fn one(tx: &TenantTx, client: UserId, id: Uuid) -> Result<Option<AuthorizationRow>, Error> {
    let sql =
        format!("select {COLUMNS} from consent.authorizations where tenant_id = $1 and client_id = $2 and id = $3");
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Revokes the client's authorization `id` now: the row, or `None` when it is unknown or
/// was revoked already (the caller tells which).
pub async fn revoke(tx: &TenantTx, client: UserId, id: Uuid) -> Result<Option<AuthorizationRow>, Error> {
    let sql = format!(
        "update consent.authorizations set revoked_at = now() \
         where tenant_id = $1 and client_id = $2 and id = $3 and revoked_at is null returning {COLUMNS}"
    );
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Ends the client's authorization `id` by its event (a transfer completed), now, unless
/// it ended already.
pub async fn end_by_event(tx: &TenantTx, client: UserId, id: Uuid) -> Result<(), Error> {
    let sql = "update consent.authorizations set event_ended_at = now() \
               where tenant_id = $1 and client_id = $2 and id = $3 and event_ended_at is null";
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    tx.execute_raw(stmt(sql, values)).await?;
    Ok(())
}
