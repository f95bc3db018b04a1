//! What federation reads and changes outside its own tables: the practice by slug, the
//! authorization request a flow belongs to, and the account an IdP-vouched email links to
//! (its membership through RLS). Kept apart from the tenants/users/memberships modules so
//! those stay with their owners; the statements are federation's own.

use super::stmt;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tp_db::{DbError, TenantTx};
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

/// The account an email belongs to, and its membership in the transaction's tenant.
pub(crate) struct MemberCandidate {
    pub user: UserId,
    pub user_status: String,
    /// Platform operators never sign in through a practice's IdP.
    pub platform_operator: bool,
    /// `None` without a membership row in this tenant.
    pub membership_status: Option<String>,
}

pub(crate) async fn tenant_id_by_slug(db: &DatabaseConnection, slug: &str) -> Result<Option<TenantId>, DbError> {
    let sql = "select id from identity.tenants where slug = $1";
    let row = db.query_one_raw(stmt(sql, [slug.into()])).await?;
    Ok(row.map(|r| r.try_get("", "id")).transpose()?.map(TenantId::from_uuid))
}

/// Suspended and offboarded practices sign no one in.
pub(crate) async fn tenant_is_active(db: &DatabaseConnection, tenant: TenantId) -> Result<bool, DbError> {
    let sql = "select 1 as one from identity.tenants where id = $1 and status = 'active'";
    let values = [(*tenant.as_uuid()).into()];
    Ok(db.query_one_raw(stmt(sql, values)).await?.is_some())
}

pub(crate) async fn tenant_exists(db: &DatabaseConnection, tenant: TenantId) -> Result<bool, DbError> {
    let sql = "select 1 as one from identity.tenants where id = $1";
    let values = [(*tenant.as_uuid()).into()];
    Ok(db.query_one_raw(stmt(sql, values)).await?.is_some())
}

pub(crate) async fn authorization_request_is_live(db: &DatabaseConnection, id: Uuid) -> Result<bool, DbError> {
    let sql = "select 1 as one from identity.authorization_requests where id = $1 and expires_at > now()";
    Ok(db.query_one_raw(stmt(sql, [id.into()])).await?.is_some())
}

/// `email` must be normalised (lower case), as `identity.users.email` is.
pub(crate) async fn find_member(tx: &TenantTx, email: &str) -> Result<Option<MemberCandidate>, DbError> {
    let sql = "select u.id, u.status as user_status, m.status as membership_status, \
               coalesce(u.platform_role = 'platform_operator', false) as platform_operator \
               from identity.users u \
               left join identity.memberships m on m.user_id = u.id and m.tenant_id = $2 \
               where u.email = $1";
    let values = [email.into(), (*tx.tenant().as_uuid()).into()];
    let Some(row) = tx.query_one_raw(stmt(sql, values)).await? else {
        return Ok(None);
    };
    Ok(Some(MemberCandidate {
        user: UserId::from_uuid(row.try_get("", "id")?),
        user_status: row.try_get("", "user_status")?,
        platform_operator: row.try_get("", "platform_operator")?,
        membership_status: row.try_get("", "membership_status")?,
    }))
}

/// Activates an invited (or keeps an active) membership and records that the email was
/// verified (by the IdP); an invited account becomes active. `false` when the membership
/// was removed meanwhile: nothing is changed then.
pub(crate) async fn link_member(tx: &TenantTx, user: UserId) -> Result<bool, DbError> {
    let membership = "update identity.memberships set status = 'active' \
                      where tenant_id = $1 and user_id = $2 and status in ('invited', 'active')";
    let values = [(*tx.tenant().as_uuid()).into(), (*user.as_uuid()).into()];
    let updated = tx.execute_raw(stmt(membership, values)).await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    let account = "update identity.users set email_verified_at = coalesce(email_verified_at, now()), \
                   status = case when status = 'invited' then 'active' else status end \
                   where id = $1 and status <> 'disabled'";
    let values = [(*user.as_uuid()).into()];
    let updated = tx.execute_raw(stmt(account, values)).await?;
    Ok(updated.rows_affected() == 1)
}
