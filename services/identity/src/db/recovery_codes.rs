//! Second-factor storage: the TOTP columns of `identity.users` (encrypted secret, enabled
//! flag, last accepted step) and `identity.recovery_codes` (SHA-256 digests, single use).
//!
//! Every "accept" is a conditional update that reports whether it applied, so a TOTP step
//! or a recovery code cannot be used twice even by two concurrent requests.

use super::stmt;
use sea_orm::{ConnectionTrait, DbErr};
use tp_ids::UserId;

use crate::domain::email::Email;

/// A person's second-factor state.
pub struct MfaRecord {
    pub email: Email,
    /// `vault:vN:…`, pending (not yet confirmed) when `enabled` is false.
    pub secret_enc: Option<String>,
    pub enabled: bool,
    pub last_step: Option<i64>,
}

pub async fn find<C: ConnectionTrait>(db: &C, user: UserId) -> Result<Option<MfaRecord>, DbErr> {
    let sql = "select email, totp_secret_enc, totp_enabled_at is not null as enabled, totp_last_step \
               from identity.users where id = $1";
    let Some(row) = db.query_one_raw(stmt(sql, [(*user.as_uuid()).into()])).await? else { return Ok(None) };
    Ok(Some(MfaRecord {
        email: Email::from_trusted(row.try_get("", "email")?),
        secret_enc: row.try_get("", "totp_secret_enc")?,
        enabled: row.try_get("", "enabled")?,
        last_step: row.try_get("", "totp_last_step")?,
    }))
}

/// Stores a new, unconfirmed secret; `false` when TOTP is already enabled (replacing an
/// enabled secret is a reset, which is not this).
pub async fn store_pending_secret<C: ConnectionTrait>(db: &C, user: UserId, secret_enc: &str) -> Result<bool, DbErr> {
    let sql = "update identity.users set totp_secret_enc = $2, totp_last_step = null \
               where id = $1 and totp_enabled_at is null";
    let done = db.execute_raw(stmt(sql, [(*user.as_uuid()).into(), secret_enc.into()])).await?;
    Ok(done.rows_affected() == 1)
}

/// Enables the pending secret whose code was just accepted at `step`.
pub async fn enable<C: ConnectionTrait>(db: &C, user: UserId, secret_enc: &str, step: i64) -> Result<bool, DbErr> {
    // Guarded on the exact secret confirmed: a concurrent re-enrolment makes this a no-op.
    let sql = "update identity.users set totp_enabled_at = now(), totp_last_step = $3 \
               where id = $1 and totp_enabled_at is null and totp_secret_enc = $2";
    let done = db.execute_raw(stmt(sql, [(*user.as_uuid()).into(), secret_enc.into(), step.into()])).await?;
    Ok(done.rows_affected() == 1)
}

/// Records `step` as used; `false` when it (or a later one) already was.
pub async fn accept_step<C: ConnectionTrait>(db: &C, user: UserId, step: i64) -> Result<bool, DbErr> {
    let sql = "update identity.users set totp_last_step = $2 \
               where id = $1 and totp_enabled_at is not null and (totp_last_step is null or totp_last_step < $2)";
    let done = db.execute_raw(stmt(sql, [(*user.as_uuid()).into(), step.into()])).await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces all recovery codes of `user` with `hashes`.
pub async fn replace_codes<C: ConnectionTrait>(db: &C, user: UserId, hashes: &[[u8; 32]]) -> Result<(), DbErr> {
    let id = *user.as_uuid();
    db.execute_raw(stmt("delete from identity.recovery_codes where user_id = $1", [id.into()])).await?;
    for hash in hashes {
        let sql = "insert into identity.recovery_codes (user_id, code_hash) values ($1, $2)";
        db.execute_raw(stmt(sql, [id.into(), hash.to_vec().into()])).await?;
    }
    Ok(())
}

/// Spends a recovery code; `false` when unknown or already used.
pub async fn use_code<C: ConnectionTrait>(db: &C, user: UserId, hash: &[u8; 32]) -> Result<bool, DbErr> {
    let sql = "update identity.recovery_codes set used_at = now() \
               where user_id = $1 and code_hash = $2 and used_at is null";
    let done = db.execute_raw(stmt(sql, [(*user.as_uuid()).into(), hash.to_vec().into()])).await?;
    Ok(done.rows_affected() == 1)
}
