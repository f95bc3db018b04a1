# Policy tp-records for AppRole role tp-records; loaded by infra/dev/deps (docs/dev-environment.md).
# Why: records stores PHI encrypted per tenant: it uses (never manages) the tenant's transit
# key for data keys, encrypt/decrypt and rewrap, and reads only its own KV subtree.
# Least privilege: anything not listed here is denied (403).

# --- Tenant keys: read metadata only (latest version, for rewrap); never manage them ---
path "transit/keys/tenant-*" {
  capabilities = ["read"]
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
path "secret/data/records/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/records/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# --- Own token upkeep ---
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
