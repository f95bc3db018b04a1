//! What a records transfer may say and where it stands, without I/O: the categories a
//! client may approve ([`approved`]), which signed document each needs ([`documents_for`]),
//! whether a request names the client ([`same_email`]), and the status the client
//! ([`status`]) and the requester ([`sent_status`]) read. The requester's status never
//! tells a decline (or a request about no one) from a request still waiting.

use chrono::{DateTime, Utc};
use tp_consent_api::disclosure::Category;
use tp_consent_api::templates::DocumentKind;
use tp_consent_api::transfers::{SentStatus, TransferStatus};

use super::Refusal;
use super::authorization::distinct;

/// Where a transfer stands, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Requested,
    Approved,
    Declined,
    Downloaded,
}

impl Stored {
    pub fn parse(status: &str) -> Option<Self> {
        match status {
            "requested" => Some(Stored::Requested),
            "approved" => Some(Stored::Approved),
            "declined" => Some(Stored::Declined),
            "downloaded" => Some(Stored::Downloaded),
            _ => None,
        }
    }
}

/// The times a status depends on.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub expires_at: DateTime<Utc>,
    pub download_expires_at: Option<DateTime<Utc>>,
}

impl Lifetimes {
    fn lapsed(&self, stored: Stored, now: DateTime<Utc>) -> bool {
        match stored {
            Stored::Requested | Stored::Declined => self.expires_at <= now,
            Stored::Approved => self.download_expires_at.is_none_or(|at| at <= now),
            Stored::Downloaded => false,
        }
    }
}

/// The client's view: what they decided, or expired when its time ran out first.
pub fn status(stored: Stored, times: Lifetimes, now: DateTime<Utc>) -> TransferStatus {
    match stored {
        Stored::Requested if times.lapsed(stored, now) => TransferStatus::Expired,
        Stored::Requested => TransferStatus::Requested,
        Stored::Approved if times.lapsed(stored, now) => TransferStatus::Expired,
        Stored::Approved => TransferStatus::Approved,
        Stored::Declined => TransferStatus::Declined,
        Stored::Downloaded => TransferStatus::Downloaded,
    }
}

/// The requester's view: pending until the client approved and the package waits; a
/// decline is pending until the request's lifetime ends, exactly like a request about no
/// one (`None`: no transfer of that id in the practice asked, which never happens for a
/// request consent recorded, but answers the same).
pub fn sent_status(stored: Option<(Stored, bool)>, times: Lifetimes, now: DateTime<Utc>) -> SentStatus {
    match stored {
        Some((Stored::Downloaded, _)) => SentStatus::Downloaded,
        Some((Stored::Approved, packaged)) if !times.lapsed(Stored::Approved, now) => {
            if packaged {
                SentStatus::Ready
            } else {
                SentStatus::Pending
            }
        }
        Some((Stored::Approved, _)) => SentStatus::Expired,
        Some((Stored::Requested | Stored::Declined, _)) | None => {
            if times.expires_at <= now {
                SentStatus::Expired
            } else {
                SentStatus::Pending
            }
        }
    }
}

/// The categories approved: at least one, each among those asked.
pub fn approved(asked: &[Category], chosen: &[Category]) -> Result<Vec<Category>, Refusal> {
    let chosen = distinct(chosen);
    if chosen.is_empty() {
        return Err(Refusal::new("categories", "approve at least one category, or decline"));
    }
    if chosen.iter().any(|c| !asked.contains(c)) {
        return Err(Refusal::new("categories", "only categories the request asked for"));
    }
    Ok(chosen)
}

/// The signed document each group of categories needs, and the group: psychotherapy notes
/// their own authorization, SUD records a Part 2 consent, the rest a release of information.
pub fn documents_for(categories: &[Category]) -> Vec<(DocumentKind, Vec<Category>)> {
    let kind = |c: &Category| match c {
        Category::PsychotherapyNotes => DocumentKind::PsychotherapyNotesAuthorization,
        Category::SudRecords => DocumentKind::Part2Sud,
        _ => DocumentKind::ReleaseOfInformation,
    };
    let mut groups: Vec<(DocumentKind, Vec<Category>)> = Vec::new();
    for category in categories {
        match groups.iter_mut().find(|(k, _)| *k == kind(category)) {
            Some((_, group)) => group.push(*category),
            None => groups.push((kind(category), vec![*category])),
        }
    }
    groups
}

/// Whether two email addresses are the same mailbox as people type them: spaces around
/// aside, case aside.
pub fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use tp_consent_api::disclosure::Category::*;

    fn times(now: DateTime<Utc>, request_days: i64, download_days: Option<i64>) -> Lifetimes {
        Lifetimes {
            expires_at: now + Duration::days(request_days),
            download_expires_at: download_days.map(|d| now + Duration::days(d)),
        }
    }

    #[test]
    fn the_requester_cannot_tell_a_decline_or_a_stranger_from_a_wait() {
        let now = Utc::now();
        let open = times(now, 1, None);
        let waiting = sent_status(Some((Stored::Requested, false)), open, now);
        assert_eq!(waiting, SentStatus::Pending);
        assert_eq!(sent_status(Some((Stored::Declined, false)), open, now), waiting);
        assert_eq!(sent_status(None, open, now), waiting);
        let lapsed = times(now, -1, None);
        for stored in [Some((Stored::Requested, false)), Some((Stored::Declined, false)), None] {
            assert_eq!(sent_status(stored, lapsed, now), SentStatus::Expired);
        }
    }

    #[test]
    fn an_approval_is_ready_only_once_packaged_and_until_its_download_lapses() {
        let now = Utc::now();
        assert_eq!(sent_status(Some((Stored::Approved, false)), times(now, 1, Some(1)), now), SentStatus::Pending);
        assert_eq!(sent_status(Some((Stored::Approved, true)), times(now, 1, Some(1)), now), SentStatus::Ready);
        // The request's own lifetime no longer matters once approved.
        assert_eq!(sent_status(Some((Stored::Approved, true)), times(now, -1, Some(1)), now), SentStatus::Ready);
        assert_eq!(sent_status(Some((Stored::Approved, true)), times(now, 1, Some(-1)), now), SentStatus::Expired);
        assert_eq!(
            sent_status(Some((Stored::Downloaded, false)), times(now, -1, Some(-1)), now),
            SentStatus::Downloaded
        );
        assert_eq!(status(Stored::Approved, times(now, 1, Some(-1)), now), TransferStatus::Expired);
        assert_eq!(status(Stored::Declined, times(now, -1, None), now), TransferStatus::Declined);
        assert_eq!(status(Stored::Requested, times(now, -1, None), now), TransferStatus::Expired);
    }

    #[test]
    fn a_client_approves_some_of_what_was_asked_never_more_never_nothing() {
        let asked = [Diagnoses, ProgressNotes, SudRecords];
        assert_eq!(approved(&asked, &[SudRecords, Diagnoses, Diagnoses]).unwrap(), [Diagnoses, SudRecords]);
        assert_eq!(approved(&asked, &[]).unwrap_err().field, "categories");
        assert!(approved(&asked, &[Diagnoses, PsychotherapyNotes]).is_err());
    }

    #[test]
    fn each_special_category_needs_its_own_document() {
        let groups = documents_for(&[Diagnoses, PsychotherapyNotes, Medications, SudRecords]);
        assert_eq!(
            groups,
            [
                (DocumentKind::ReleaseOfInformation, vec![Diagnoses, Medications]),
                (DocumentKind::PsychotherapyNotesAuthorization, vec![PsychotherapyNotes]),
                (DocumentKind::Part2Sud, vec![SudRecords]),
            ]
        );
    }

    #[test]
    fn emails_match_as_people_type_them() {
        assert!(same_email(" Ana@Example.org", "ana@example.org "));
        assert!(!same_email("ana@example.org", "anna@example.org"));
    }
}
