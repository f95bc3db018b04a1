# Policy tp-audit for AppRole role tp-audit; loaded by infra/dev/deps (docs/dev-environment.md).
# Why: audit stores PHI-bearing events encrypted per tenant and signs its hash chain with its
# own transit keys (audit-*), which it may create, read and rotate but never trim or delete.
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
path "secret/data/audit/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/audit/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# --- Own token upkeep ---
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

# --- Audit-chain signing keys (audit-*) ---
# OpenBao treats every write to transit/keys/<name>, even creating a new key, as an update,
# so update is needed to create. No delete: checkpoints must stay verifiable.
path "transit/keys/audit-*" {
  capabilities = ["create", "read", "update"]
}
# The glob above also covers sub-paths; trimming old versions or editing the key config
# (deletion_allowed) would let audit destroy what verifies its own history.
path "transit/keys/audit-*/trim" {
  capabilities = ["deny"]
}
path "transit/keys/audit-*/config" {
  capabilities = ["deny"]
}
path "transit/sign/audit-*" {
  capabilities = ["update"]
}
path "transit/verify/audit-*" {
  capabilities = ["update"]
}
