//! The URL paths of records' `/v1` API.

use tp_ids::{TenantId, UserId};

/// `GET`: the client's chart header and demographics.
pub fn chart(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}")
}

/// `PUT`: replace the client's demographics.
pub fn demographics(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/demographics")
}

/// `GET ?name=…`: clients whose full legal name matches exactly (case, accents and spacing
/// aside), through a blind index; never a scan of decrypted names.
pub fn search(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/clients")
}
