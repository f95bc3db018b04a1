//! The readiness answer other services ask for (booking, the telehealth room): titles and
//! booleans only, never a signed text or which documents were signed beyond what is
//! missing. Any practice member with `ConsentReadinessRead` asks about a client of the
//! practice; a client about themself. Audited (with how many documents are missing).

use anyhow::anyhow;
use tp_audit_log::action::consent::READINESS_READ;
use tp_authz::Permission;
use tp_consent_api::documents::Readiness;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};

use super::access::{Relationship, admit};
use super::signatures::open;
use super::templates::current;
use crate::audit::{Caller, record};
use crate::db::{requirements, signatures};
use crate::domain::access;
use crate::domain::readiness::{Required, Signed, readiness};
use crate::domain::template::TemplateRef;
use crate::error::Error;
use crate::state::AppState;

const READINESS: Relationship = access::readiness;

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn read(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
) -> Result<Readiness, Error> {
    admit(state, caller, (tenant, Permission::ConsentReadinessRead, READINESS_READ), Some((client, READINESS))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut required = Vec::new();
    for key in requirements::get(&tx).await? {
        // Templates are never deleted and requirements are checked when set: a key that no
        // longer resolves is a broken invariant, not a document the client may skip.
        let template = match TemplateRef::parse(&key) {
            Some(template) => current(&tx, template).await?,
            None => None,
        };
        let template = template.ok_or_else(|| Error::Internal(anyhow!("a required template does not exist")))?;
        required.push(Required { key: template.key, title: template.title });
    }
    let mut signed = Vec::new();
    for row in signatures::of_client(&tx, client).await? {
        let document = open(state, tenant, &row).await?;
        signed.push(Signed { key: document.template, kind: document.kind, withdrawn: row.withdrawn_at.is_some() });
    }
    let answer = readiness(required, &signed);
    let event =
        caller.success(READINESS_READ, tenant, Some(client)).detail("missing", answer.missing.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(answer)
}
