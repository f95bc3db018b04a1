//! Signing, withdrawing and reading signed consent documents.
//!
//! A client signs for themself only (`ConsentSign`), the template's current version and text
//! as they quote it (anything else: 409, read it again). The document is sealed as a whole
//! (`crate::seal`) and stored with the signature's id, client and time; a withdrawal is a
//! row of its own. Signed documents are read by their client or a practice admin
//! (`ConsentDocumentsRead`). Every success is audited in its transaction, every refusal in
//! its own.

use tp_audit_log::action::consent::{DOCUMENT_SIGNED, DOCUMENT_WITHDRAWN, DOCUMENTS_READ};
use tp_authz::Permission;
use tp_consent_api::documents::{SignInput, Signature, SignatureList};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::access::{Relationship, admit};
use super::templates::current;
use crate::audit::{Caller, record};
use crate::db::signatures::{self as rows, SignatureRow};
use crate::domain::access;
use crate::domain::evidence::Evidence;
use crate::domain::signing::{TypedName, check_current};
use crate::domain::template::TemplateRef;
use crate::error::Error;
use crate::seal::{DocumentSeal, SignedDocument};
use crate::state::AppState;

const STALE: &str = "the document changed since it was shown; read it again and sign the current version";

const SIGNING: Relationship = |actor, _, client| access::signing(actor, client);
const READING: Relationship = access::reading;

/// The client signs the template's current text, as quoted.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn sign(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    input: SignInput,
    evidence: Evidence,
) -> Result<Signature, Error> {
    admit(state, caller, (tenant, Permission::ConsentSign, DOCUMENT_SIGNED), Some((client, SIGNING))).await?;
    let typed_name = TypedName::parse(&input.typed_name)?;
    let template = TemplateRef::parse(&input.template).ok_or(Error::NotFound)?;
    // Read in a transaction of its own, closed before sealing (which may wait on Vault).
    // Versions never change, so a signature of the version read stays exact even if a newer
    // one is saved in between.
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let template = current(&tx, template).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    check_current((input.version, &input.text_sha256), (template.version, &template.body_sha256))
        .map_err(|_| Error::Conflict(STALE))?;
    let document = SignedDocument {
        template: template.key,
        version: template.version,
        kind: template.kind,
        title: template.title,
        text: template.body,
        text_sha256: template.body_sha256,
        typed_name: typed_name.as_str().to_owned(),
        ip: evidence.ip,
        user_agent: evidence.user_agent,
    };
    let id = Uuid::now_v7();
    let sealed = DocumentSeal { keyring: &state.keyring, tenant, client, signature: id }.seal(&document).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, id, client, sealed).await?;
    record(&*tx, &caller.success(DOCUMENT_SIGNED, tenant, Some(client)).detail("signature_id", id.to_string())).await?;
    tx.commit().await?;
    Ok(wire(row, document))
}

/// The client withdraws a consent they signed, from now on; once only.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn withdraw(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    id: Uuid,
) -> Result<Signature, Error> {
    admit(state, caller, (tenant, Permission::ConsentSign, DOCUMENT_WITHDRAWN), Some((client, SIGNING))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut row = rows::one(&tx, client, id).await?.ok_or(Error::NotFound)?;
    if row.withdrawn_at.is_some() {
        return Err(Error::Conflict("this consent was already withdrawn"));
    }
    row.withdrawn_at = Some(rows::withdraw(&tx, client, id).await?);
    let document = open(state, tenant, &row).await?;
    record(&*tx, &caller.success(DOCUMENT_WITHDRAWN, tenant, Some(client)).detail("signature_id", id.to_string()))
        .await?;
    tx.commit().await?;
    Ok(wire(row, document))
}

/// The client's signed documents with their text, newest first; one event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
) -> Result<SignatureList, Error> {
    admit(state, caller, (tenant, Permission::ConsentDocumentsRead, DOCUMENTS_READ), Some((client, READING))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut signatures = Vec::new();
    for row in rows::of_client(&tx, client).await? {
        let document = open(state, tenant, &row).await?;
        signatures.push(wire(row, document));
    }
    let event = caller.success(DOCUMENTS_READ, tenant, Some(client)).detail("documents", signatures.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(SignatureList { signatures })
}

/// One signed document with its text.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn one(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    id: Uuid,
) -> Result<Signature, Error> {
    admit(state, caller, (tenant, Permission::ConsentDocumentsRead, DOCUMENTS_READ), Some((client, READING))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::one(&tx, client, id).await?.ok_or(Error::NotFound)?;
    let document = open(state, tenant, &row).await?;
    record(&*tx, &caller.success(DOCUMENTS_READ, tenant, Some(client)).detail("signature_id", id.to_string())).await?;
    tx.commit().await?;
    Ok(wire(row, document))
}

/// Opens a row's document, bound to its own id and client.
pub(crate) async fn open(state: &AppState, tenant: TenantId, row: &SignatureRow) -> Result<SignedDocument, Error> {
    DocumentSeal { keyring: &state.keyring, tenant, client: row.client, signature: row.id }.open(&row.document).await
}

fn wire(row: SignatureRow, document: SignedDocument) -> Signature {
    Signature {
        id: row.id,
        client_id: row.client,
        template: document.template,
        kind: document.kind,
        title: document.title,
        version: document.version,
        text: document.text,
        text_sha256: document.text_sha256,
        typed_name: document.typed_name,
        ip: document.ip,
        user_agent: document.user_agent,
        signed_at: row.signed_at,
        withdrawn_at: row.withdrawn_at,
    }
}
