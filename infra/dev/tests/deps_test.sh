#!/usr/bin/env bash
# Self-test of infra/dev/deps: throwaway dirs (mktemp); profile test on ports base..base+3,
# profile run on base+4..base+7 (base: DEPS_TEST_PORT_BASE, default 25340).
# Profile test: up -> checks (status, PostgreSQL roles, AppRole policy, Redis auth, no secret
# in argv or logs) -> second up is a no-op -> down leaves no process behind -> stale pid files
# naming other live processes are neither trusted nor signalled -> down --purge -> as root,
# the /var/tmp cluster fallback refuses planted paths, then works.
# Profile run (persistent OpenBao): up -> the root makes a transit key, a ciphertext and a KV
# secret -> down -> up -> all still there, the env file's AppRole ids still log in, no token
# in bao's argv -> down --purge leaves no process and no dir. Last line: "N passed, N failed".
set -euo pipefail

REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../../.." && pwd)
DEPS="$REPO_ROOT/infra/dev/deps"
# deps prints progress on stderr: keep it in order with our own lines.
deps() { "$DEPS" "$@" 2>&1; }
BASE=${DEPS_TEST_PORT_BASE:-25340}
RUN_BASE=$((BASE + 4))
export TP_PORT_BASE=$BASE
PORTS=("$BASE" "$((BASE + 1))" "$((BASE + 2))")
# OpenBao also opens its cluster listener on its port + 1.
ALL_PORTS=("${PORTS[@]}" "$((BASE + 3))")
TP_DEV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tp-deps-test.XXXXXX")
export TP_DEV_DIR
# The run profile's env file sets TP_DEV_DIR too: the cleanup uses these.
TEST_DIR=$TP_DEV_DIR
RUN_DIR=""
# Made by later sections; the cleanup removes whatever exists.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tp-deps-scratch.XXXXXX")
FB_DIR="" FB_HOME="" BAIT=""
DECOY_PIDS=()

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); printf 'ok     %s\n' "$1"; }
nok() { FAILED=$((FAILED + 1)); printf 'FAILED %s\n' "$1"; }
# check DESCRIPTION COMMAND...: one test per call.
check() {
  local desc=$1
  shift
  if "$@"; then ok "$desc"; else nok "$desc"; fi
}
eq() { [[ $1 == "$2" ]] || { printf '       expected [%s], got [%s]\n' "$2" "$1"; return 1; }; }
summary() { printf '%d passed, %d failed\n' "$PASSED" "$FAILED"; }
now_ms() { date +%s%3N; }

pid_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}
listening() { [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; }
read_pids() { # [DIR [CLUSTER HOME]]
  local dir=${1:-$TP_DEV_DIR}
  PG_PID=$(head -n1 "${2:-$dir}/pg/postmaster.pid" 2>/dev/null || true)
  REDIS_PID=$(cat "$dir/redis.pid" 2>/dev/null || true)
  BAO_PID=$(cat "$dir/bao.pid" 2>/dev/null || true)
}
# Stop a profile (by this test's own pids if down fails) and remove its dirs.
teardown() { # PROFILE DIR [CLUSTER HOME]
  local profile=$1 p base=$BASE
  shift
  if [[ $profile == run ]]; then base=$RUN_BASE; fi
  read_pids "$@"
  TP_DEV_DIR=$1 TP_PORT_BASE=$base "$DEPS" down --purge --profile "$profile" >/dev/null 2>&1
  for p in $BAO_PID $REDIS_PID $PG_PID; do
    if pid_alive "$p"; then kill -KILL "$p" 2>/dev/null; fi
  done
  rm -rf -- "$1"
}

# Whatever happens, stop what this test started (by its own pids) and remove the dirs.
cleanup() {
  set +e
  if [[ -d $TEST_DIR ]]; then teardown test "$TEST_DIR"; fi
  if [[ -n $RUN_DIR && -d $RUN_DIR ]]; then teardown run "$RUN_DIR"; fi
  if [[ -n $FB_DIR && -d $FB_DIR ]]; then teardown test "$FB_DIR" "$FB_HOME"; fi
  if [[ -n $FB_HOME ]]; then rm -rf -- "$FB_HOME"; fi
  if [[ -n $BAIT ]]; then rm -rf -- "$BAIT"; fi
  for p in "${DECOY_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf -- "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for p in "${ALL_PORTS[@]}" "$RUN_BASE" "$((RUN_BASE + 1))" "$((RUN_BASE + 2))" "$((RUN_BASE + 3))"; do
  if listening "$p"; then
    nok "port $p is free before the test (something else listens there)"
    summary
    exit 1
  fi
done

# ------------------------------------------------------------------ up (cold)
t0=$(now_ms)
if deps up --profile test; then ok "deps up --profile test ($(($(now_ms) - t0)) ms)"; else
  nok "deps up --profile test"
  summary
  exit 1
fi
ENV_FILE=$("$DEPS" env --profile test)
check "deps env prints <dir>/env" eq "$ENV_FILE" "$TP_DEV_DIR/env"
check "env file is 0600" eq "$(stat -c %a "$ENV_FILE")" 600
check "secrets file is 0600" eq "$(stat -c %a "$TP_DEV_DIR/secrets")" 600
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
status_rc=0
status_out=$(deps status --profile test) || status_rc=$?
printf '%s\n' "$status_out"
check "status exits 0 after up" eq "$status_rc" 0
check "status shows 3 components running" eq "$(grep -c ' running ' <<<"$status_out")" 3
for p in "${PORTS[@]}"; do
  check "port $p listens on 127.0.0.1 only" \
    eq "$(ss -Hltn "sport = :$p" | awk '{print $4}' | sort -u)" "127.0.0.1:$p"
done

# ------------------------------------------------------------------ PostgreSQL
psql_at() { # URL SQL
  "$TP_PG_BIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 "$1" -c "$2" 2>&1
}
check "all 7 roles exist (admin login over TCP with password)" \
  eq "$(psql_at "$TP_DATABASE_ADMIN_URL" "SELECT count(*) FROM pg_roles WHERE rolname IN
      ('tp_migrator','tp_identity','tp_scheduling','tp_records','tp_messaging','tp_consent','tp_audit')")" 7
check "tp_records: not superuser, not bypassrls, noinherit, nocreatedb, nocreaterole" \
  eq "$(psql_at "$TP_DATABASE_ADMIN_URL" "SELECT rolsuper, rolbypassrls, rolinherit, rolcreatedb, rolcreaterole, rolcanlogin
      FROM pg_roles WHERE rolname = 'tp_records'")" "f|f|f|f|f|t"
check "tp_migrator: createdb, not superuser/bypassrls, owns telehealth" \
  eq "$(psql_at "$TP_DATABASE_ADMIN_URL" "SELECT r.rolsuper, r.rolbypassrls, r.rolcreatedb, r.rolcreaterole, d.datname
      FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = 'telehealth'")" "f|f|t|f|telehealth"
check "btree_gist and pgcrypto in telehealth" \
  eq "$(psql_at "$TP_DATABASE_MIGRATOR_URL" "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension
      WHERE extname IN ('btree_gist','pgcrypto')")" "btree_gist,pgcrypto"
check "tp_records logs in with its URL" eq "$(psql_at "$TP_DATABASE_URL_RECORDS" "SELECT current_user")" tp_records
bad_url="postgres://tp_records:wrong@${TP_DATABASE_URL_RECORDS#*@}"
wrong_password_rejected() { ! "$TP_PG_BIN/psql" -X -q "$bad_url" -c "SELECT 1" >/dev/null 2>&1; }
check "a wrong password is rejected over TCP" wrong_password_rejected
check "test profile: fsync off, max_connections 300" \
  eq "$(psql_at "$TP_DATABASE_ADMIN_URL" "SELECT current_setting('fsync') || ',' || current_setting('max_connections')")" "off,300"

# ------------------------------------------------------------------ OpenBao
vault_code() { # METHOD PATH TOKEN [JSON] -> HTTP status
  curl -s -o /dev/null -w '%{http_code}' -X "$1" -H @<(printf 'X-Vault-Token: %s\n' "$3") \
    ${4:+--data-binary "$4"} "$TP_VAULT_ADDR/v1/$2"
}
approle_login() { # SVC -> client token
  local rid sid body re='"client_token": *"([^"]+)"'
  rid=TP_VAULT_ROLE_ID_$1
  sid=TP_VAULT_SECRET_ID_$1
  body=$(printf '{"role_id":"%s","secret_id":"%s"}' "${!rid}" "${!sid}" |
    curl -s -X POST --data-binary @- "$TP_VAULT_ADDR/v1/auth/approle/login")
  [[ $body =~ $re ]] && printf '%s' "${BASH_REMATCH[1]}"
}
read_pids
bao_args=$(tr '\0' ' ' <"/proc/$BAO_PID/cmdline" 2>/dev/null || true)
root_token_not_in_argv() {
  [[ $bao_args == *"-dev-listen-address=127.0.0.1:$((BASE + 2))"* && $bao_args != *"$TP_VAULT_ROOT_TOKEN"* ]]
}
check "the root token is not in /proc/<openbao pid>/cmdline" root_token_not_in_argv
check "the root token (passed in bao's environment) works: lookup-self" \
  eq "$(vault_code GET auth/token/lookup-self "$TP_VAULT_ROOT_TOKEN")" 200
REC_TOKEN=$(approle_login RECORDS || true)
check "AppRole login with the records role_id/secret_id" test -n "$REC_TOKEN"
ID_TOKEN=$(approle_login IDENTITY || true)
check "AppRole login with the identity role_id/secret_id" test -n "$ID_TOKEN"
is_2xx() { [[ $1 == 2?? ]] || { printf '       expected 2xx, got [%s]\n' "$1"; return 1; }; }
check "identity creates transit key tenant-x" \
  is_2xx "$(vault_code POST transit/keys/tenant-x "$ID_TOKEN" '{"type":"aes256-gcm96"}')"
check "records encrypts with tenant-x" \
  eq "$(vault_code POST transit/encrypt/tenant-x "$REC_TOKEN" '{"plaintext":"aGVsbG8="}')" 200
check "records gets 403 deleting transit/keys/tenant-x" \
  eq "$(vault_code DELETE transit/keys/tenant-x "$REC_TOKEN")" 403
check "records gets 403 creating a tenant key" \
  eq "$(vault_code POST transit/keys/tenant-y "$REC_TOKEN" '{}')" 403
check "records gets 403 on identity's KV" \
  eq "$(vault_code GET secret/data/identity/x "$REC_TOKEN")" 403
GW_TOKEN=$(approle_login GATEWAY || true)
CTL_TOKEN=$(approle_login CTL || true)
AUDIT_TOKEN=$(approle_login AUDIT || true)
check "the gateway never holds a tenant data key (403 on datakey)" \
  eq "$(vault_code POST transit/datakey/plaintext/tenant-x "$GW_TOKEN" '{}')" 403
check "the operator CLI cannot decrypt with a tenant key (403 on decrypt)" \
  eq "$(vault_code POST transit/decrypt/tenant-x "$CTL_TOKEN" '{"ciphertext":"vault:v1:AAAA"}')" 403
check "audit creates its own signing key" \
  is_2xx "$(vault_code POST transit/keys/audit-checkpoints "$AUDIT_TOKEN" '{"type":"ed25519"}')"
check "audit cannot trim its signing key's history" \
  eq "$(vault_code POST transit/keys/audit-checkpoints/trim "$AUDIT_TOKEN" '{"min_available_version":1}')" 403
check "audit gets 403 creating any other key" \
  eq "$(vault_code POST transit/keys/audit-other "$AUDIT_TOKEN" '{}')" 403
check "the operator CLI crypto-shreds a tenant key" \
  is_2xx "$(vault_code POST transit/keys/tenant-x/config "$CTL_TOKEN" '{"deletion_allowed":true}')"
check "...and the key is gone after delete" \
  is_2xx "$(vault_code DELETE transit/keys/tenant-x "$CTL_TOKEN")"

# ------------------------------------------------------------------ Redis
REDIS_PW=${TP_REDIS_URL#redis://:}
REDIS_PW=${REDIS_PW%%@*}
check "redis PING with the password" \
  eq "$(REDISCLI_AUTH=$REDIS_PW redis-cli -h 127.0.0.1 -p "$((BASE + 1))" ping 2>&1)" PONG
redis_title() { [[ $(tr '\0' ' ' <"/proc/$REDIS_PID/cmdline") == *" $TP_DEV_DIR/redis.conf"* ]]; }
check "redis names its config file in its process title (its identity for down)" redis_title
redis_noauth() { [[ $(redis-cli -h 127.0.0.1 -p "$((BASE + 1))" ping 2>&1) == NOAUTH* ]]; }
check "redis refuses without the password" redis_noauth

# ------------------------------------------------------------------ second up is a no-op
read_pids
before="$PG_PID $REDIS_PID $BAO_PID"
cp -p "$ENV_FILE" "$TP_DEV_DIR/env.before"
mtime_before=$(stat -c %y "$ENV_FILE")
t0=$(now_ms)
check "second deps up succeeds" deps up --profile test
warm_ms=$(($(now_ms) - t0))
read_pids
check "second up keeps the same pids (pg redis bao: $before) in $warm_ms ms" eq "$PG_PID $REDIS_PID $BAO_PID" "$before"
check "second up leaves the env file byte-for-byte" cmp -s "$ENV_FILE" "$TP_DEV_DIR/env.before"
check "second up leaves the env file mtime" eq "$(stat -c %y "$ENV_FILE")" "$mtime_before"

# ------------------------------------------------------------------ bootstrap errors hide passwords
# A role default of read-only makes the bootstrap's first statement (ALTER ROLE ... PASSWORD)
# fail; postgres would log that statement, password included, without the fix.
admin_sql() { PGOPTIONS='-c default_transaction_read_only=off' psql_at "$TP_DATABASE_ADMIN_URL" "$1"; }
no_secret_in() { # TEXT [DEV DIR]: holds none of the secrets in that dir's secrets file
  local k v
  while IFS='=' read -r k v; do
    if [[ -n $v && $k != \#* && $1 == *"$v"* ]]; then printf '       %s is in there\n' "$k"; return 1; fi
  done <"${2:-$TEST_DIR}/secrets"
}
admin_sql "ALTER ROLE postgres SET default_transaction_read_only = on" >/dev/null
rm -f "$TP_DEV_DIR/up.state"
up_rc=0
up_out=$(deps up --profile test) || up_rc=$?
printf '%s\n' "$up_out"
check "a failing bootstrap makes up fail" test "$up_rc" -ne 0
check "...and up's output holds no password" no_secret_in "$up_out"
check "...and pg.log holds no password" no_secret_in "$(cat "$TP_DEV_DIR/pg.log")"
admin_sql "ALTER ROLE postgres RESET default_transaction_read_only" >/dev/null
check "up succeeds again once the role is fixed" deps up --profile test

# ------------------------------------------------------------------ port base range
port_base_refused() {
  local out
  out=$(TP_PORT_BASE=65533 deps env --profile test) && return 1
  [[ $out == *"1024..65532"* ]] || { printf '%s\n' "$out"; return 1; }
}
port_base_accepted() { [[ $(TP_PORT_BASE=65532 deps env --profile test) != *"TP_PORT_BASE must"* ]]; }
check "TP_PORT_BASE 65533 is refused (the openbao cluster listener would be 65536)" port_base_refused
check "TP_PORT_BASE 65532 is accepted" port_base_accepted

# ------------------------------------------------------------------ down
t0=$(now_ms)
check "deps down --profile test" deps down --profile test
down_ms=$(($(now_ms) - t0))
pid_gone() { ! pid_alive "$1"; }
not_listening() { ! listening "$1"; }
status_fails() { ! deps status --profile test >/dev/null; }
second_down_noop() {
  local out
  out=$(deps down --profile test) || return 1
  printf '%s\n' "$out"
  [[ $out == *"not running"* ]]
}
purge_removes_dir() { deps down --purge --profile test && [[ ! -e $TP_DEV_DIR ]]; }
for p in $before; do check "pid $p is gone after down ($down_ms ms)" pid_gone "$p"; done
for p in "${ALL_PORTS[@]}"; do check "nothing listens on $p after down" not_listening "$p"; done
check "status exits 1 after down" status_fails
check "data dir kept after down" test -f "$TP_DEV_DIR/pg/PG_VERSION"

# ------------------------------------------------------------------ stale pid files
# After a reboot a pid file may name a recycled pid: an unrelated process with the very same
# name. Decoys: sleep started under the names postgres, redis-server and bao.
start_decoy() { # NAME -> pid in DECOY
  local i
  ln -s "$(command -v sleep)" "$SCRATCH/$1"
  "$SCRATCH/$1" 300 &
  DECOY=$!
  DECOY_PIDS+=("$DECOY")
  for ((i = 0; i < 50; i++)); do
    [[ $(cat "/proc/$DECOY/comm" 2>/dev/null) == "$1" ]] && return 0
    sleep 0.02
  done
}
start_decoy postgres
printf '%s\n%s\n0\n%s\n' "$DECOY" "$TP_DEV_DIR/pg" "$BASE" >"$TP_DEV_DIR/pg/postmaster.pid"
start_decoy redis-server
echo "$DECOY" >"$TP_DEV_DIR/redis.pid"
start_decoy bao
echo "$DECOY" >"$TP_DEV_DIR/bao.pid"
status_rc=0
status_out=$(deps status --profile test) || status_rc=$?
printf '%s\n' "$status_out"
check "status with pid files naming other processes exits 1" eq "$status_rc" 1
check "status reports all 3 pid files as stale" eq "$(grep -c 'stopped .*stale pid file' <<<"$status_out")" 3
down_out=$(deps down --profile test) || true
printf '%s\n' "$down_out"
check "down reports all 3 pid files as stale" eq "$(grep -c 'stale pid file' <<<"$down_out")" 3
for p in "${DECOY_PIDS[@]}"; do check "down did not signal decoy pid $p" pid_alive "$p"; done
no_pid_files() { [[ ! -e $TP_DEV_DIR/pg/postmaster.pid && ! -e $TP_DEV_DIR/redis.pid && ! -e $TP_DEV_DIR/bao.pid ]]; }
check "down removed the stale pid files" no_pid_files
for p in "${DECOY_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
DECOY_PIDS=()

check "down again is a no-op saying not running" second_down_noop
check "down --purge removes the dir" purge_removes_dir

# ------------------------------------------------------------------ /var/tmp cluster fallback
# As root, a dev dir that user postgres cannot reach (a fresh mktemp -d clone) puts the cluster
# in /var/tmp/tp-dev-pg-<hash of the dir>: a name anyone can predict and plant first.
if [[ $(id -u) -eq 0 ]]; then
  mkdir -m 700 "$SCRATCH/private"
  FB_DIR=$SCRATCH/private/dev
  FB_HOME=/var/tmp/tp-dev-pg-$(printf '%s' "$FB_DIR" | sha256sum | cut -c1-16)
  fb() { TP_DEV_DIR=$FB_DIR deps "$@" --profile test; }
  fb_refuses() { # what the planted path is
    local out
    # Should up start anyway (a regression), stop it before the next case.
    out=$(fb up) && { printf '       up succeeded\n'; teardown test "$FB_DIR" "$FB_HOME"; return 1; }
    [[ $out == *"refusing to use $FB_HOME"*"$1"* ]] || { printf '%s\n' "$out"; return 1; }
  }
  empty_dir() { [[ -d $1 && -z $(ls -A "$1") ]]; }
  # The link points where user postgres can go, so only the check stops root from using it.
  BAIT=$(mktemp -d /var/tmp/tp-deps-bait.XXXXXX)
  chmod 755 "$BAIT"
  plant() { # symlink | foreign | writable
    rm -rf -- "$FB_HOME"
    case $1 in
      symlink) ln -s "$BAIT" "$FB_HOME" ;;
      foreign) mkdir -m 755 "$FB_HOME" && chown 65534:65534 "$FB_HOME" ;;
      writable) mkdir -m 777 "$FB_HOME" ;;
    esac
  }
  plant symlink
  check "fallback: up refuses a symlink planted at $FB_HOME" fb_refuses "symbolic link"
  check "fallback: ...and writes nothing where it points" empty_dir "$BAIT"
  plant foreign
  check "fallback: up refuses a dir there owned by another user" fb_refuses "owned by uid 65534"
  check "fallback: ...and writes nothing in it" empty_dir "$FB_HOME"
  plant writable
  check "fallback: up refuses a root dir there that others may write" fb_refuses "lets others write"
  rm -rf -- "$FB_HOME"
  t0=$(now_ms)
  check "fallback: up creates the dir itself and starts" fb up
  fb_ms=$(($(now_ms) - t0))
  check "fallback: cluster home is a root-owned 711 dir ($fb_ms ms)" \
    eq "$(stat -c '%F %U %a' "$FB_HOME")" "directory root 711"
  check "fallback: the cluster lives there" test -f "$FB_HOME/pg/PG_VERSION"
  check "fallback: status exits 0" fb status
  fb_purged() { fb down --purge && [[ ! -e $FB_DIR && ! -e $FB_HOME ]]; }
  check "fallback: down --purge removes the dev dir and the cluster home" fb_purged
else
  printf 'skip   /var/tmp cluster fallback checks (root only)\n'
fi

# ------------------------------------------------------------------ profile run: persistent OpenBao
# OpenBao is a real server here: tenant keys and KV must outlive down/up, or PHI encrypted by
# an earlier `just run` could no longer be decrypted.
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tp-deps-run.XXXXXX")
run() { TP_DEV_DIR=$RUN_DIR TP_PORT_BASE=$RUN_BASE deps "$@" --profile run; }
load_run_env() {
  set -a
  # shellcheck disable=SC1091
  if [[ -f $RUN_DIR/env ]]; then . "$RUN_DIR/env"; fi
  set +a
}
vault_body() { # METHOD PATH TOKEN [JSON] -> response body
  curl -s -X "$1" -H @<(printf 'X-Vault-Token: %s\n' "$3") ${4:+--data-binary "$4"} "$TP_VAULT_ADDR/v1/$2"
}
json_at() { # NAME JSON -> first string value of NAME
  local re="\"$1\": *\"([^\"]*)\""
  if [[ $2 =~ $re ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}
# timed DESCRIPTION COMMAND...: check, with the time it took in the description.
timed() {
  local desc=$1 t0 rc=0
  shift
  t0=$(now_ms)
  "$@" || rc=$?
  if ((rc == 0)); then ok "$desc ($(($(now_ms) - t0)) ms)"; else nok "$desc"; fi
}
timed "run: deps up --profile run (first start: OpenBao init)" run up
load_run_env
read_pids "$RUN_DIR"
run_pids="$PG_PID $REDIS_PID $BAO_PID"
bao1=$BAO_PID
real_server() {
  local args
  args=$'\n'$(tr '\0' '\n' <"/proc/$BAO_PID/cmdline" 2>/dev/null)$'\n'
  [[ $args == *$'\n'"-config=$RUN_DIR/bao.hcl"$'\n'* && $args != *$'\n'-dev$'\n'* ]]
}
check "run: openbao is a real server started with -config=<dir>/bao.hcl" real_server
check "run: bao.hcl is 0600 with raft storage in <dir>/bao-data" \
  eq "$(stat -c %a "$RUN_DIR/bao.hcl") $(grep -c "path = \"$RUN_DIR/bao-data\"" "$RUN_DIR/bao.hcl")" "600 1"
check "run: the secrets file (0600) keeps the unseal key" \
  eq "$(stat -c %a "$RUN_DIR/secrets") $(grep -c '^BAO_UNSEAL_KEY=.' "$RUN_DIR/secrets")" "600 1"
check "run: the env file's root token is OpenBao's (lookup-self)" \
  eq "$(vault_code GET auth/token/lookup-self "$TP_VAULT_ROOT_TOKEN")" 200
check "run: the root creates transit key tenant-persist" \
  is_2xx "$(vault_code POST transit/keys/tenant-persist "$TP_VAULT_ROOT_TOKEN" '{"type":"aes256-gcm96"}')"
ciphertext=$(json_at ciphertext "$(vault_body POST transit/encrypt/tenant-persist "$TP_VAULT_ROOT_TOKEN" '{"plaintext":"cGhpLWRhdGE="}')")
check "run: ...and encrypts with it" test -n "$ciphertext"
check "run: the root writes KV secret secret/data/persist/x (KV v2 mounted)" \
  eq "$(vault_code POST secret/data/persist/x "$TP_VAULT_ROOT_TOKEN" '{"data":{"v":"kept"}}')" 200
sid_before=${TP_VAULT_SECRET_ID_RECORDS:-}
check "run: down" run down
check "run: openbao pid $bao1 is gone after down" pid_gone "$bao1"
timed "run: up again (OpenBao unsealed, ids kept)" run up
load_run_env
read_pids "$RUN_DIR"
check "run: openbao was restarted (pid $bao1 -> $BAO_PID)" test "$BAO_PID" != "$bao1"
check "run: transit key tenant-persist survived the restart" \
  eq "$(vault_code GET transit/keys/tenant-persist "$TP_VAULT_ROOT_TOKEN")" 200
check "run: the KV secret survived the restart" \
  eq "$(json_at v "$(vault_body GET secret/data/persist/x "$TP_VAULT_ROOT_TOKEN")")" kept
check "run: the env file keeps records' secret_id" eq "${TP_VAULT_SECRET_ID_RECORDS:-}" "$sid_before"
REC_TOKEN=$(approle_login RECORDS || true)
check "run: AppRole login (records) with the env file's credentials" test -n "$REC_TOKEN"
check "run: records decrypts the ciphertext made before the restart" \
  eq "$(json_at plaintext "$(vault_body POST transit/decrypt/tenant-persist "$REC_TOKEN" "{\"ciphertext\":\"$ciphertext\"}")")" cGhpLWRhdGE=
check "run: bao's argv holds no token, key or password" \
  no_secret_in "$(tr '\0' ' ' <"/proc/$BAO_PID/cmdline" 2>/dev/null)" "$RUN_DIR"
run_pids+=" $PG_PID $REDIS_PID $BAO_PID"
before="$PG_PID $REDIS_PID $BAO_PID"
check "run: second up succeeds" run up
read_pids "$RUN_DIR"
check "run: second up keeps the same pids" eq "$PG_PID $REDIS_PID $BAO_PID" "$before"
check "run: status exits 0" run status
run_purged() { run down --purge && [[ ! -e $RUN_DIR ]]; }
check "run: down --purge removes the dir (OpenBao's data too)" run_purged
none_alive() {
  local p
  for p in $run_pids; do if pid_alive "$p"; then printf '       pid %s is alive\n' "$p"; return 1; fi; done
  for ((p = RUN_BASE; p < RUN_BASE + 4; p++)); do if listening "$p"; then printf '       port %s listens\n' "$p"; return 1; fi; done
}
check "run: no process of the run profile is left, no port listens" none_alive

summary
((FAILED == 0))
