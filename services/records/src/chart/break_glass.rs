//! Break-glass: a clinician off a client's care team opens the chart in an emergency. The
//! opening needs a reason (kept encrypted), lasts `records.break_glass_minutes`, lets the
//! clinician *read* the chart and its progress notes (`access::admit_clinical`; never
//! write, never psychotherapy notes, never export), flags every access it allows, and is
//! notified to the practice admins by email through identity. Admins review the openings
//! with their reasons ([`review`], itself audited).
//!
//! Not here: ending an opening early (an opening is evidence; it only expires).

use tp_audit_log::Outcome;
use tp_audit_log::action::records::{BREAK_GLASS_OPENED, BREAK_GLASS_REVIEWED};
use tp_auth::Actor;
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::break_glass::{BreakGlassGrant, BreakGlassInput, BreakGlassList};
use uuid::Uuid;

use crate::audit::{Caller, record, record_refusal};
use crate::chart::demographics::require_client;
use crate::db::break_glass::{self as rows, GrantRow};
use crate::error::Error;
use crate::seal::TextSeal;
use crate::state::AppState;

/// A reason must say something: at least this many characters, at most the upper bound.
const REASON_CHARS: std::ops::RangeInclusive<usize> = 20..=2_000;
/// Most openings one review shows (newest first).
const REVIEW_LIMIT: u64 = 200;

fn seal(state: &AppState, tenant: TenantId, grant: Uuid) -> TextSeal<'_> {
    TextSeal { keyring: &state.keyring, tenant, table: "records.break_glass", column: "reason", row: grant }
}

fn reason(input: &BreakGlassInput) -> Result<&str, Error> {
    let reason = input.reason.trim();
    if REASON_CHARS.contains(&reason.chars().count()) {
        Ok(reason)
    } else {
        Err(Error::invalid("reason", "a reason of 20 to 2000 characters is required"))
    }
}

/// Opens `client`'s chart to the calling clinician. 404 for someone who is not a client of
/// the practice; 409 for a clinician already on the care team (no emergency needed).
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn open(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    input: BreakGlassInput,
) -> Result<BreakGlassGrant, Error> {
    let clinician =
        match (tp_authz::authorize(caller.principal, Some(tenant), Permission::BreakGlass), caller.principal.actor()) {
            (Ok(()), Actor::User(me)) if *me != client => *me,
            (Err(denied), _) => {
                record_refusal(&state.db, caller, BREAK_GLASS_OPENED, Some(client)).await;
                return Err(denied.into());
            }
            _ => return Err(Error::Forbidden),
        };
    let reason = reason(&input)?;
    require_client(state, caller, tenant, client).await?;
    if state.identity.is_assigned(caller, tenant, clinician, client).await? {
        return Err(Error::Conflict("you are on the client's care team: no emergency access is needed"));
    }
    let id = Uuid::now_v7();
    let sealed = seal(state, tenant, id).seal(reason).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, id, (client, clinician), sealed, state.break_glass_minutes).await?;
    let event = caller
        .event(BREAK_GLASS_OPENED, Outcome::Success, tenant, Some(client))
        .detail("break_glass", id.to_string())
        .detail("expires_at", row.expires_at.to_rfc3339());
    record(&*tx, &event).await?;
    tx.commit().await?;
    // After the commit: the opening stands whether or not the email goes out (admins also
    // see it in their review and in the audit log); a failure is logged, without content.
    if let Err(e) = state.identity.notify_break_glass(caller.token, id).await {
        tracing::warn!(error = %tp_errors::error_chain(&e), grant = %id, "break-glass notification failed");
    }
    Ok(wire(row, reason.to_owned()))
}

/// The practice's openings, newest first (at most 200), with their reasons: for practice
/// admins (`AuditRead`). Audited, since reasons may describe clients.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn review(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    active_only: bool,
) -> Result<BreakGlassList, Error> {
    if let Err(denied) = tp_authz::authorize(caller.principal, Some(tenant), Permission::AuditRead) {
        record_refusal(&state.db, caller, BREAK_GLASS_REVIEWED, None).await;
        return Err(denied.into());
    }
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut grants = Vec::new();
    for row in rows::list(&tx, active_only, REVIEW_LIMIT).await? {
        let reason = seal(state, tenant, row.id).open(&row.reason).await?;
        grants.push(wire(row, reason));
    }
    let event =
        caller.event(BREAK_GLASS_REVIEWED, Outcome::Success, tenant, None).detail("grants", grants.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(BreakGlassList { grants })
}

fn wire(row: GrantRow, reason: String) -> BreakGlassGrant {
    BreakGlassGrant {
        id: row.id,
        client_id: row.client,
        clinician_id: row.clinician,
        reason,
        opened_at: row.opened_at,
        expires_at: row.expires_at,
    }
}
