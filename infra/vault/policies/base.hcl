# Policy tp-base, attached to every service's AppRole by infra/dev/deps.
# Why: a service must keep its own token alive (renew) and inspect its TTL; nothing else is
# common to all services. Anything not granted by a role's policies is denied (403).
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
