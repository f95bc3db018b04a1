//! The practice directory: people of the transaction's tenant looked up by id, in one query
//! for the whole batch (the gateway's DataLoader sends one request per batch of ids).
//!
//! Ids that are not members of the tenant (unknown, removed, another practice's) are
//! simply not returned. Which fields the caller may see is decided by the use case.

use super::stmt;
use sea_orm::ConnectionTrait;
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use crate::error::Error;

pub(crate) struct DirectoryRow {
    pub user: UserId,
    pub display_name: Option<String>,
    pub roles: Vec<String>,
    pub email: String,
}

/// The members among `ids` (invited or active), ordered by user id.
pub(crate) async fn lookup(tx: &TenantTx, ids: &[UserId]) -> Result<Vec<DirectoryRow>, Error> {
    // -- tenant predicate on top of RLS (defence in depth); the primary key serves both
    let sql = "select m.user_id, u.display_name, m.roles, u.email \
               from identity.memberships m join identity.users u on u.id = m.user_id \
               where m.tenant_id = $1 and m.user_id = any($2) and m.status <> 'removed' order by m.user_id";
    let ids: Vec<Uuid> = ids.iter().copied().map(Uuid::from).collect();
    let rows = tx.query_all_raw(stmt(sql, vec![(*tx.tenant().as_uuid()).into(), ids.into()])).await?;
    rows.iter()
        .map(|row| {
            Ok(DirectoryRow {
                user: UserId::from_uuid(row.try_get("", "user_id")?),
                display_name: row.try_get("", "display_name")?,
                roles: row.try_get("", "roles")?,
                email: row.try_get("", "email")?,
            })
        })
        .collect()
}
