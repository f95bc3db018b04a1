//! consent's disclosure operations, each owning its access rule and its audit event:
//! authorizations and their revocation, restrictions and their review, the decision and
//! the accounting of disclosures.

pub mod authorizations;
pub mod decisions;
pub mod disclosures;
pub mod restrictions;
pub(crate) mod sealed;
