//! Consent templates: the built-ins (in code) and the practice's own (stored, versioned).
//!
//! Templates hold no PHI: every member with `ConsentTemplatesRead` reads them (clients too:
//! they read what they sign), and reads are not audited. Saving one needs
//! `ConsentTemplatesManage` (practice admins) and is audited in its transaction. A new
//! version keeps the template's kind; a version once saved never changes (see the
//! migration).

use tp_audit_log::action::consent::TEMPLATE_SAVED;
use tp_authz::Permission;
use tp_consent_api::templates::{Template, TemplateInput, TemplateList};
use tp_db::TenantTx;
use tp_ids::TenantId;
use uuid::Uuid;

use super::access::{admit, person};
use crate::audit::{Caller, record};
use crate::builtin::{BUILTINS, Builtin};
use crate::db::templates::{self as rows, TemplateRow};
use crate::domain::template::{TemplateRef, TemplateText, sha256_hex};
use crate::error::Error;
use crate::state::AppState;

/// The built-ins, then the practice's templates (by title), each at its latest version.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(state: &AppState, caller: &Caller<'_>, tenant: TenantId) -> Result<TemplateList, Error> {
    tp_authz::authorize(caller.principal, Some(tenant), Permission::ConsentTemplatesRead)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let own = rows::all_latest(&tx).await?;
    tx.commit().await?;
    let mut templates: Vec<Template> = BUILTINS.iter().map(builtin).collect();
    for row in own {
        templates.push(stored(row)?);
    }
    Ok(TemplateList { templates })
}

/// One template at its latest version, by built-in key or id; anything else is not found.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(state: &AppState, caller: &Caller<'_>, tenant: TenantId, key: &str) -> Result<Template, Error> {
    tp_authz::authorize(caller.principal, Some(tenant), Permission::ConsentTemplatesRead)?;
    let template = TemplateRef::parse(key).ok_or(Error::NotFound)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let found = current(&tx, template).await?;
    tx.commit().await?;
    found.ok_or(Error::NotFound)
}

/// Version 1 of a new template, or (with `id`) the next version of the practice's template.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn save(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    id: Option<Uuid>,
    input: TemplateInput,
) -> Result<Template, Error> {
    admit(state, caller, (tenant, Permission::ConsentTemplatesManage, TEMPLATE_SAVED), None).await?;
    let text = TemplateText::parse(&input)?;
    let by = person(caller)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let (id, version) = match id {
        None => (Uuid::now_v7(), 1),
        Some(id) => {
            let latest = rows::latest(&tx, id).await?.ok_or(Error::NotFound)?;
            if latest.kind != text.kind {
                return Err(Error::invalid("kind", "a template's kind never changes across its versions"));
            }
            (id, latest.version.checked_add(1).ok_or(Error::Conflict("this template has no next version"))?)
        }
    };
    let row = rows::insert(&tx, (id, version), &text, (&sha256_hex(&text.body), by)).await?;
    let event = caller
        .success(TEMPLATE_SAVED, tenant, None)
        .detail("template_id", row.id.to_string())
        .detail("version", row.version.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    stored(row)
}

/// The template `template` refers to, at its latest version, read in the caller's
/// transaction (signing and readiness read it alongside their own rows).
pub(crate) async fn current(tx: &TenantTx, template: TemplateRef) -> Result<Option<Template>, Error> {
    match template {
        TemplateRef::Builtin(found) => Ok(Some(builtin(found))),
        TemplateRef::Practice(id) => rows::latest(tx, id).await?.map(stored).transpose(),
    }
}

fn builtin(builtin: &Builtin) -> Template {
    Template {
        key: builtin.key.to_owned(),
        builtin: true,
        kind: builtin.kind,
        title: builtin.title.to_owned(),
        version: builtin.version,
        body: builtin.body.to_owned(),
        body_sha256: sha256_hex(builtin.body),
        created_by: None,
        created_at: None,
    }
}

fn stored(row: TemplateRow) -> Result<Template, Error> {
    Ok(Template {
        key: row.id.to_string(),
        builtin: false,
        kind: row.kind,
        title: row.title,
        version: u32::try_from(row.version).map_err(|e| Error::Internal(e.into()))?,
        body: row.body,
        body_sha256: row.body_sha256,
        created_by: Some(row.created_by),
        created_at: Some(row.created_at),
    })
}
