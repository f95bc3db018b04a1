//! [`TenantTx`]: a transaction bound to one tenant.
//!
//! `begin` runs `set_config('app.tenant_id', $1, true)` as the first statement, so every
//! RLS policy (`tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid`) sees
//! the tenant for exactly this transaction. `true` makes the setting transaction-local: a
//! pooled connection returned after commit or rollback carries no tenant into its next use.
//! A transaction that is dropped without `commit` rolls back (sea-orm's behaviour).

use std::ops::Deref;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, Statement, TransactionTrait};
use tp_ids::TenantId;

use crate::DbError;

pub struct TenantTx {
    tenant: TenantId,
    tx: DatabaseTransaction,
}

impl TenantTx {
    pub async fn begin(db: &DatabaseConnection, tenant: TenantId) -> Result<Self, DbError> {
        let tx = db.begin().await?;
        tx.execute_raw(Statement::from_sql_and_values(
            tx.get_database_backend(),
            "select set_config('app.tenant_id', $1, true)",
            [tenant.to_string().into()],
        ))
        .await?;
        Ok(Self { tenant, tx })
    }

    /// The tenant every statement of this transaction is confined to.
    pub const fn tenant(&self) -> TenantId {
        self.tenant
    }

    pub async fn commit(self) -> Result<(), DbError> {
        Ok(self.tx.commit().await?)
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        Ok(self.tx.rollback().await?)
    }
}

/// Repository code runs sea-orm queries against `&*tx`; the tenant was fixed at `begin`.
impl Deref for TenantTx {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}
