//! Shared arrangements: tenants with keys and a keyring as a service would build it.

use tp_config::CryptoSettings;
use tp_crypto::{FieldContext, Keyring};
use tp_ids::{Service, TenantId};
use tp_testkit::vault::{create_tenant_key, service_vault};
use uuid::Uuid;

/// A tenant whose transit key exists, created as identity does on tenant creation.
pub async fn tenant_with_key() -> TenantId {
    let tenant = TenantId::generate();
    create_tenant_key(&tenant).await;
    tenant
}

/// The records service's keyring with the given data-key TTL.
#[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
pub async fn records_keyring(ttl_secs: u64) -> Keyring {
    let settings = CryptoSettings { data_key_ttl_secs: ttl_secs, data_key_cache_capacity: 1000 };
    Keyring::new(service_vault(Service::Records).await, &settings).expect("valid crypto settings")
}

pub fn note_body(row: Uuid) -> FieldContext<'static> {
    FieldContext::new("records.notes", "body", row)
}
