//! Deleting what has expired for good: authorization requests, codes, federation states,
//! account links, refresh tokens and sessions whose expiry passed more than a grace period
//! ago. Until then they stay, so a late replay still finds the row and is refused (and a
//! reused refresh token still revokes its family); afterwards they are inert and only grow
//! the tables. Audit events keep their ids; nothing here touches `audit.events`.

use super::stmt;
use sea_orm::{ConnectionTrait, DbErr};

/// Children first: codes and refresh tokens reference sessions, federation states reference
/// authorization requests (cascade). Each statement is independent and idempotent.
const SWEEPS: [&str; 6] = [
    "delete from identity.authorization_codes where expires_at < now() - make_interval(secs => $1)",
    "delete from identity.refresh_tokens where expires_at < now() - make_interval(secs => $1)",
    "delete from identity.federation_states where expires_at < now() - make_interval(secs => $1)",
    "delete from identity.authorization_requests where expires_at < now() - make_interval(secs => $1)",
    "delete from identity.account_tokens where expires_at < now() - make_interval(secs => $1)",
    "delete from identity.sessions s where s.expires_at < now() - make_interval(secs => $1) \
     and not exists (select 1 from identity.refresh_tokens r where r.session_id = s.id) \
     and not exists (select 1 from identity.authorization_codes c where c.session_id = s.id)",
];

/// Deletes rows expired more than `grace_secs` ago; returns how many.
pub(crate) async fn sweep_expired(db: &impl ConnectionTrait, grace_secs: u32) -> Result<u64, DbErr> {
    let mut deleted = 0;
    for sql in SWEEPS {
        let statement = stmt(sql, [f64::from(grace_secs).into()]);
        deleted += db.execute_raw(statement).await?.rows_affected();
    }
    Ok(deleted)
}
