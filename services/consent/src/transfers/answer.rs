//! The client's side (`TransfersRespond`): the requests naming them, their answer, and the
//! package records sealed for their approval. Approving creates one authorization per
//! signed document the categories need (a release of information; a psychotherapy-notes
//! authorization; a Part 2 consent), for the request's recipient (the requesting clinician,
//! or the outside provider a practice member recorded it for), for the request's purpose,
//! ending when the transfer completes or its download lapses. Handing over an outside
//! request's package also makes its link and has it emailed (`super::outside::send_link`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use tp_audit_log::action::consent::{AUTHORIZATION_CREATED, TRANSFER_DECIDED, TRANSFER_PACKAGED, TRANSFERS_READ};
use tp_authz::Permission;
use tp_consent_api::disclosure::{ExpiryEvent, Recipient};
use tp_consent_api::templates::DocumentKind;
use tp_consent_api::transfers::{RecordsRequest, RecordsRequestList, RecordsResponse};
use tp_crypto::FieldContext;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::disclosure::{PACKAGE_COLUMN, PACKAGE_TABLE, Package, PackageContents};
use uuid::Uuid;

use super::{Approval, Asked, DECISION, open_approval, open_asked, stored};
use crate::audit::{Caller, record};
use crate::db::authorizations::{self, NewAuthorization};
use crate::db::signatures;
use crate::db::transfers::{self as rows, TransferRow};
use crate::disclosure::authorizations::OWN;
use crate::disclosure::sealed::{TERMS, Terms, seal};
use crate::documents::access::admit;
use crate::documents::signatures::open;
use crate::domain::transfer::{Stored, approved, documents_for, same_email, status};
use crate::error::Error;
use crate::state::AppState;

/// The requests about the client: those still waiting that name the email they use here,
/// and those they answered; newest first.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
) -> Result<RecordsRequestList, Error> {
    admit(state, caller, (tenant, Permission::TransfersRespond, TRANSFERS_READ), Some((client, OWN))).await?;
    let email = state.identity.me(caller.token).await?.email;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut requests = Vec::new();
    for row in rows::for_client(&tx, client, Utc::now()).await? {
        let asked = open_asked(state, tenant, &row).await?;
        if reaches(&row, &asked, client, &email) {
            let approval = open_approval(state, tenant, &row).await?;
            requests.push(wire(row, asked, approval)?);
        }
    }
    record(&*tx, &caller.success(TRANSFERS_READ, tenant, Some(client)).detail("requests", requests.len().to_string()))
        .await?;
    tx.commit().await?;
    Ok(RecordsRequestList { requests })
}

/// The client approves (creating the authorizations) or declines, once.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn respond(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    id: Uuid,
    input: RecordsResponse,
) -> Result<RecordsRequest, Error> {
    admit(state, caller, (tenant, Permission::TransfersRespond, TRANSFER_DECIDED), Some((client, OWN))).await?;
    let email = state.identity.me(caller.token).await?.email;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::one(&tx, id, true).await?.ok_or(Error::NotFound)?;
    let asked = open_asked(state, tenant, &row).await?;
    if !reaches(&row, &asked, client, &email) {
        return Err(Error::NotFound);
    }
    let (stored, times) = stored(&row)?;
    if stored != Stored::Requested {
        return Err(Error::Conflict("this request was answered already"));
    }
    let now = Utc::now();
    if times.expires_at <= now {
        return Err(Error::Conflict("this request has expired"));
    }
    let decision = if input.approve {
        let approval = approve(state, caller, &tx, client, &asked, &input).await?;
        let sealed = seal(state, tenant, DECISION, (row.requested_by, row.id)).seal(&approval).await?;
        Some((sealed, now + state.transfers.download))
    } else if input.categories.is_empty() {
        None
    } else {
        return Err(Error::invalid("categories", "must be empty when declining"));
    };
    rows::decide(&tx, id, client, decision).await?;
    let answered = if input.approve { "approved" } else { "declined" };
    let event = caller
        .success(TRANSFER_DECIDED, tenant, Some(client))
        .detail("request_id", id.to_string())
        .detail("decision", answered);
    record(&*tx, &event).await?;
    let row = rows::one(&tx, id, false).await?.ok_or(Error::NotFound)?;
    let approval = open_approval(state, tenant, &row).await?;
    tx.commit().await?;
    wire(row, asked, approval)
}

/// The authorizations an approval creates, each from the client's newest signed, not
/// withdrawn document of the kind its categories need (409 naming the one missing).
async fn approve(
    state: &AppState,
    caller: &Caller<'_>,
    tx: &TenantTx,
    client: UserId,
    asked: &Asked,
    input: &RecordsResponse,
) -> Result<Approval, Error> {
    let tenant = tx.tenant();
    let categories = approved(&asked.categories, &input.categories)?;
    let mut signed: Vec<(DocumentKind, Uuid)> = Vec::new();
    for signature in signatures::of_client(tx, client).await? {
        if signature.withdrawn_at.is_none() {
            signed.push((open(state, tenant, &signature).await?.kind, signature.id));
        }
    }
    let recipient = asked.recipient();
    let expires_at = Utc::now() + state.transfers.download;
    let mut authorization_ids = Vec::new();
    for (kind, group) in documents_for(&categories) {
        let signature_id = signed.iter().find(|(k, _)| *k == kind).map(|(_, id)| *id).ok_or(missing(kind))?;
        let terms = Terms {
            kind,
            recipient: recipient.clone(),
            categories: group,
            purpose: asked.purpose.clone(),
            expires_on: Some(ExpiryEvent::TransferCompleted),
        };
        let id = Uuid::now_v7();
        let sealed = seal(state, tenant, TERMS, (client, id)).seal(&terms).await?;
        let new = NewAuthorization { id, client, signature_id, expires_at: Some(expires_at), terms: sealed };
        authorizations::insert(tx, new).await?;
        let event =
            caller.success(AUTHORIZATION_CREATED, tenant, Some(client)).detail("authorization_id", id.to_string());
        record(&**tx, &event).await?;
        authorization_ids.push(id);
    }
    Ok(Approval { approved: categories, authorization_ids })
}

fn missing(kind: DocumentKind) -> Error {
    Error::Conflict(match kind {
        DocumentKind::PsychotherapyNotesAuthorization => {
            "psychotherapy notes need a signed psychotherapy-notes authorization: sign it first"
        }
        DocumentKind::Part2Sud => "SUD records need a signed 42 CFR Part 2 consent: sign it first",
        _ => "sharing records needs a signed release of information: sign it first",
    })
}

/// The client hands over the package records sealed for their approval; it must open as
/// this request's package, and is stored once.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn package(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    id: Uuid,
    package: Package,
) -> Result<RecordsRequest, Error> {
    admit(state, caller, (tenant, Permission::TransfersRespond, TRANSFER_PACKAGED), Some((client, OWN))).await?;
    let not_ours = || Error::invalid("sealed", "must be the package records made for this request");
    let sealed = STANDARD.decode(package.sealed.as_bytes()).map_err(|_| not_ours())?;
    if package.package_id != id {
        return Err(not_ours());
    }
    let contents = match open_package(state, tenant, id, &sealed).await {
        Ok(contents) if contents.package_id == id => contents,
        Ok(_) | Err(Error::Internal(_)) => return Err(not_ours()),
        Err(other) => return Err(other),
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::one(&tx, id, true).await?.filter(|r| r.client == Some(client)).ok_or(Error::NotFound)?;
    let (stored, times) = stored(&row)?;
    if stored != Stored::Approved || times.download_expires_at.is_none_or(|at| at <= Utc::now()) {
        return Err(Error::Conflict("only an approved request, before its download lapses, takes a package"));
    }
    if !rows::insert_package(&tx, id, sealed).await? {
        return Err(Error::Conflict("this request's package was handed over already"));
    }
    let asked = open_asked(state, tenant, &row).await?;
    // An outside provider gets a link by email (and the code by phone): if it cannot be
    // sent, nothing is stored and the client hands the package over again.
    if let Some(Recipient::Outside { email, .. }) = &asked.recipient {
        super::outside::send_link(state, caller, &tx, (client, id), email).await?;
    }
    let event = caller
        .success(TRANSFER_PACKAGED, tenant, Some(client))
        .detail("request_id", id.to_string())
        .detail("categories", contents.categories.len().to_string());
    record(&*tx, &event).await?;
    let row = rows::one(&tx, id, false).await?.ok_or(Error::NotFound)?;
    let approval = open_approval(state, tenant, &row).await?;
    tx.commit().await?;
    wire(row, asked, approval)
}

/// Opens a package sealed by records for transfer `id` of `tenant`. A ciphertext of
/// anything else fails (`Internal`: it does not decrypt or is not a package).
pub(super) async fn open_package(
    state: &AppState,
    tenant: TenantId,
    id: Uuid,
    sealed: &[u8],
) -> Result<PackageContents, Error> {
    let field = FieldContext::new(PACKAGE_TABLE, PACKAGE_COLUMN, id);
    let json = match state.keyring.decrypt(&tenant, &field, sealed).await {
        Ok(json) => json,
        Err(tp_crypto::CryptoError::DecryptFailed(_) | tp_crypto::CryptoError::Malformed) => {
            return Err(Error::Internal(anyhow::anyhow!("a package does not open")));
        }
        Err(other) => return Err(other.into()),
    };
    serde_json::from_slice(&json).map_err(|_| Error::Internal(anyhow::anyhow!("a package is not one")))
}

/// Whether the request is the client's to see: answered by them, or waiting and naming
/// them (by id when a practice member recorded it, else by the email they use here).
fn reaches(row: &TransferRow, asked: &Asked, client: UserId, email: &str) -> bool {
    match (row.client, row.named_client, &asked.client_email) {
        (Some(decided_by), _, _) => decided_by == client,
        (None, Some(named), _) => named == client,
        (None, None, Some(asked_for)) => same_email(asked_for, email),
        (None, None, None) => false,
    }
}

fn wire(row: TransferRow, asked: Asked, approval: Option<Approval>) -> Result<RecordsRequest, Error> {
    let (stored, times) = stored(&row)?;
    let (approved, authorization_ids) = approval.map(|a| (a.approved, a.authorization_ids)).unwrap_or_default();
    Ok(RecordsRequest {
        id: row.id,
        recipient: asked.recipient(),
        requester: asked.requester,
        purpose: asked.purpose,
        categories: asked.categories,
        status: status(stored, times, Utc::now()),
        created_at: row.created_at,
        expires_at: row.expires_at,
        decided_at: row.decided_at,
        approved,
        authorization_ids,
        packaged: row.packaged,
        download_expires_at: row.download_expires_at,
        downloaded_at: row.downloaded_at,
    })
}
