# Policy tp-ctl for AppRole role tp-ctl; loaded by infra/dev/deps (docs/dev-environment.md).
# Why: ctl is the operator CLI that administers tenants, so it has the same key-management
# rights as identity (tenant-* and identity-* keys), with its own KV subtree.
# Least privilege: anything not listed here is denied (403).

# --- Tenant keys: this service also administers them (create, rotate, configure,
# crypto-shred by delete). Note the glob also matches sub-paths such as .../trim.
path "transit/keys/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "transit/keys/tenant-*/rotate" {
  capabilities = ["update"]
}
path "transit/keys/tenant-*/config" {
  capabilities = ["update"]
}

# --- Tenant data keys (envelope encryption of PHI; one transit key per tenant) ---
# Key material never leaves transit: data keys, encrypt/decrypt and rewrap under it.
path "transit/datakey/plaintext/tenant-*" {
  capabilities = ["update"]
}
path "transit/datakey/wrapped/tenant-*" {
  capabilities = ["update"]
}
path "transit/encrypt/tenant-*" {
  capabilities = ["update"]
}
path "transit/decrypt/tenant-*" {
  capabilities = ["update"]
}
path "transit/rewrap/tenant-*" {
  capabilities = ["update"]
}

# --- Own KV v2 subtree only (secret/ is the dev server's KV v2 mount) ---
path "secret/data/ctl/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/ctl/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# --- Own token upkeep ---
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

# --- Token signing keys (identity-*) ---
path "transit/keys/identity-*" {
  capabilities = ["create", "read", "update"]
}
path "transit/sign/identity-*" {
  capabilities = ["update"]
}
path "transit/verify/identity-*" {
  capabilities = ["update"]
}
