# Policy tp-gateway: the gateway service's own rights, on top of tp-base.
# Why: gateway terminates client requests and forwards them with the caller's token; it
# never sees PHI in the clear, so it has no tenant-data policy and no key rights.

# Its own KV v2 subtree (secret/ is the KV v2 mount), no other service's.
path "secret/data/gateway/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/gateway/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
