//! Typed identifiers shared by every crate.
//!
//! Each id is a newtype over a UUID with a private field, so a `TenantId` can never be passed
//! where a `UserId` is expected, and nothing downstream handles bare `Uuid`s or `String`s.
//! Parsing happens once, at the edge, through `FromStr` / `parse`. This crate deliberately
//! holds no behaviour beyond that: principals live in the auth library, rules in services.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An id string that is not a UUID. Its Display never echoes the input back, so a client
/// cannot smuggle content into logs or error messages through an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} id")]
pub struct InvalidId {
    pub kind: &'static str,
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered (UUIDv7) id: index-friendly for tables keyed by it.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps a UUID read from a trusted place (our own database, a verified token).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// Parses untrusted input.
            pub fn parse(input: &str) -> Result<Self, InvalidId> {
                Uuid::parse_str(input.trim()).map(Self).map_err(|_| InvalidId { kind: $kind })
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Self::parse(input)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

uuid_id!(
    /// A group practice. Every tenant-owned row carries one; RLS keys on it.
    TenantId,
    "tenant"
);
uuid_id!(
    /// A person with an account (clinician, staff, client, operator).
    UserId,
    "user"
);
uuid_id!(
    /// A sign-in session; tokens carry it as `sid` so a revoked session revokes its tokens.
    SessionId,
    "session"
);
uuid_id!(
    /// One inbound request, for correlating logs and error responses.
    RequestId,
    "request"
);

uuid_id!(
    /// One issued token (`jti`).
    TokenId,
    "token"
);

/// An OAuth client: a first-party app (`portal`), an operator client, or a practice's API
/// client (`tpc_…`). Letters, digits, `_` and `-`, 3 to 64 characters: safe in URLs, logs
/// and headers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(input: &str) -> Result<Self, InvalidId> {
        let valid = (3..=64).contains(&input.len())
            && input.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid { Ok(Self(input.to_owned())) } else { Err(InvalidId { kind: "client" }) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ClientId {
    type Err = InvalidId;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ClientId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The services of the platform. Used for database roles, schemas, Vault roles and ports,
/// so those names are spelled in exactly one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Gateway,
    Identity,
    Scheduling,
    Records,
    Messaging,
    Consent,
    Audit,
    Ctl,
}

impl Service {
    pub const ALL: [Service; 8] = [
        Service::Gateway,
        Service::Identity,
        Service::Scheduling,
        Service::Records,
        Service::Messaging,
        Service::Consent,
        Service::Audit,
        Service::Ctl,
    ];

    /// Services that own a database schema.
    pub const WITH_SCHEMA: [Service; 6] = [
        Service::Identity,
        Service::Scheduling,
        Service::Records,
        Service::Messaging,
        Service::Consent,
        Service::Audit,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Service::Gateway => "gateway",
            Service::Identity => "identity",
            Service::Scheduling => "scheduling",
            Service::Records => "records",
            Service::Messaging => "messaging",
            Service::Consent => "consent",
            Service::Audit => "audit",
            Service::Ctl => "ctl",
        }
    }

    /// The PostgreSQL role the service connects as (never an owner, never BYPASSRLS), for
    /// the services in [`Service::WITH_SCHEMA`]; the gateway and the CLI have none.
    pub const fn db_role(self) -> Option<&'static str> {
        match self {
            Service::Identity => Some("tp_identity"),
            Service::Scheduling => Some("tp_scheduling"),
            Service::Records => Some("tp_records"),
            Service::Messaging => Some("tp_messaging"),
            Service::Consent => Some("tp_consent"),
            Service::Audit => Some("tp_audit"),
            Service::Gateway | Service::Ctl => None,
        }
    }

    /// Default HTTP port (ARCHITECTURE.md section 9); overridable by configuration.
    pub const fn default_port(self) -> u16 {
        match self {
            Service::Gateway => 8080,
            Service::Identity => 8081,
            Service::Scheduling => 8082,
            Service::Records => 8083,
            Service::Messaging => 8084,
            Service::Consent => 8085,
            Service::Audit => 8086,
            Service::Ctl => 0,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_a_uuid_and_round_trips() {
        let id = TenantId::generate();
        assert_eq!(TenantId::parse(&id.to_string()), Ok(id));
    }

    #[test]
    fn parse_error_does_not_echo_the_input() {
        let err = TenantId::parse("<script>alert(1)</script>").unwrap_err();
        assert_eq!(err.to_string(), "invalid tenant id");
    }

    #[test]
    fn exactly_the_services_with_a_schema_have_a_database_role() {
        for service in Service::ALL {
            assert_eq!(service.db_role().is_some(), Service::WITH_SCHEMA.contains(&service), "{service}");
        }
    }

    #[test]
    fn client_ids_allow_url_safe_characters_only() {
        assert!(ClientId::parse("tpc_01ab-XY").is_ok());
        for bad in ["ab", "has space", "slash/x", "dot.x", "ü-nicode", &"x".repeat(65)] {
            assert!(ClientId::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<ClientId>("\"a b c\"").is_err());
    }

    #[test]
    fn generated_ids_are_time_ordered() {
        let a = UserId::generate();
        let b = UserId::generate();
        assert!(a < b, "UUIDv7 ids must sort by creation time");
    }
}
