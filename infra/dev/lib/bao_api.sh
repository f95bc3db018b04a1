# shellcheck shell=bash
# infra/dev/lib/bao_api.sh — sourced by infra/dev/deps: a small Vault HTTP API client (curl;
# tokens and keys travel in a 0600 header file or on stdin, never in argv) and the OpenBao
# bootstrap: KV v2 at secret/, transit, AppRole, the policies in infra/vault/policies and one
# role per service. The bootstrap is idempotent and runs whenever bao (re)started, in either
# profile, so edited policy files take effect. Profile run keeps the AppRole secret_ids the
# env file already holds while they still log in; otherwise each role gets a new one.

POLICY_DIR="$REPO_ROOT/infra/vault/policies"
VAULT_SERVICES=(gateway identity scheduling records messaging consent audit ctl)
# Services that store PHI and so may use tenant data keys (policy tp-tenant-data).
PHI_SERVICES="identity scheduling records messaging consent audit"

# JSON string escape for policy text.
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}
# vault_api METHOD PATH [JSON] -> body on stdout; fails on HTTP >= 400. Sends the token in
# the header file VAULT_HDR (none if it is empty); JSON reaches curl on stdin.
VAULT_HDR=""
vault_api() {
  local method=$1 path=$2 data=${3:-} out code hdr=()
  if [[ -n $VAULT_HDR ]]; then hdr=(-H @"$VAULT_HDR"); fi
  out=$(mktemp "$DIR/.vault-resp.XXXXXX")
  code=$(printf '%s' "$data" | curl -sS --max-time 10 -o "$out" -w '%{http_code}' -X "$method" \
    "${hdr[@]}" -H 'Content-Type: application/json' \
    ${data:+--data-binary @-} "$BAO_ADDR/v1/$path") || code=000
  if [[ ! $code =~ ^2 ]]; then
    printf 'deps: error: %s /v1/%s -> HTTP %s: %s\n' "$method" "$path" "$code" \
      "$(grep -o '"errors":\[[^]]*\]' "$out" || true)" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}
# json_field NAME JSON: first string value of "NAME" (Vault's answers are flat enough).
json_field() {
  local re="\"$1\": *\"([^\"]*)\""
  if [[ $2 =~ $re ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}
# json_first NAME JSON: first element of the string array "NAME".
json_first() {
  local re="\"$1\": *\\[ *\"([^\"]*)\""
  if [[ $2 =~ $re ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}

# approle_works ROLE_ID SECRET_ID: they still log in (the token this makes is revoked).
approle_works() {
  local body accessor
  [[ $1 =~ ^[A-Za-z0-9-]+$ && $2 =~ ^[A-Za-z0-9-]+$ ]] || return 1
  body=$(VAULT_HDR="" vault_api POST auth/approle/login "{\"role_id\":\"$1\",\"secret_id\":\"$2\"}" 2>/dev/null) ||
    return 1
  accessor=$(json_field accessor "$body")
  [[ -n $accessor ]] || return 1
  vault_api POST auth/token/revoke-accessor "{\"accessor\":\"$accessor\"}" >/dev/null || true
}

# Mounts, policies, roles, ids; writes vault.state (the pid it belongs to and the ids).
bao_bootstrap() {
  local svc policy policies body role_id secret_id state t0 k v kept=0
  local -A old=()
  t0=$(now_ms)
  VAULT_HDR="$DIR/.vault-hdr"
  (umask 077 && printf 'X-Vault-Token: %s\n' "${SEC[VAULT_ROOT_TOKEN]:-}" >"$VAULT_HDR")
  body=$(vault_api GET sys/mounts) || die "listing mounts failed"
  # The dev server mounts KV v2 at secret/ itself; the real server needs it done.
  if [[ $body != *'"secret/"'* ]]; then
    vault_api POST sys/mounts/secret '{"type":"kv","options":{"version":"2"}}' >/dev/null ||
      die "enabling KV v2 at secret/ failed"
  fi
  if [[ $body != *'"transit/"'* ]]; then
    vault_api POST sys/mounts/transit '{"type":"transit"}' >/dev/null || die "enabling transit failed"
  fi
  body=$(vault_api GET sys/auth) || die "listing auth methods failed"
  if [[ $body != *'"approle/"'* ]]; then
    vault_api POST sys/auth/approle '{"type":"approle"}' >/dev/null || die "enabling approle failed"
  fi
  state="BAO_PID=$(bao_pid)"$'\n'
  # Shared policies first: every role gets tp-base, PHI services also tp-tenant-data.
  for policy in base tenant-data "${VAULT_SERVICES[@]}"; do
    [[ -r $POLICY_DIR/$policy.hcl ]] || die "missing policy file $POLICY_DIR/$policy.hcl"
    body=$(<"$POLICY_DIR/$policy.hcl")
    vault_api PUT "sys/policies/acl/tp-$policy" "{\"policy\":$(json_str "$body")}" >/dev/null ||
      die "writing policy tp-$policy failed"
  done
  # The ids the services were given last time (the storage of profile run outlives bao).
  if bao_persistent && [[ -f $ENV_FILE ]]; then
    while IFS='=' read -r k v; do
      if [[ $k == TP_VAULT_ROLE_ID_* || $k == TP_VAULT_SECRET_ID_* ]]; then old[$k]=$v; fi
    done <"$ENV_FILE"
  fi
  for svc in "${VAULT_SERVICES[@]}"; do
    policies="\"tp-base\",\"tp-$svc\""
    [[ " $PHI_SERVICES " == *" $svc "* ]] && policies+=",\"tp-tenant-data\""
    vault_api POST "auth/approle/role/tp-$svc" \
      "{\"token_policies\":[$policies],\"token_ttl\":\"1h\",\"token_max_ttl\":\"24h\",\"secret_id_ttl\":0}" \
      >/dev/null || die "creating role tp-$svc failed"
    body=$(vault_api GET "auth/approle/role/tp-$svc/role-id") || die "reading role_id of tp-$svc failed"
    role_id=$(json_field role_id "$body")
    secret_id=${old[TP_VAULT_SECRET_ID_${svc^^}]:-}
    if [[ -n $role_id && ${old[TP_VAULT_ROLE_ID_${svc^^}]:-} == "$role_id" ]] &&
      approle_works "$role_id" "$secret_id"; then
      kept=$((kept + 1))
    else
      body=$(vault_api POST "auth/approle/role/tp-$svc/secret-id" '{}') || die "creating a secret_id for tp-$svc failed"
      secret_id=$(json_field secret_id "$body")
    fi
    [[ -n $role_id && -n $secret_id ]] || die "could not parse role_id/secret_id of tp-$svc"
    state+="TP_VAULT_ROLE_ID_${svc^^}=$role_id"$'\n'"TP_VAULT_SECRET_ID_${svc^^}=$secret_id"$'\n'
  done
  rm -f "$VAULT_HDR"
  VAULT_HDR=""
  (umask 077 && printf '%s' "$state" >"$VAULT_STATE.tmp")
  mv -f "$VAULT_STATE.tmp" "$VAULT_STATE"
  log "openbao: KV, transit, approle, ${#VAULT_SERVICES[@]} policies and roles tp-* ready" \
    "($kept secret_ids kept, $((${#VAULT_SERVICES[@]} - kept)) new) in $(since "$t0")"
}
# vault.state belongs to the running bao (same pid)?
bao_bootstrapped() {
  [[ -r $VAULT_STATE ]] && [[ $(sed -n 's/^BAO_PID=//p' "$VAULT_STATE") == "$(bao_pid)" ]]
}
