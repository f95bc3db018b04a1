//! Queries of the identity schema: the only place SQL appears.

pub(crate) mod federated_accounts;
pub(crate) mod federation_states;
pub(crate) mod sso_providers;
