//! Verification's SQL, inside a [`ChainTx::snapshot`]: the seals page by page with their
//! events as they read now, the checkpoints, and the unsealed events on either side of the
//! late-commit window.

use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::db::{ChainTx, EVENT_COLUMNS, event_from_row, hash_from_row};
use crate::domain::chain::SealedEvent;
use crate::domain::verify::Seal;

/// Seals with `seq > after`, ascending, at most `limit`; each with its event if the chain
/// can still see it (a deleted event, or one moved to another tenant, reads as `None`).
pub async fn seals_after(tx: &ChainTx, after: i64, limit: i64) -> Result<Vec<(Seal, Option<SealedEvent>)>, DbErr> {
    let sql = format!(
        "select s.seq, s.event_id, s.prev_hash, s.hash, e.id is not null as present, {EVENT_COLUMNS} \
         from audit.seals s left join audit.events e on e.id = s.event_id \
         where {} and s.seq > $2 order by s.seq limit $3",
        tx.filter("s"),
    );
    let rows = tx.query_all_raw(tx.statement(&sql, vec![after.into(), limit.into()])).await?;
    rows.iter()
        .map(|row| {
            let seal = Seal {
                seq: row.try_get("", "seq")?,
                event_id: row.try_get("", "event_id")?,
                prev_hash: hash_from_row(row, "prev_hash")?,
                hash: hash_from_row(row, "hash")?,
            };
            let present: bool = row.try_get("", "present")?;
            let event = if present { Some(event_from_row(row)?) } else { None };
            Ok((seal, event))
        })
        .collect()
}

/// Every checkpoint of the chain: `(seq, hash, signature)`.
pub async fn checkpoints(tx: &ChainTx) -> Result<Vec<(i64, [u8; 32], String)>, DbErr> {
    let sql = format!("select seq, hash, signature from audit.checkpoints c where {} order by seq", tx.filter("c"));
    let rows = tx.query_all_raw(tx.statement(&sql, vec![])).await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "seq")?, hash_from_row(row, "hash")?, row.try_get("", "signature")?)))
        .collect()
}

/// Unsealed events more than `window_secs` older than the chain's horizon (at most `limit`),
/// and how many unsealed events are within it (pending, not a problem).
pub async fn unsealed(tx: &ChainTx, window_secs: u64, limit: i64) -> Result<(Vec<Uuid>, i64), DbErr> {
    let unsealed = format!(
        "from audit.events e where {events} \
           and not exists (select 1 from audit.seals s where s.event_id = e.id)",
        events = tx.filter("e"),
    );
    let cutoff = format!(
        "coalesce((select max(s.occurred_at) from audit.seals s where {}) - make_interval(secs => $2), \
         '-infinity'::timestamptz)",
        tx.filter("s"),
    );
    let window = window_secs as f64;
    let sql = format!("select e.id {unsealed} and e.occurred_at < {cutoff} order by e.occurred_at, e.id limit $3");
    let rows = tx.query_all_raw(tx.statement(&sql, vec![window.into(), limit.into()])).await?;
    let inserted = rows.iter().map(|row| row.try_get("", "id")).collect::<Result<Vec<Uuid>, DbErr>>()?;
    let sql = format!("select count(*) as pending {unsealed} and e.occurred_at >= {cutoff}");
    let row = tx.query_one_raw(tx.statement(&sql, vec![window.into()])).await?;
    let pending = row.map(|row| row.try_get("", "pending")).transpose()?.unwrap_or(0);
    Ok((inserted, pending))
}
