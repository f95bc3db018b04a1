//! [`Chain`]: one tenant's hash chain, or the platform's; [`SealedEvent`]: an event as it is
//! hashed; [`link_hash`] and [`checkpoint_message`]: the exact bytes hashed and signed.
//!
//! The encoding is ours and versioned (`tp-audit-v1`): a domain tag, then every column of the
//! event in a fixed order, each as a presence byte and a length-prefixed value, so no two
//! different events (or a value moved from one column to the next) encode alike. The
//! sequence number is deliberately not hashed: the order is carried by `prev_hash`, so a
//! swap shows as broken links (`reordered`) rather than also as altered content.

use std::fmt;

use sha2::{Digest, Sha256};
use tp_ids::TenantId;
use uuid::Uuid;

/// The hash before the first link of every chain.
pub const GENESIS: [u8; 32] = [0; 32];

/// Whose chain: platform events (no tenant) form their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chain {
    Platform,
    Tenant(TenantId),
}

impl Chain {
    pub fn from_tenant(tenant: Option<Uuid>) -> Self {
        tenant.map_or(Chain::Platform, |id| Chain::Tenant(TenantId::from_uuid(id)))
    }

    pub fn tenant(self) -> Option<TenantId> {
        match self {
            Chain::Platform => None,
            Chain::Tenant(tenant) => Some(tenant),
        }
    }

    pub fn tenant_uuid(self) -> Option<Uuid> {
        self.tenant().map(Uuid::from)
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chain::Platform => f.write_str("platform"),
            Chain::Tenant(tenant) => tenant.fmt(f),
        }
    }
}

/// Every column of an `audit.events` row, as read back for hashing. `details` is the jsonb
/// value's text form, which PostgreSQL renders deterministically (sorted keys, fixed spacing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedEvent {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    /// Microseconds since the Unix epoch: PostgreSQL's own precision, so nothing is rounded.
    pub occurred_at_micros: i64,
    pub service: String,
    pub action: String,
    pub outcome: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub request_id: Option<String>,
    pub details: String,
}

/// SHA-256(tag || prev_hash || canonical(event)).
pub fn link_hash(prev_hash: &[u8; 32], event: &SealedEvent) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"tp-audit-v1/link\0");
    hasher.update(prev_hash);
    let mut field = |value: Option<&[u8]>| match value {
        None => hasher.update([0u8]),
        Some(bytes) => {
            hasher.update([1u8]);
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        }
    };
    field(Some(event.id.as_bytes()));
    field(event.tenant_id.as_ref().map(|t| t.as_bytes().as_slice()));
    field(Some(&event.occurred_at_micros.to_be_bytes()));
    field(Some(event.service.as_bytes()));
    field(Some(event.action.as_bytes()));
    field(Some(event.outcome.as_bytes()));
    field(Some(event.actor_kind.as_bytes()));
    field(event.actor_id.as_deref().map(str::as_bytes));
    field(event.subject_kind.as_deref().map(str::as_bytes));
    field(event.subject_id.as_deref().map(str::as_bytes));
    field(event.request_id.as_deref().map(str::as_bytes));
    field(Some(event.details.as_bytes()));
    hasher.finalize().into()
}

/// What a checkpoint's signature covers: the chain, the sequence number of its head and the
/// head's hash. Binding the chain stops a valid checkpoint being copied to another tenant.
pub fn checkpoint_message(chain: Chain, seq: i64, hash: &[u8; 32]) -> Vec<u8> {
    let mut message = b"tp-audit-v1/checkpoint\0".to_vec();
    match chain.tenant_uuid() {
        None => message.push(0),
        Some(tenant) => {
            message.push(1);
            message.extend_from_slice(tenant.as_bytes());
        }
    }
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(hash);
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> SealedEvent {
        SealedEvent {
            id: Uuid::now_v7(),
            tenant_id: Some(Uuid::now_v7()),
            occurred_at_micros: 1_700_000_000_000_000,
            service: "identity".into(),
            action: "identity.sign_in.failed".into(),
            outcome: "failure".into(),
            actor_kind: "anonymous".into(),
            actor_id: None,
            subject_kind: Some("account".into()),
            subject_id: Some("a".into()),
            request_id: None,
            details: "{}".into(),
        }
    }

    #[test]
    fn every_column_and_the_previous_hash_change_the_link_hash() {
        let base = event();
        let hash = link_hash(&GENESIS, &base);
        assert_ne!(link_hash(&[1; 32], &base), hash, "prev_hash");
        let variants: Vec<(&str, SealedEvent)> = vec![
            ("id", SealedEvent { id: Uuid::now_v7(), ..base.clone() }),
            ("tenant", SealedEvent { tenant_id: None, ..base.clone() }),
            ("time", SealedEvent { occurred_at_micros: base.occurred_at_micros + 1, ..base.clone() }),
            ("outcome", SealedEvent { outcome: "success".into(), ..base.clone() }),
            ("actor", SealedEvent { actor_id: Some(String::new()), ..base.clone() }),
            ("subject", SealedEvent { subject_id: Some("b".into()), ..base.clone() }),
            ("request", SealedEvent { request_id: Some("r".into()), ..base.clone() }),
            ("details", SealedEvent { details: "{\"k\": 1}".into(), ..base.clone() }),
        ];
        for (what, variant) in variants {
            assert_ne!(link_hash(&GENESIS, &variant), hash, "{what}");
        }
    }

    #[test]
    fn a_value_moved_between_adjacent_columns_changes_the_hash() {
        let a = SealedEvent { subject_kind: Some("ab".into()), subject_id: Some("c".into()), ..event() };
        let b = SealedEvent { subject_kind: Some("a".into()), subject_id: Some("bc".into()), ..a.clone() };
        assert_ne!(link_hash(&GENESIS, &a), link_hash(&GENESIS, &b));
    }

    #[test]
    fn a_checkpoint_message_names_its_chain() {
        let tenant = Chain::Tenant(TenantId::generate());
        assert_ne!(checkpoint_message(tenant, 1, &GENESIS), checkpoint_message(Chain::Platform, 1, &GENESIS));
        assert_ne!(checkpoint_message(tenant, 1, &GENESIS), checkpoint_message(tenant, 2, &GENESIS));
    }
}
