//! `identity.authorization_requests`: a validated `/oauth2/authorize` request, kept while
//! the person signs in (10 minutes), referenced by its random id from the sign-in forms and
//! consumed (deleted) when its code is issued, so one request yields at most one code.
//!
//! Not here: validating the request (`signin::request`); what is stored was checked there.

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use uuid::Uuid;

/// How long a person has to finish signing in.
const LIFETIME_SECS: f64 = 600.0;

pub(crate) struct StoredRequest {
    /// Random (v4), not time-ordered: it travels in forms and must not be guessable.
    pub id: Uuid,
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub min_auth_time: Option<DateTime<Utc>>,
}

/// Stores the request; `min_auth_age_secs` (0 for `prompt=login`, `max_age` otherwise)
/// becomes `min_auth_time` by the database clock, like the session's `auth_time`.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    request: &StoredRequest,
    min_auth_age_secs: Option<i64>,
) -> Result<(), DbErr> {
    let sql = "insert into identity.authorization_requests (id, client_id, redirect_uri, scopes, state, nonce, \
               code_challenge, expires_at, min_auth_time) values ($1, $2, $3, $4, $5, $6, $7, \
               now() + make_interval(secs => $8), now() - make_interval(secs => $9::bigint::double precision))";
    let values: Vec<Value> = vec![
        request.id.into(),
        request.client_id.clone().into(),
        request.redirect_uri.clone().into(),
        request.scopes.clone().into(),
        request.state.clone().into(),
        request.nonce.clone().into(),
        request.code_challenge.clone().into(),
        LIFETIME_SECS.into(),
        min_auth_age_secs.into(),
    ];
    db.execute_raw(stmt(sql, values)).await.map(|_| ())
}

/// The request `id` if it has not expired or been consumed.
pub(crate) async fn find_live(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<StoredRequest>, DbErr> {
    let sql = "select id, client_id, redirect_uri, scopes, state, nonce, code_challenge, min_auth_time \
               from identity.authorization_requests where id = $1 and expires_at > now()";
    let Some(row) = db.query_one_raw(stmt(sql, [id.into()])).await? else { return Ok(None) };
    Ok(Some(StoredRequest {
        id: row.try_get("", "id")?,
        client_id: row.try_get("", "client_id")?,
        redirect_uri: row.try_get("", "redirect_uri")?,
        scopes: row.try_get("", "scopes")?,
        state: row.try_get("", "state")?,
        nonce: row.try_get("", "nonce")?,
        code_challenge: row.try_get("", "code_challenge")?,
        min_auth_time: row.try_get("", "min_auth_time")?,
    }))
}

/// Consumes the request; `false` when it was already consumed or has expired (a second
/// tab or a replayed form lost the race).
pub(crate) async fn consume(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let sql = "delete from identity.authorization_requests where id = $1 and expires_at > now()";
    Ok(db.execute_raw(stmt(sql, [id.into()])).await?.rows_affected() == 1)
}
