//! The sealer's SQL: which chains have work, the chain's head and horizon, the next unsealed
//! events, and appending seals and checkpoints. Always inside a [`ChainTx`] except
//! [`chains_with_unsealed`], which asks the security-definer function for tenant ids only.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use uuid::Uuid;

use crate::db::{ChainTx, EVENT_COLUMNS, event_from_row, hash_from_row};
use crate::domain::chain::{Chain, SealedEvent};

/// Chains with unsealed events that occurred at or after `since` (`None`: ever).
pub async fn chains_with_unsealed(db: &DatabaseConnection, since: Option<DateTime<Utc>>) -> Result<Vec<Chain>, DbErr> {
    let sql = "select tenant_id from audit.chains_with_unsealed_events(coalesce($1, '-infinity'::timestamptz))";
    let rows = db.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, [since.into()])).await?;
    rows.iter().map(|row| Ok(Chain::from_tenant(row.try_get("", "tenant_id")?))).collect()
}

/// The database's clock, which stamps events: the sealer measures time with it, not ours.
pub async fn now(db: &DatabaseConnection) -> Result<DateTime<Utc>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, "select now() as now"))
        .await?
        .ok_or_else(|| DbErr::Custom("now() returned no row".into()))?;
    row.try_get("", "now")
}

/// Serialises sealers of one chain (several replicas) until the transaction ends.
pub async fn lock_chain(tx: &ChainTx) -> Result<(), DbErr> {
    let key = format!("tp-audit-chain:{}", tx.chain());
    let sql = "select pg_advisory_xact_lock(hashtextextended($1, 0))";
    tx.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, [key.into()])).await.map(|_| ())
}

/// The newest seal's `seq` and hash, if the chain has begun.
pub async fn head(tx: &ChainTx) -> Result<Option<(i64, [u8; 32])>, DbErr> {
    let sql = format!("select seq, hash from audit.seals s where {} order by seq desc limit 1", tx.filter("s"));
    let row = tx.query_one_raw(tx.statement(&sql, vec![])).await?;
    row.map(|row| Ok((row.try_get("", "seq")?, hash_from_row(&row, "hash")?))).transpose()
}

/// Up to `limit` unsealed events of the chain in (occurred_at, id) order, skipping those
/// more than `window_secs` older than the chain's horizon (they are reported, never sealed).
pub async fn unsealed(tx: &ChainTx, window_secs: u64, limit: u64) -> Result<Vec<(SealedEvent, DateTime<Utc>)>, DbErr> {
    let sql = format!(
        "select {EVENT_COLUMNS} from audit.events e \
         where {events} \
           and e.occurred_at >= coalesce((select max(s.occurred_at) from audit.seals s where {seals}) \
               - make_interval(secs => $2), '-infinity'::timestamptz) \
           and not exists (select 1 from audit.seals s where s.event_id = e.id) \
         order by e.occurred_at, e.id limit $3",
        events = tx.filter("e"),
        seals = tx.filter("s"),
    );
    let values = vec![(window_secs as f64).into(), i64::try_from(limit).unwrap_or(i64::MAX).into()];
    let rows = tx.query_all_raw(tx.statement(&sql, values)).await?;
    rows.iter().map(|row| Ok((event_from_row(row)?, row.try_get("", "occurred_at")?))).collect()
}

/// One new link. `false` when the event is sealed already (in another chain: it was moved
/// there behind our back; verification of both chains reports it).
pub async fn append_seal(
    tx: &ChainTx,
    seq: i64,
    event_id: Uuid,
    occurred_at: DateTime<Utc>,
    prev_hash: &[u8; 32],
    hash: &[u8; 32],
) -> Result<bool, DbErr> {
    let sql = "insert into audit.seals (tenant_id, seq, event_id, occurred_at, prev_hash, hash) \
               values ($1, $2, $3, $4, $5, $6) on conflict (event_id) do nothing";
    let values = vec![seq.into(), event_id.into(), occurred_at.into(), prev_hash.to_vec().into(), hash.to_vec().into()];
    Ok(tx.execute_raw(tx.statement(sql, values)).await?.rows_affected() == 1)
}

pub async fn append_checkpoint(tx: &ChainTx, seq: i64, hash: &[u8; 32], signature: &str) -> Result<(), DbErr> {
    let sql = "insert into audit.checkpoints (tenant_id, seq, hash, signature) values ($1, $2, $3, $4)";
    let values = vec![seq.into(), hash.to_vec().into(), signature.into()];
    tx.execute_raw(tx.statement(sql, values)).await.map(|_| ())
}
