//! A person's own memberships across practices, read before any practice is chosen or
//! regardless of it: the active ones for the tenant chooser, the MFA policy and session
//! lifetime at sign-in (and the policy again before each code); whether any exists outside
//! one practice, for the SSO linking rule; and the person's practices for `/v1/me/tenants`.
//!
//! Read through the `own_memberships` RLS policy: the transaction names the person
//! (`app.user_id`, transaction-local) instead of a tenant, so it sees that person's rows in
//! every practice and nobody else's. Suspended and offboarded practices are never listed.

use super::stmt;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait as _, Value};
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

/// One practice the person may sign in to, with what the sign-in needs of its policy.
#[derive(Debug, Clone)]
pub(crate) struct OwnMembership {
    pub tenant: TenantId,
    pub name: String,
    pub roles: Vec<String>,
    pub mfa_required_roles: Vec<String>,
    pub absolute_timeout_secs: i32,
}

/// Runs `sql` (whose `$1` is the person) in a transaction naming the person, so the
/// `own_memberships` policy shows their rows in every practice.
async fn own_rows(
    db: &DatabaseConnection,
    user: UserId,
    sql: &str,
    mut values: Vec<Value>,
) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    let tx = db.begin().await?;
    tx.execute_raw(stmt("select set_config('app.user_id', $1, true)", [user.to_string().into()])).await?;
    values.insert(0, Uuid::from(user).into());
    let rows = tx.query_all_raw(stmt(sql, values)).await?;
    tx.commit().await?;
    Ok(rows)
}

/// One practice of the person's, as `/v1/me/tenants` lists it.
#[derive(Debug, Clone)]
pub(crate) struct AccountMembership {
    pub tenant: TenantId,
    pub slug: String,
    pub name: String,
    pub status: String,
    pub roles: Vec<String>,
}

/// The person's active memberships in practices that are not offboarded (a suspended one is
/// listed with its status: the person should learn why they cannot sign in there).
pub(crate) async fn list_for_account(db: &DatabaseConnection, user: UserId) -> Result<Vec<AccountMembership>, DbErr> {
    // -- explicit user predicate on top of the policy (defence in depth, STYLE.md J)
    let sql = "select m.tenant_id, t.slug, t.name, t.status, m.roles \
               from identity.memberships m join identity.tenants t on t.id = m.tenant_id \
               where m.user_id = $1 and m.status = 'active' and t.status <> 'offboarded' order by t.name, t.id";
    let rows = own_rows(db, user, sql, vec![]).await?;
    rows.iter()
        .map(|row| {
            Ok(AccountMembership {
                tenant: TenantId::from_uuid(row.try_get("", "tenant_id")?),
                slug: row.try_get("", "slug")?,
                name: row.try_get("", "name")?,
                status: row.try_get("", "status")?,
                roles: row.try_get("", "roles")?,
            })
        })
        .collect()
}

/// Whether the person has a membership that is not removed (invited or active, in a
/// practice of any status: a suspended one may come back) in a practice other than `tenant`.
pub(crate) async fn belongs_elsewhere(db: &DatabaseConnection, user: UserId, tenant: TenantId) -> Result<bool, DbErr> {
    // -- explicit user predicate on top of the policy (defence in depth, STYLE.md J)
    let sql = "select 1 as one from identity.memberships \
               where user_id = $1 and tenant_id <> $2 and status <> 'removed' limit 1";
    Ok(!own_rows(db, user, sql, vec![Uuid::from(tenant).into()]).await?.is_empty())
}

/// The person's active memberships in active practices, by practice name.
pub(crate) async fn list_active(db: &DatabaseConnection, user: UserId) -> Result<Vec<OwnMembership>, DbErr> {
    // -- explicit user predicate on top of the policy (defence in depth, STYLE.md J)
    let sql = "select m.tenant_id, t.name, m.roles, t.mfa_required_roles, t.absolute_timeout_secs \
               from identity.memberships m join identity.tenants t on t.id = m.tenant_id \
               where m.user_id = $1 and m.status = 'active' and t.status = 'active' order by t.name, t.id";
    let rows = own_rows(db, user, sql, vec![]).await?;
    rows.iter()
        .map(|row| {
            Ok(OwnMembership {
                tenant: TenantId::from_uuid(row.try_get("", "tenant_id")?),
                name: row.try_get("", "name")?,
                roles: row.try_get("", "roles")?,
                mfa_required_roles: row.try_get("", "mfa_required_roles")?,
                absolute_timeout_secs: row.try_get("", "absolute_timeout_secs")?,
            })
        })
        .collect()
}
