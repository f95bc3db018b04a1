//! Records transfers between practices on the platform (ADR 0006, step 4).
//!
//! - [`request`]: a clinician (or admin) asks another practice for a client's records; the
//!   requester's copy lives in their own practice, the transfer in the practice asked. The
//!   receipt is the same whatever the email names: nothing is looked up.
//! - [`answer`]: the client reads the requests that name their email (or that they already
//!   answered), approves some of the categories asked (which creates authorizations that
//!   end when the transfer completes or its download lapses) or declines, and hands over the
//!   package records sealed for the approval.
//! - [`request::download`]: the requester downloads the package once; the decision is taken
//!   again, the disclosure accounted, the approval's authorizations ended and the package
//!   deleted in one transaction of the practice asked ([`handout`], shared with the outside
//!   download).
//! - [`outside`]: a practice member records an outside provider's request for a named client,
//!   and reads the practice's recorded requests with the one-time code to give by phone; the
//!   link (token and code) made when the client hands the package over, emailed by identity.
//! - [`shared`]: the outside provider's download with the link's token and the code, with its
//!   count of wrong codes and lockout.
//!
//! Crossing practices: every statement runs in a transaction of one practice (RLS); the
//! requester reaches the practice asked only through the id of a request their own practice
//! recorded as theirs.

pub mod answer;
mod handout;
pub mod outside;
pub mod request;
pub mod shared;

use serde::{Deserialize, Serialize};
use tp_consent_api::disclosure::{Category, Recipient};
use tp_consent_api::transfers::Requester;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::db::transfers::TransferRow;
use crate::disclosure::sealed::seal;
use crate::domain::transfer::{Lifetimes, Stored};
use crate::error::Error;
use crate::state::AppState;

/// A transfer's `request`: who asked, whom for, why, what. An on-platform request names the
/// client by the email they use here; an outside provider's request names its client by id
/// (the row's `named_client_id`), its `recipient` is that provider and its `requester` the
/// member who recorded it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Asked {
    pub requester: Requester,
    #[serde(default)]
    pub client_email: Option<String>,
    /// The outside provider (`Recipient::Outside`), for a recorded request.
    #[serde(default)]
    pub recipient: Option<Recipient>,
    pub purpose: String,
    pub categories: Vec<Category>,
}

impl Asked {
    /// Who receives the records on approval: the outside provider, or the requesting
    /// clinician.
    pub fn recipient(&self) -> Recipient {
        match &self.recipient {
            Some(outside) => outside.clone(),
            None => Recipient::Clinician { tenant_id: self.requester.tenant_id, user_id: self.requester.user_id },
        }
    }
}

/// A transfer's `decision` once approved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Approval {
    pub approved: Vec<Category>,
    pub authorization_ids: Vec<Uuid>,
}

/// A sent request's `request`: what the requester typed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentAsked {
    pub client_email: String,
    pub purpose: String,
    pub categories: Vec<Category>,
}

const REQUEST: (&str, &str) = ("consent.transfers", "request");
const DECISION: (&str, &str) = ("consent.transfers", "decision");
const SENT: (&str, &str) = ("consent.sent_requests", "request");
const LINK_CODE: (&str, &str) = ("consent.transfer_links", "code");

/// The channel the accounting names for a download.
const CHANNEL: &str = "records transfer on the platform";
/// The channel the accounting names for an outside provider's download.
const OUTSIDE_CHANNEL: &str = "secure link";

/// Opens a transfer's request, bound to its row and requester.
async fn open_asked(state: &AppState, tenant: TenantId, row: &TransferRow) -> Result<Asked, Error> {
    seal(state, tenant, REQUEST, (row.requested_by, row.id)).open(&row.request).await
}

/// Opens a transfer's approval, when it has one.
async fn open_approval(state: &AppState, tenant: TenantId, row: &TransferRow) -> Result<Option<Approval>, Error> {
    match &row.decision {
        Some(sealed) => Ok(Some(seal(state, tenant, DECISION, (row.requested_by, row.id)).open(sealed).await?)),
        None => Ok(None),
    }
}

/// The stored state and the times it depends on.
fn stored(row: &TransferRow) -> Result<(Stored, Lifetimes), Error> {
    let stored = Stored::parse(&row.status)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("a transfer has an unknown status")))?;
    Ok((stored, Lifetimes { expires_at: row.expires_at, download_expires_at: row.download_expires_at }))
}

/// The person a request names as its requester.
fn requester_of(row: &TransferRow) -> (TenantId, UserId) {
    (row.requester_tenant, row.requested_by)
}
