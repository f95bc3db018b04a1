//! The decision before a disclosure: may these categories of the client's record go to
//! this recipient now? Practice admins ask about any client of the practice, a client about
//! themself (`DisclosureDecide`). Read from the rows in the request's own transaction, never
//! a cache, so a revocation denies the very next request. Audited with the outcome and the
//! categories, never the recipient.

use chrono::Utc;
use tp_audit_log::action::consent::DECISION_MADE;
use tp_authz::Permission;
use tp_consent_api::disclosure::{Category, Decision, DecisionRequest, Recipient};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::authorizations::{READING, open_terms};
use super::restrictions::open_request;
use crate::audit::{Caller, record};
use crate::db::{authorizations, restrictions};
use crate::documents::access::admit;
use crate::domain::Refusal;
use crate::domain::authorization::{distinct, recipient};
use crate::domain::decision::{Authorized, Restricted, decide as table, status};
use crate::error::Error;
use crate::state::AppState;

/// A decision and the purposes of the authorizations it relies on (in grant order), which
/// the accounting of a disclosure made under it records.
pub(crate) struct Decided {
    pub decision: Decision,
    pub purposes: Vec<(Uuid, String)>,
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn decide(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    request: DecisionRequest,
) -> Result<Decision, Error> {
    admit(state, caller, (tenant, Permission::DisclosureDecide, DECISION_MADE), Some((client, READING))).await?;
    let (to, categories) = asked(request.recipient, &request.categories)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let Decided { decision, .. } = decide_in(state, &tx, client, &to, &categories).await?;
    let event = caller
        .success(DECISION_MADE, tenant, Some(client))
        .detail("permit", decision.permit.to_string())
        .detail("permitted", names(&decision.categories))
        .detail("denied", names(&decision.denied))
        .detail("grants", decision.grants.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(decision)
}

/// The recipient and the distinct categories of a question (at least one).
pub(crate) fn asked(to: Recipient, categories: &[Category]) -> Result<(Recipient, Vec<Category>), Refusal> {
    let categories = distinct(categories);
    if categories.is_empty() {
        return Err(Refusal::new("categories", "at least one category"));
    }
    Ok((recipient(to)?, categories))
}

/// The decision from the client's rows as `tx` sees them. Rows are locked `for share`: a
/// revocation or a review racing a disclosure recorded in `tx` waits for it.
pub(crate) async fn decide_in(
    state: &AppState,
    tx: &TenantTx,
    client: UserId,
    to: &Recipient,
    categories: &[Category],
) -> Result<Decided, Error> {
    let tenant = tx.tenant();
    let now = Utc::now();
    let (mut standing, mut purposes) = (Vec::new(), Vec::new());
    // Oldest first: grants, and the purposes a disclosure records, in the order given.
    for row in authorizations::of_client(tx, client).await?.into_iter().rev() {
        let terms = open_terms(state, tenant, &row).await?;
        purposes.push((row.id, terms.purpose));
        standing.push(Authorized {
            id: row.id,
            kind: terms.kind,
            recipient: terms.recipient,
            categories: terms.categories,
            status: status(row.revoked_at, row.event_ended_at, row.expires_at, now),
        });
    }
    let mut restricted = Vec::new();
    for row in restrictions::of_client(tx, client, true).await? {
        let request = open_request(state, tenant, &row).await?;
        restricted.push(Restricted { recipient: request.recipient, categories: request.categories });
    }
    let decision = table(to, categories, &standing, &restricted);
    let purposes = decision
        .grants
        .iter()
        .filter_map(|grant| purposes.iter().find(|(id, _)| *id == grant.authorization_id).cloned())
        .collect();
    Ok(Decided { decision, purposes })
}

/// Categories' wire names, comma-separated, for audit details.
pub(crate) fn names(categories: &[Category]) -> String {
    categories
        .iter()
        .filter_map(|c| match serde_json::to_value(c) {
            Ok(serde_json::Value::String(name)) => Some(name),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(",")
}
