//! identity.care_teams (RLS): which clinician treats which client. Other services ask
//! [`is_assigned`] (through the internal API) before showing a chart.

use super::stmt;
use sea_orm::{ConnectionTrait, Value};
use tp_db::TenantTx;
use tp_ids::UserId;

use crate::error::Error;

fn ids(tx: &TenantTx, clinician: UserId, client: UserId) -> Vec<Value> {
    vec![(*tx.tenant().as_uuid()).into(), (*clinician.as_uuid()).into(), (*client.as_uuid()).into()]
}

/// Assigns `clinician` to `client`. Both must be active members of the transaction's tenant
/// with the clinician and client role respectively; otherwise `NotFound`, without saying
/// which person is missing: an id from another practice reads exactly like an unknown one.
/// Idempotent.
pub async fn assign(tx: &TenantTx, clinician: UserId, client: UserId) -> Result<(), Error> {
    if clinician == client {
        return Err(Error::invalid("care_team", "a clinician cannot be on their own care team"));
    }
    let sql = "insert into identity.care_teams (tenant_id, clinician_id, client_id) \
               select $1, $2, $3 \
               where exists (select 1 from identity.memberships where tenant_id = $1 and user_id = $2 \
                             and status = 'active' and 'clinician' = any (roles)) \
                 and exists (select 1 from identity.memberships where tenant_id = $1 and user_id = $3 \
                             and status = 'active' and 'client' = any (roles)) \
               on conflict do nothing \
               returning 1";
    let inserted = tx.query_one_raw(stmt(sql, ids(tx, clinician, client))).await?.is_some();
    if inserted || is_assigned(tx, clinician, client).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// Ends an assignment; `NotFound` when there was none.
pub async fn unassign(tx: &TenantTx, clinician: UserId, client: UserId) -> Result<(), Error> {
    let sql = "delete from identity.care_teams where tenant_id = $1 and clinician_id = $2 and client_id = $3";
    match tx.execute_raw(stmt(sql, ids(tx, clinician, client))).await?.rows_affected() {
        0 => Err(Error::NotFound),
        _ => Ok(()),
    }
}

pub async fn is_assigned(tx: &TenantTx, clinician: UserId, client: UserId) -> Result<bool, Error> {
    let sql = "select 1 from identity.care_teams where tenant_id = $1 and clinician_id = $2 and client_id = $3";
    Ok(tx.query_one_raw(stmt(sql, ids(tx, clinician, client))).await?.is_some())
}

/// Assignments of the tenant, optionally narrowed to one clinician or one client.
pub async fn list(
    tx: &TenantTx,
    clinician: Option<UserId>,
    client: Option<UserId>,
) -> Result<Vec<(UserId, UserId)>, Error> {
    let sql = "select clinician_id, client_id from identity.care_teams where tenant_id = $1 \
               and ($2::uuid is null or clinician_id = $2) and ($3::uuid is null or client_id = $3) \
               order by clinician_id, client_id";
    let values = vec![
        (*tx.tenant().as_uuid()).into(),
        clinician.map(|c| *c.as_uuid()).into(),
        client.map(|c| *c.as_uuid()).into(),
    ];
    let rows = tx.query_all_raw(stmt(sql, values)).await?;
    rows.iter()
        .map(|row| {
            let clinician = UserId::from_uuid(row.try_get("", "clinician_id")?);
            Ok((clinician, UserId::from_uuid(row.try_get("", "client_id")?)))
        })
        .collect()
}
