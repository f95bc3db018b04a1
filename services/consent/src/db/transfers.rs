//! `consent.transfers`, `consent.transfer_packages` and `consent.sent_requests` (RLS): ids,
//! times and states in plaintext, everything else sealed (opening is `crate::seal`'s
//! business). A transfer changes state once per step (see the migration).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::{returned, stmt, tenant};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct TransferRow {
    pub id: Uuid,
    pub requester_tenant: TenantId,
    pub requested_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub status: String,
    pub client: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub download_expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
    pub request: Vec<u8>,
    pub decision: Option<Vec<u8>>,
    /// Whether a package waits (not a column: read with the row).
    pub packaged: bool,
    /// The client an outside provider's request names (recorded by a practice member).
    pub named_client: Option<UserId>,
}

const COLUMNS: &str = "t.id, t.requester_tenant_id, t.requested_by, t.created_at, t.expires_at, t.status, \
     t.client_id, t.decided_at, t.download_expires_at, t.downloaded_at, t.request, t.decision, t.named_client_id, \
     exists (select 1 from consent.transfer_packages p where p.tenant_id = t.tenant_id and p.id = t.id) as packaged";

fn row(r: &QueryResult) -> Result<TransferRow, Error> {
    Ok(TransferRow {
        id: r.try_get("", "id")?,
        requester_tenant: TenantId::from_uuid(r.try_get("", "requester_tenant_id")?),
        requested_by: UserId::from_uuid(r.try_get("", "requested_by")?),
        created_at: r.try_get("", "created_at")?,
        expires_at: r.try_get("", "expires_at")?,
        status: r.try_get("", "status")?,
        client: r.try_get::<Option<Uuid>>("", "client_id")?.map(UserId::from_uuid),
        decided_at: r.try_get("", "decided_at")?,
        download_expires_at: r.try_get("", "download_expires_at")?,
        downloaded_at: r.try_get("", "downloaded_at")?,
        request: r.try_get("", "request")?,
        decision: r.try_get("", "decision")?,
        packaged: r.try_get("", "packaged")?,
        named_client: r.try_get::<Option<Uuid>>("", "named_client_id")?.map(UserId::from_uuid),
    })
}

/// A new request in the practice asked (the transaction's).
pub struct NewTransfer {
    pub id: Uuid,
    pub requester_tenant: TenantId,
    pub requested_by: UserId,
    pub expires_at: DateTime<Utc>,
    pub request: Vec<u8>,
    /// Set for an outside provider's request: the client it names.
    pub named_client: Option<UserId>,
}

pub async fn insert(tx: &TenantTx, new: NewTransfer) -> Result<(), Error> {
    let sql = "insert into consent.transfers \
               (tenant_id, id, requester_tenant_id, requested_by, expires_at, request, named_client_id) \
               values ($1, $2, $3, $4, $5, $6, $7)";
    let values: [Value; 7] = [
        tenant(tx),
        new.id.into(),
        (*new.requester_tenant.as_uuid()).into(),
        (*new.requested_by.as_uuid()).into(),
        new.expires_at.into(),
        new.request.into(),
        new.named_client.map(|c| *c.as_uuid()).into(),
    ];
    tx.execute_raw(stmt(sql, values)).await?;
    Ok(())
}

/// One transfer; `for update` when `lock` (a decision, a package or a download follows).
pub async fn one(tx: &TenantTx, id: Uuid, lock: bool) -> Result<Option<TransferRow>, Error> {
    let lock = if lock { " for update of t" } else { "" };
    let sql = format!("select {COLUMNS} from consent.transfers t where t.tenant_id = $1 and t.id = $2{lock}");
    let values: [Value; 2] = [tenant(tx), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// The requests a client may be asked about: every undecided, unexpired one that names no
/// client (matched to the client by the email sealed in it) or names `client`, and every one
/// decided by `client`; newest first.
pub async fn for_client(tx: &TenantTx, client: UserId, now: DateTime<Utc>) -> Result<Vec<TransferRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from consent.transfers t where t.tenant_id = $1 \
         and ((t.status = 'requested' and t.expires_at > $3 \
               and (t.named_client_id is null or t.named_client_id = $2)) \
              or t.client_id = $2) \
         order by t.created_at desc, t.id desc"
    );
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), now.into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// The requests recorded in the practice for outside providers, newest first.
pub async fn recorded(tx: &TenantTx) -> Result<Vec<TransferRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from consent.transfers t where t.tenant_id = $1 and t.named_client_id is not null \
         order by t.created_at desc, t.id desc"
    );
    let values: [Value; 1] = [tenant(tx)];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// The client's decision: `approved` with its sealed decision and download lifetime, or
/// declined (`decision` `None`).
pub async fn decide(
    tx: &TenantTx,
    id: Uuid,
    client: UserId,
    decision: Option<(Vec<u8>, DateTime<Utc>)>,
) -> Result<(), Error> {
    let (status, sealed, until) = match decision {
        Some((sealed, until)) => ("approved", Some(sealed), Some(until)),
        None => ("declined", None, None),
    };
    let sql = "update consent.transfers set status = $3, client_id = $4, decided_at = now(), decision = $5, \
               download_expires_at = $6 where tenant_id = $1 and id = $2 and status = 'requested'";
    let values: [Value; 6] =
        [tenant(tx), id.into(), status.into(), (*client.as_uuid()).into(), sealed.into(), until.into()];
    tx.execute_raw(stmt(sql, values)).await?;
    Ok(())
}

/// Marks an approved transfer downloaded and deletes its package.
pub async fn complete(tx: &TenantTx, id: Uuid) -> Result<(), Error> {
    let values = || -> [Value; 2] { [tenant(tx), id.into()] };
    let sql = "update consent.transfers set status = 'downloaded', downloaded_at = now() \
               where tenant_id = $1 and id = $2 and status = 'approved'";
    tx.execute_raw(stmt(sql, values())).await?;
    let sql = "delete from consent.transfer_packages where tenant_id = $1 and id = $2";
    tx.execute_raw(stmt(sql, values())).await?;
    Ok(())
}

/// Stores the package; `false` when one is stored already.
pub async fn insert_package(tx: &TenantTx, id: Uuid, contents: Vec<u8>) -> Result<bool, Error> {
    let sql = "insert into consent.transfer_packages (tenant_id, id, contents) values ($1, $2, $3) \
               on conflict (tenant_id, id) do nothing";
    let values: [Value; 3] = [tenant(tx), id.into(), contents.into()];
    Ok(tx.execute_raw(stmt(sql, values)).await?.rows_affected() == 1)
}

pub async fn package(tx: &TenantTx, id: Uuid) -> Result<Option<Vec<u8>>, Error> {
    let sql = "select contents from consent.transfer_packages where tenant_id = $1 and id = $2";
    let values: [Value; 2] = [tenant(tx), id.into()];
    match tx.query_one_raw(stmt(sql, values)).await? {
        Some(r) => Ok(Some(r.try_get("", "contents")?)),
        None => Ok(None),
    }
}

#[derive(Debug, Clone)]
pub struct SentRow {
    pub id: Uuid,
    pub practice: TenantId,
    pub requested_by: UserId,
    pub created_at: DateTime<Utc>,
    pub request: Vec<u8>,
}

const SENT_COLUMNS: &str = "id, practice_id, requested_by, created_at, request";

fn sent_row(r: &QueryResult) -> Result<SentRow, Error> {
    Ok(SentRow {
        id: r.try_get("", "id")?,
        practice: TenantId::from_uuid(r.try_get("", "practice_id")?),
        requested_by: UserId::from_uuid(r.try_get("", "requested_by")?),
        created_at: r.try_get("", "created_at")?,
        request: r.try_get("", "request")?,
    })
}

/// The requester's copy, in their own practice (the transaction's).
pub async fn insert_sent(
    tx: &TenantTx,
    (id, practice): (Uuid, TenantId),
    requested_by: UserId,
    request: Vec<u8>,
) -> Result<SentRow, Error> {
    let sql = format!(
        "insert into consent.sent_requests (tenant_id, id, practice_id, requested_by, request) \
         values ($1, $2, $3, $4, $5) returning {SENT_COLUMNS}"
    );
    let values: [Value; 5] =
        [tenant(tx), id.into(), (*practice.as_uuid()).into(), (*requested_by.as_uuid()).into(), request.into()];
    returned(tx.query_one_raw(stmt(&sql, values)).await?, sent_row)
}

/// The requests `by` sent, newest first.
pub async fn sent_by(tx: &TenantTx, by: UserId) -> Result<Vec<SentRow>, Error> {
    let sql = format!(
        "select {SENT_COLUMNS} from consent.sent_requests where tenant_id = $1 and requested_by = $2 \
         order by created_at desc, id desc"
    );
    let values: [Value; 2] = [tenant(tx), (*by.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(sent_row).collect()
}

/// One request `by` sent (anyone else's is not found).
pub async fn sent_one(tx: &TenantTx, by: UserId, id: Uuid) -> Result<Option<SentRow>, Error> {
    let sql = format!(
        "select {SENT_COLUMNS} from consent.sent_requests where tenant_id = $1 and requested_by = $2 and id = $3"
    );
    let values: [Value; 3] = [tenant(tx), (*by.as_uuid()).into(), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(sent_row).transpose()
}
