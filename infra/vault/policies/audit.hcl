# Policy tp-audit: the audit service's own rights, on top of tp-base and tp-tenant-data.
# Why: audit signs checkpoints of its hash chain with its own transit key
# (audit-checkpoints), which it may create, read and rotate but never trim or delete.

# The one checkpoint-signing key, by exact name. No glob: a glob such as audit-* also
# matches sub-paths (…/trim, …/config), which would let audit destroy the key versions that
# verify its own history. Create needs update (OpenBao treats every write as an update).
path "transit/keys/audit-checkpoints" {
  capabilities = ["create", "read", "update"]
}
path "transit/keys/audit-checkpoints/rotate" {
  capabilities = ["update"]
}
path "transit/sign/audit-checkpoints" {
  capabilities = ["update"]
}
path "transit/verify/audit-checkpoints" {
  capabilities = ["update"]
}

# Its own KV v2 subtree (secret/ is the KV v2 mount), no other service's.