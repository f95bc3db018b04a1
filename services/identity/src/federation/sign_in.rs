//! The types a federated sign-in hands to the rest of identity: which authorization
//! request it serves, and, once the IdP vouched for a linked member, who signed in where.

use tp_ids::{TenantId, UserId};
use uuid::Uuid;

/// An `/authorize` request waiting for its person to sign in (`identity.authorization_requests`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AuthorizationRequestId(Uuid);

impl AuthorizationRequestId {
    pub(crate) const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub(crate) const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// A member of `tenant` whose practice's IdP vouched for their verified email. Their
/// membership is active and their email marked verified by the time this exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FederatedSignIn {
    pub user: UserId,
    pub tenant: TenantId,
}
