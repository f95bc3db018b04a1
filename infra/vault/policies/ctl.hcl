# Policy tp-ctl: telehealthctl, the operator CLI, on top of tp-base only.
# Why: operators administer tenants (create, offboard) but never read PHI: key management
# without tp-tenant-data means it can destroy a tenant key but not decrypt with it.

# Administers tenants, so it creates, rotates and destroys their transit keys: deleting a
# tenant key crypto-shreds the tenant (offboarding). The glob also matches sub-paths.
path "transit/keys/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
}

# Its own KV v2 subtree (secret/ is the KV v2 mount), no other service's.
path "secret/data/ctl/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/ctl/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
