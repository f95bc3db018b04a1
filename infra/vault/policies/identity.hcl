# Policy tp-identity: the identity service's own rights, on top of tp-base and tp-tenant-data.
# Why: identity owns tenants and signs tokens.

# Administers tenants, so it creates, rotates and destroys their transit keys: deleting a
# tenant key crypto-shreds the tenant (offboarding). The glob also matches sub-paths.
path "transit/keys/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
}

# Token signing keys (identity-*): private keys never leave transit; JWKS reads public keys.
path "transit/keys/identity-*" {
  capabilities = ["create", "read", "update"]
}
path "transit/sign/identity-*" {
  capabilities = ["update"]
}
path "transit/verify/identity-*" {
  capabilities = ["update"]
}
# TOTP secrets are encrypted under identity-mfa (accounts are not tenant data).
path "transit/encrypt/identity-*" {
  capabilities = ["update"]
}
path "transit/decrypt/identity-*" {
  capabilities = ["update"]
}

# Its own KV v2 subtree (secret/ is the KV v2 mount), no other service's.
path "secret/data/identity/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/identity/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
