//! The decision table: may these categories of a client's record go to this recipient now?
//! Pure: the caller reads the client's authorizations and accepted restrictions in the
//! request's own transaction (never a cache: a revocation denies the next request) and
//! hands them here.
//!
//! 1. Only active authorizations count (not revoked, not past their date, their event not
//!    happened).
//! 2. An authorization counts for a recipient it covers ([`covers`]): a practice covers
//!    itself and each of its clinicians; a clinician only themself; an outside recipient
//!    is their email, compared case-insensitively.
//! 3. Psychotherapy notes count only from a psychotherapy-notes authorization, SUD records
//!    only from a Part 2 consent (creation refuses anything else; this holds even if a row
//!    said otherwise).
//! 4. Accepted restrictions covering the recipient (or any recipient) subtract their
//!    categories (none listed: every category).
//! 5. Permit iff at least one requested category is left; deny is the default.

use chrono::{DateTime, Utc};
use tp_consent_api::disclosure::{AuthorizationStatus, Category, Decision, Grant, Recipient};
use tp_consent_api::templates::DocumentKind;
use uuid::Uuid;

/// An authorization as the decision needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub recipient: Recipient,
    pub categories: Vec<Category>,
    pub status: AuthorizationStatus,
}

/// An accepted restriction: `categories` empty means every category; `recipient` `None`
/// means every recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restricted {
    pub recipient: Option<Recipient>,
    pub categories: Vec<Category>,
}

/// Revoked first (the client said no), then expired by the event or the date.
pub fn status(
    revoked_at: Option<DateTime<Utc>>,
    event_ended_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AuthorizationStatus {
    if revoked_at.is_some() {
        AuthorizationStatus::Revoked
    } else if event_ended_at.is_some() || expires_at.is_some_and(|at| at <= now) {
        AuthorizationStatus::Expired
    } else {
        AuthorizationStatus::Active
    }
}

/// Whether something granted or restricted for `named` applies to `asked`.
pub fn covers(named: &Recipient, asked: &Recipient) -> bool {
    match (named, asked) {
        (Recipient::Practice { tenant_id: named }, Recipient::Practice { tenant_id: asked })
        | (Recipient::Practice { tenant_id: named }, Recipient::Clinician { tenant_id: asked, .. }) => named == asked,
        (
            Recipient::Clinician { tenant_id: named_tenant, user_id: named },
            Recipient::Clinician { tenant_id: asked_tenant, user_id: asked },
        ) => named_tenant == asked_tenant && named == asked,
        (Recipient::Outside { email: named, .. }, Recipient::Outside { email: asked, .. }) => {
            named.trim().eq_ignore_ascii_case(asked.trim())
        }
        _ => false,
    }
}

/// Whether `kind` may ever grant `category` (rule 3).
fn grantable(kind: DocumentKind, category: Category) -> bool {
    match category {
        Category::PsychotherapyNotes => kind == DocumentKind::PsychotherapyNotesAuthorization,
        Category::SudRecords => kind == DocumentKind::Part2Sud,
        _ => kind == DocumentKind::ReleaseOfInformation,
    }
}

pub fn decide(
    recipient: &Recipient,
    requested: &[Category],
    authorizations: &[Authorized],
    restrictions: &[Restricted],
) -> Decision {
    let requested = super::authorization::distinct(requested);
    let restricted = |category: Category| {
        restrictions.iter().any(|r| {
            r.recipient.as_ref().is_none_or(|named| covers(named, recipient))
                && (r.categories.is_empty() || r.categories.contains(&category))
        })
    };
    let mut grants = Vec::new();
    for authorization in authorizations {
        if authorization.status != AuthorizationStatus::Active || !covers(&authorization.recipient, recipient) {
            continue;
        }
        let categories: Vec<Category> = requested
            .iter()
            .copied()
            .filter(|c| authorization.categories.contains(c) && grantable(authorization.kind, *c) && !restricted(*c))
            .collect();
        if !categories.is_empty() {
            grants.push(Grant { authorization_id: authorization.id, categories });
        }
    }
    let (categories, denied): (Vec<Category>, Vec<Category>) =
        requested.iter().partition(|c| grants.iter().any(|g| g.categories.contains(c)));
    Decision { permit: !categories.is_empty(), categories, denied, grants }
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
