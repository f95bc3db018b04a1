//! Writing identity's audit events into `audit.events`: [`ScopedTx`], the transaction an
//! event of a given tenant may be written in, [`record`] for a call site that records its
//! event in the transaction of the change it describes (so both commit or neither does),
//! and [`emit`] for one that has no transaction of its own (refusals, token issuance).
//!
//! Either way an event that cannot be written is an `Error` the caller returns: the
//! operation fails with it (fail closed). The few places that deliberately keep a change
//! whose event failed (lockout counters, revocations of a compromised grant) say so where
//! they do it.
//!
//! Not here: what goes into an event. Call sites build it from ids and codes only, never an
//! email, a name, a secret or a token.

use std::ops::Deref;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait as _};
use tp_audit_log::AuditEvent;
use tp_db::{DbError, TenantTx};
use tp_ids::TenantId;

use crate::error::Error;

/// A transaction scoped to one tenant, or to none: the table's insert policy accepts an
/// event only when its tenant is the transaction's `app.tenant_id` (a platform event only
/// when none is set).
pub(crate) enum ScopedTx {
    Tenant(TenantTx),
    Platform(DatabaseTransaction),
}

impl ScopedTx {
    pub(crate) async fn begin(db: &DatabaseConnection, tenant: Option<TenantId>) -> Result<Self, DbError> {
        Ok(match tenant {
            Some(tenant) => Self::Tenant(TenantTx::begin(db, tenant).await?),
            None => Self::Platform(db.begin().await?),
        })
    }

    pub(crate) async fn commit(self) -> Result<(), DbError> {
        match self {
            Self::Tenant(tx) => tx.commit().await,
            Self::Platform(tx) => Ok(tx.commit().await?),
        }
    }

    pub(crate) async fn rollback(self) -> Result<(), DbError> {
        match self {
            Self::Tenant(tx) => tx.rollback().await,
            Self::Platform(tx) => Ok(tx.rollback().await?),
        }
    }
}

impl Deref for ScopedTx {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &Self::Target {
        match self {
            Self::Tenant(tx) => tx,
            Self::Platform(tx) => tx,
        }
    }
}

/// Appends `event` on `conn`, the transaction of the change it describes, which must be
/// scoped to the event's tenant ([`ScopedTx`], or a `TenantTx` of that tenant).
pub(crate) async fn record(conn: &impl ConnectionTrait, event: &AuditEvent) -> Result<(), Error> {
    tp_audit_log::record(conn, event).await.map_err(|e| Error::Internal(e.into()))
}

/// Writes `event` in a transaction of its own, scoped to the event's tenant.
#[tracing::instrument(skip_all, fields(action = %event.action()))]
pub(crate) async fn emit(db: &DatabaseConnection, event: AuditEvent) -> Result<(), Error> {
    let tx = ScopedTx::begin(db, event.tenant_id()).await?;
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Builds an event for a tenant that may be absent (a platform operator's token, an account
/// that belongs to no practice yet): platform-level then.
pub(crate) trait OptionalTenant {
    #[must_use]
    fn tenant_opt(self, tenant: Option<TenantId>) -> Self;
}

impl OptionalTenant for AuditEvent {
    fn tenant_opt(self, tenant: Option<TenantId>) -> Self {
        match tenant {
            Some(tenant) => self.tenant(tenant),
            None => self,
        }
    }
}
