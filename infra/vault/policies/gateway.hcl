# Policy tp-gateway for AppRole role tp-gateway; loaded by infra/dev/deps (docs/dev-environment.md).
# Why: the gateway terminates client requests and may seal/unseal tenant payloads with the
# tenant's transit key; it never manages keys and reads only its own KV subtree.
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
path "secret/data/gateway/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/gateway/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# --- Own token upkeep ---
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
