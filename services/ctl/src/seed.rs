//! `telehealthctl seed`: the demo data of `just run`, created idempotently.
//!
//! For now that is the demo practices' per-tenant transit keys, which every encrypted field of
//! theirs will be wrapped under. Accounts, charts and appointments join as their services land.

use serde::{Deserialize, Serialize};
use tp_config::VaultSettings;
use tp_ids::TenantId;
use tp_vault::{Vault, tenant_key_name};

use crate::CtlError;

#[derive(Deserialize)]
struct SeedSettings {
    vault: VaultSettings,
}

#[derive(Serialize)]
struct Seeded {
    tenant: String,
    name: &'static str,
    key: String,
}

pub async fn run(json: bool) -> Result<(), CtlError> {
    let settings: SeedSettings = tp_config::load().map_err(|e| CtlError::Config(e.to_string()))?;
    let vault = Vault::login_approle(&settings.vault).await?;
    let mut seeded = Vec::new();
    for (tenant, name) in demo_tenants() {
        let key = tenant_key_name(&tenant);
        vault.create_key(&key).await?;
        seeded.push(Seeded { tenant: tenant.to_string(), name, key });
    }
    if json {
        println!("{}", serde_json::json!({ "tenants": seeded }));
    } else {
        for s in &seeded {
            println!("seed: practice {:<28} tenant {}  key {} ready", s.name, s.tenant, s.key);
        }
    }
    Ok(())
}

/// The demo practices, with fixed ids so that seeding again finds the same ones.
const DEMO_TENANTS: [(&str, &str); 2] = [
    ("0193a000-0000-7000-8000-000000000001", "Lakeside Therapy Group"),
    ("0193a000-0000-7000-8000-000000000002", "Northside Counseling"),
];

fn demo_tenants() -> impl Iterator<Item = (TenantId, &'static str)> {
    DEMO_TENANTS.into_iter().filter_map(|(id, name)| TenantId::parse(id).ok().map(|t| (t, name)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_demo_tenant_id_parses() {
        assert_eq!(super::demo_tenants().count(), super::DEMO_TENANTS.len());
    }
}
