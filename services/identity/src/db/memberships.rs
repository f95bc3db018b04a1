//! identity.memberships (RLS): who belongs to a practice, with which roles. Every function
//! takes a [`TenantTx`], so a query without a tenant does not compile and RLS applies.

use super::stmt;
use sea_orm::{ConnectionTrait, QueryResult};
use tp_auth::Role;
use tp_db::TenantTx;
use tp_ids::UserId;

use crate::error::Error;

#[derive(Debug, Clone)]
pub struct Member {
    pub user: UserId,
    pub email: String,
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
    pub status: String,
}

fn roles_from_db(roles: &[String]) -> Vec<Role> {
    roles.iter().filter_map(|r| r.parse::<Role>().ok()).collect()
}

fn member_from_row(row: &QueryResult) -> Result<Member, Error> {
    let roles: Vec<String> = row.try_get("", "roles")?;
    Ok(Member {
        user: UserId::from_uuid(row.try_get("", "user_id")?),
        email: row.try_get("", "email")?,
        display_name: row.try_get("", "display_name")?,
        roles: roles_from_db(&roles),
        status: row.try_get("", "status")?,
    })
}

const MEMBER_SELECT: &str = "select m.user_id, u.email, u.display_name, m.roles, m.status \
     from identity.memberships m join identity.users u on u.id = m.user_id";

/// Up to `limit` members of the transaction's tenant that are not removed, ordered by user
/// id, after the member `after` (from the first when `None`).
pub async fn page(tx: &TenantTx, after: Option<UserId>, limit: usize) -> Result<Vec<Member>, Error> {
    // The explicit tenant predicate doubles RLS (defence in depth, STYLE §J); the primary
    // key (tenant_id, user_id) serves the keyset order.
    let sql = format!(
        "{MEMBER_SELECT} where m.tenant_id = $1 and m.status <> 'removed' \
         and ($2::uuid is null or m.user_id > $2) order by m.user_id limit $3"
    );
    let limit = i64::try_from(limit).map_err(|e| Error::Internal(e.into()))?;
    let values = vec![(*tx.tenant().as_uuid()).into(), after.map(uuid::Uuid::from).into(), limit.into()];
    let rows = tx.query_all_raw(stmt(&sql, values)).await?;
    rows.iter().map(member_from_row).collect()
}

pub async fn get(tx: &TenantTx, user: UserId) -> Result<Option<Member>, Error> {
    let sql = format!("{MEMBER_SELECT} where m.tenant_id = $1 and m.user_id = $2 and m.status <> 'removed'");
    let values = vec![(*tx.tenant().as_uuid()).into(), (*user.as_uuid()).into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(member_from_row).transpose()
}

/// Replaces the roles of an existing (not removed) membership.
pub async fn set_roles(tx: &TenantTx, user: UserId, roles: &[Role]) -> Result<Member, Error> {
    let names: Vec<String> = roles.iter().map(|r| r.as_str().to_owned()).collect();
    let sql = "update identity.memberships set roles = $3 \
               where tenant_id = $1 and user_id = $2 and status <> 'removed'";
    let values = vec![(*tx.tenant().as_uuid()).into(), (*user.as_uuid()).into(), names.into()];
    if tx.execute_raw(stmt(sql, values)).await?.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    get(tx, user).await?.ok_or(Error::NotFound)
}

/// Marks a membership removed (kept for the audit trail) and drops the person's care-team
/// assignments in this practice.
pub async fn remove(tx: &TenantTx, user: UserId) -> Result<(), Error> {
    let values = || vec![(*tx.tenant().as_uuid()).into(), (*user.as_uuid()).into()];
    let sql = "update identity.memberships set status = 'removed' \
               where tenant_id = $1 and user_id = $2 and status <> 'removed'";
    if tx.execute_raw(stmt(sql, values())).await?.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    let sql = "delete from identity.care_teams where tenant_id = $1 and (clinician_id = $2 or client_id = $2)";
    tx.execute_raw(stmt(sql, values())).await?;
    Ok(())
}

/// Ends `user`'s sessions (and their refresh tokens) in the transaction's tenant; returns
/// the session ids verifiers must now refuse. Used when roles change or a member leaves.
/// Sessions ended within the last `recent_secs` are returned again (their first end time
/// kept), so a retry after Redis failed to take the list republishes them.
pub async fn end_sessions(tx: &TenantTx, user: UserId, recent_secs: u64) -> Result<Vec<uuid::Uuid>, Error> {
    let sql = "with s as (update identity.sessions set revoked_at = coalesce(revoked_at, now()) \
                   where tenant_id = $1 and user_id = $2 \
                   and (revoked_at is null or revoked_at > now() - make_interval(secs => $3)) returning id), \
               r as (update identity.refresh_tokens set revoked_at = now() \
                   where tenant_id = $1 and user_id = $2 and revoked_at is null returning 1) \
               select id from s";
    let recent = recent_secs as f64;
    let values = vec![(*tx.tenant().as_uuid()).into(), (*user.as_uuid()).into(), recent.into()];
    let rows = tx.query_all_raw(stmt(sql, values)).await?;
    rows.iter().map(|row| row.try_get::<uuid::Uuid>("", "id").map_err(Error::from)).collect()
}

/// The email addresses of the practice's active admins.
pub async fn admin_emails(tx: &TenantTx) -> Result<Vec<String>, Error> {
    let sql = "select u.email from identity.memberships m join identity.users u on u.id = m.user_id \
               where m.tenant_id = $1 and m.status = 'active' and 'practice_admin' = any(m.roles) order by u.email";
    let rows = tx.query_all_raw(stmt(sql, vec![(*tx.tenant().as_uuid()).into()])).await?;
    rows.iter().map(|row| Ok(row.try_get("", "email")?)).collect()
}
