# shellcheck shell=bash disable=SC2034  # globals set here are read by the other files
# infra/dev/lib/bao.sh — sourced by infra/dev/deps: the profile's OpenBao dev server
# (in-memory: every restart loses its state), its start, health and stop, and the bootstrap
# through the Vault HTTP API: transit, AppRole, the policies in infra/vault/policies and one
# role per service. The root token never appears in any process's argv.

POLICY_DIR="$REPO_ROOT/infra/vault/policies"
VAULT_SERVICES=(gateway identity scheduling records messaging consent audit ctl)
# Services that store PHI and so may use tenant data keys (policy tp-tenant-data).
PHI_SERVICES="identity scheduling records messaging consent audit"

bao_pid() { read_pidfile "$BAO_PIDFILE"; }
# Our bao was started with our listen address; a recycled pid (another bao) was not.
bao_pid_ours() {
  pid_is "$1" bao && [[ $'\n'$(pid_args "$1")$'\n' == *$'\n'"-dev-listen-address=127.0.0.1:$BAO_PORT"$'\n'* ]]
}
bao_health() { curl -fsS -o /dev/null --max-time 2 "$BAO_ADDR/v1/sys/health" 2>/dev/null; }
bao_healthy() {
  local pid
  pid=$(bao_pid)
  [[ -n $pid ]] && bao_pid_ours "$pid" && port_owned_by "$BAO_PORT" "$pid" && bao_health
}
# Sets BAO_STARTED=1 if it (re)started OpenBao (all its state is then gone).
BAO_STARTED=0
bao_ensure_running() {
  local pid i t0
  pid=$(bao_pid)
  if [[ -n $pid ]] && bao_pid_ours "$pid"; then
    for ((i = 0; i < 100; i++)); do
      if bao_health; then
        log "openbao: already running (pid $pid, port $BAO_PORT)"
        return 0
      fi
      sleep 0.1
    done
    log_tail "$BAO_LOG"
    die "openbao (pid $pid) is running but unhealthy on port $BAO_PORT (TP_PORT_BASE changed? run deps down --profile $PROFILE first)"
  fi
  if [[ -n $pid ]]; then drop_stale openbao "$BAO_PIDFILE" "$pid"; fi
  rm -f "$BAO_PIDFILE" "$VAULT_STATE"
  require_port_free "$BAO_PORT" openbao
  # The dev server also opens its cluster listener on the next port.
  require_port_free "$((BAO_PORT + 1))" "the openbao dev cluster listener"
  t0=$(now_ms)
  (umask 077 && : >"$BAO_LOG")
  # The real static binary (not the pip shim), detached, so the pid is bao's own. The root
  # token goes in the environment (only its owner and root may read /proc/<pid>/environ),
  # not in -dev-root-token-id, which any local user sees in ps or /proc/<pid>/cmdline.
  BAO_DEV_ROOT_TOKEN_ID=${SEC[VAULT_ROOT_TOKEN]} setsid nohup "$BAO_BIN" server -dev \
    -dev-listen-address="127.0.0.1:$BAO_PORT" \
    -dev-no-store-token </dev/null >"$BAO_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$BAO_PIDFILE"
  for ((i = 0; i < 300; i++)); do
    if ! pid_alive "$pid"; then
      log_tail "$BAO_LOG"
      die "openbao exited during start"
    fi
    if bao_health; then
      bao_pid_ours "$pid" || die "pid $pid is not bao (started via $BAO_BIN)"
      log "openbao: started (pid $pid, port $BAO_PORT) in $(since "$t0")"
      BAO_STARTED=1
      return 0
    fi
    sleep 0.1
  done
  log_tail "$BAO_LOG"
  kill -TERM "$pid" 2>/dev/null || true
  die "openbao did not become healthy on port $BAO_PORT within 30s"
}
bao_stop() {
  local pid
  pid=$(bao_pid)
  if [[ -z $pid ]] || ! bao_pid_ours "$pid"; then
    if [[ -n $pid ]]; then drop_stale openbao "$BAO_PIDFILE" "$pid"; fi
    rm -f "$BAO_PIDFILE" "$VAULT_STATE"
    log "openbao: not running"
    return 0
  fi
  kill_ours TERM "$pid" bao_pid_ours
  wait_dead "$pid" 10 || { kill_ours KILL "$pid" bao_pid_ours; wait_dead "$pid" 5; } ||
    die "openbao pid $pid did not stop"
  rm -f "$BAO_PIDFILE" "$VAULT_STATE"
  wait_port_free "$BAO_PORT" 10 || die "port $BAO_PORT still in use after stopping openbao"
  log "openbao: stopped (was pid $pid)"
}

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
# vault_api METHOD PATH [JSON] -> body on stdout; fails on HTTP >= 400.
# The token goes through a header file, not argv.
VAULT_HDR=""
vault_api() {
  local method=$1 path=$2 data=${3:-} out code
  out=$(mktemp "$DIR/.vault-resp.XXXXXX")
  code=$(printf '%s' "$data" | curl -sS --max-time 10 -o "$out" -w '%{http_code}' -X "$method" \
    -H @"$VAULT_HDR" -H 'Content-Type: application/json' \
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

# Mounts, policies, roles, ids. Only needed after OpenBao (re)started: it is in-memory.
bao_bootstrap() {
  local svc policy policies body role_id secret_id state t0
  t0=$(now_ms)
  VAULT_HDR="$DIR/.vault-hdr"
  (umask 077 && printf 'X-Vault-Token: %s\n' "${SEC[VAULT_ROOT_TOKEN]}" >"$VAULT_HDR")
  body=$(vault_api GET sys/mounts) || die "listing mounts failed"
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
  for svc in "${VAULT_SERVICES[@]}"; do
    policies="\"tp-base\",\"tp-$svc\""
    [[ " $PHI_SERVICES " == *" $svc "* ]] && policies+=",\"tp-tenant-data\""
    vault_api POST "auth/approle/role/tp-$svc" \
      "{\"token_policies\":[$policies],\"token_ttl\":\"1h\",\"token_max_ttl\":\"24h\",\"secret_id_ttl\":0}" \
      >/dev/null || die "creating role tp-$svc failed"
    body=$(vault_api GET "auth/approle/role/tp-$svc/role-id") || die "reading role_id of tp-$svc failed"
    role_id=$(json_field role_id "$body")
    body=$(vault_api POST "auth/approle/role/tp-$svc/secret-id" '{}') || die "creating a secret_id for tp-$svc failed"
    secret_id=$(json_field secret_id "$body")
    [[ -n $role_id && -n $secret_id ]] || die "could not parse role_id/secret_id of tp-$svc"
    state+="TP_VAULT_ROLE_ID_${svc^^}=$role_id"$'\n'"TP_VAULT_SECRET_ID_${svc^^}=$secret_id"$'\n'
  done
  rm -f "$VAULT_HDR"
  (umask 077 && printf '%s' "$state" >"$VAULT_STATE.tmp")
  mv -f "$VAULT_STATE.tmp" "$VAULT_STATE"
  log "openbao: transit, approle, ${#VAULT_SERVICES[@]} policies and roles tp-* ready in $(since "$t0")"
}
# vault.state belongs to the running bao (same pid)?
bao_bootstrapped() {
  [[ -r $VAULT_STATE ]] && [[ $(sed -n 's/^BAO_PID=//p' "$VAULT_STATE") == "$(bao_pid)" ]]
}
