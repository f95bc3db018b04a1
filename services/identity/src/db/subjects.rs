//! Who a token is about: the person's claims (email, name) and status, and their roles in
//! the tenant the token is for. Read-only; accounts and memberships are managed elsewhere.

use super::stmt;
use sea_orm::{ConnectionTrait, DbErr, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

pub(crate) struct Subject {
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    /// `status = 'active'`: invited and disabled accounts get no tokens.
    pub active: bool,
    pub platform_operator: bool,
}

pub(crate) async fn subject(db: &impl ConnectionTrait, user: UserId) -> Result<Option<Subject>, DbErr> {
    let sql = "select email, email_verified_at is not null as email_verified, display_name, \
               status = 'active' as active, platform_role = 'platform_operator' as operator \
               from identity.users where id = $1";
    let Some(row) = db.query_one_raw(stmt(sql, [Uuid::from(user).into()])).await? else {
        return Ok(None);
    };
    Ok(Some(Subject {
        email: row.try_get("", "email")?,
        email_verified: row.try_get("", "email_verified")?,
        name: row.try_get("", "display_name")?,
        active: row.try_get("", "active")?,
        platform_operator: row.try_get::<Option<bool>>("", "operator")?.unwrap_or(false),
    }))
}

/// The person's roles in the transaction's tenant, if their membership there is active.
pub(crate) async fn membership_roles(tx: &TenantTx, user: UserId) -> Result<Option<Vec<String>>, DbErr> {
    // -- explicit tenant predicate on top of RLS (defence in depth, STYLE.md J)
    let sql = "select roles from identity.memberships \
               where tenant_id = $1 and user_id = $2 and status = 'active'";
    let values: Vec<Value> = vec![Uuid::from(tx.tenant()).into(), Uuid::from(user).into()];
    let row = (**tx).query_one_raw(stmt(sql, values)).await?;
    row.map(|row| row.try_get::<Vec<String>>("", "roles")).transpose()
}
