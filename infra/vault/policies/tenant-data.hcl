# Policy tp-tenant-data, attached by infra/dev/deps to the services that store PHI
# (identity scheduling records messaging consent audit), not to the gateway or the CLI.
# Why: envelope encryption (libs/crypto, docs/adr/0002) asks transit for data keys under the
# tenant's key and unwraps them; the tenant key itself never leaves transit, and these
# services can neither create, rotate nor delete it.
path "transit/keys/tenant-*" {
  capabilities = ["read"]
}
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
