//! The audit service's SQL: [`ChainTx`] (a transaction scoped to one chain, the only way in),
//! the sealer's reads and writes ([`seals`]), verification's reads ([`read`]) and the read
//! API's pages of events ([`events`], in a `tp_db::TenantTx`).

pub mod events;
pub mod read;
pub mod seals;

use std::ops::Deref;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, IsolationLevel, QueryResult,
    Statement, TransactionTrait, Value,
};

use crate::domain::chain::{Chain, SealedEvent};

/// A transaction whose `app.tenant_id` is the chain's tenant, or empty for the platform
/// chain, so every RLS policy of the audit schema confines it to that one chain. Set
/// explicitly in both cases: nothing is inherited from the pooled connection.
pub struct ChainTx {
    chain: Chain,
    tx: DatabaseTransaction,
}

impl ChainTx {
    /// A read-write transaction (the sealer).
    pub async fn begin(db: &DatabaseConnection, chain: Chain) -> Result<Self, DbErr> {
        Self::scope(db.begin().await?, chain).await
    }

    /// A read-only snapshot (verification): every query sees the same state of the chain.
    pub async fn snapshot(db: &DatabaseConnection, chain: Chain) -> Result<Self, DbErr> {
        let tx = db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?;
        Self::scope(tx, chain).await
    }

    async fn scope(tx: DatabaseTransaction, chain: Chain) -> Result<Self, DbErr> {
        let tenant = chain.tenant().map(|t| t.to_string()).unwrap_or_default();
        tx.execute_raw(Statement::from_sql_and_values(
            tx.get_database_backend(),
            "select set_config('app.tenant_id', $1, true)",
            [tenant.into()],
        ))
        .await?;
        Ok(Self { chain, tx })
    }

    pub const fn chain(&self) -> Chain {
        self.chain
    }

    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }

    /// A statement whose `$1` is the chain's tenant (NULL for the platform chain).
    pub(crate) fn statement(&self, sql: &str, mut values: Vec<Value>) -> Statement {
        values.insert(0, self.chain.tenant_uuid().into());
        Statement::from_sql_and_values(self.tx.get_database_backend(), sql, values)
    }

    /// The chain's predicate on `alias.tenant_id` with the tenant as `$1`. Written per case
    /// rather than as `is not distinct from`, which no index serves. RLS applies as well.
    pub(crate) fn filter(&self, alias: &str) -> String {
        match self.chain {
            Chain::Platform => format!("({alias}.tenant_id is null and $1::uuid is null)"),
            Chain::Tenant(_) => format!("{alias}.tenant_id = $1"),
        }
    }
}

impl Deref for ChainTx {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

/// The event columns, selected from `audit.events` aliased `e`, in [`event_from_row`]'s names.
pub(crate) const EVENT_COLUMNS: &str = "e.id, e.tenant_id, e.occurred_at, \
    (extract(epoch from e.occurred_at) * 1000000)::bigint as occurred_at_micros, e.service, e.action, \
    e.outcome, e.actor_kind, e.actor_id, e.subject_kind, e.subject_id, e.request_id, e.details::text as details";

pub(crate) fn event_from_row(row: &QueryResult) -> Result<SealedEvent, DbErr> {
    Ok(SealedEvent {
        id: row.try_get("", "id")?,
        tenant_id: row.try_get("", "tenant_id")?,
        occurred_at_micros: row.try_get("", "occurred_at_micros")?,
        service: row.try_get("", "service")?,
        action: row.try_get("", "action")?,
        outcome: row.try_get("", "outcome")?,
        actor_kind: row.try_get("", "actor_kind")?,
        actor_id: row.try_get("", "actor_id")?,
        subject_kind: row.try_get("", "subject_kind")?,
        subject_id: row.try_get("", "subject_id")?,
        request_id: row.try_get("", "request_id")?,
        details: row.try_get("", "details")?,
    })
}

/// A 32-byte hash column; anything else is corrupt data, not a bug to panic on.
pub(crate) fn hash_from_row(row: &QueryResult, column: &str) -> Result<[u8; 32], DbErr> {
    let bytes: Vec<u8> = row.try_get("", column)?;
    bytes.try_into().map_err(|_| DbErr::Custom(format!("{column} is not 32 bytes")))
}
