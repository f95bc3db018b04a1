# Policy tp-records: the records service's own rights, on top of tp-base and tp-tenant-data.
# Why: records stores PHI encrypted per tenant through tp-tenant-data; beyond that it only has
# its own KV subtree.

# Its own KV v2 subtree (secret/ is the KV v2 mount), no other service's.
path "secret/data/records/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/records/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
