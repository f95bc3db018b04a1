//! One-time account tokens (`identity.account_tokens`): issue, look at, consume.
//!
//! Consuming is one statement (`update … where used_at is null and expires_at > now()
//! returning`): two concurrent uses of a link cannot both succeed, and an expired or used
//! token is indistinguishable from an unknown one to the caller.

use super::stmt;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbErr, QueryResult};
use tp_ids::{TenantId, UserId};

use crate::domain::account_token::{Purpose, TokenHash};

/// Whom a live token is for.
pub struct TokenRecord {
    pub user: UserId,
    pub tenant: Option<TenantId>,
}

fn record(row: &QueryResult) -> Result<TokenRecord, DbErr> {
    Ok(TokenRecord {
        user: UserId::from_uuid(row.try_get("", "user_id")?),
        tenant: row.try_get::<Option<uuid::Uuid>>("", "tenant_id")?.map(TenantId::from_uuid),
    })
}

/// Stores a new token. Older unused tokens of the same purpose, person and practice are
/// spent first: only the latest link works (a reset link requested twice, a re-invitation).
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    hash: &TokenHash,
    purpose: Purpose,
    record: &TokenRecord,
    ttl: Duration,
) -> Result<(), DbErr> {
    let user = *record.user.as_uuid();
    let tenant = record.tenant.map(|t| *t.as_uuid());
    let supersede = "update identity.account_tokens set used_at = now() \
                     where user_id = $1 and purpose = $2 and tenant_id is not distinct from $3 and used_at is null";
    db.execute_raw(stmt(supersede, [user.into(), purpose.as_str().into(), tenant.into()])).await?;
    let insert = "insert into identity.account_tokens (token_hash, purpose, user_id, tenant_id, expires_at) \
                  values ($1, $2, $3, $4, now() + make_interval(secs => $5))";
    let secs = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
    let values = [hash.0.to_vec().into(), purpose.as_str().into(), user.into(), tenant.into(), secs.into()];
    db.execute_raw(stmt(insert, values)).await.map(|_| ())
}

/// The live token's record without spending it (to render the form the link opens).
pub async fn peek<C: ConnectionTrait>(
    db: &C,
    hash: &TokenHash,
    purpose: Purpose,
) -> Result<Option<TokenRecord>, DbErr> {
    let sql = "select user_id, tenant_id from identity.account_tokens \
               where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()";
    let row = db.query_one_raw(stmt(sql, [hash.0.to_vec().into(), purpose.as_str().into()])).await?;
    row.as_ref().map(record).transpose()
}

/// Spends the token; `None` when it is unknown, of another purpose, used or expired.
pub async fn consume<C: ConnectionTrait>(
    db: &C,
    hash: &TokenHash,
    purpose: Purpose,
) -> Result<Option<TokenRecord>, DbErr> {
    let sql = "update identity.account_tokens set used_at = now() \
               where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now() \
               returning user_id, tenant_id";
    let row = db.query_one_raw(stmt(sql, [hash.0.to_vec().into(), purpose.as_str().into()])).await?;
    row.as_ref().map(record).transpose()
}
