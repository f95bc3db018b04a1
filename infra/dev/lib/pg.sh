# shellcheck shell=bash
# infra/dev/lib/pg.sh — sourced by infra/dev/deps: the profile's PostgreSQL cluster: initdb,
# start, health, the idempotent bootstrap (roles, database, extensions) and stop. It does
# not create schemas or grants: each service's first migration does.

DB_NAME=telehealth
DB_SERVICES=(identity scheduling records messaging consent audit)

pg_pid() { read_pidfile "$PG_DATA/postmaster.pid"; }
# Our postmaster runs with "-D <our data dir>" (pg_ctl passes it) and in that dir; a recycled
# pid (another cluster's process after a reboot) does not. The cwd test (same inode) also
# holds when the dir was spelled differently, e.g. through a symlink.
pg_pid_ours() {
  pid_is "$1" postgres || return 1
  [[ $'\n'$(pid_args "$1")$'\n' == *$'\n-D\n'"$PG_DATA"$'\n'* || /proc/$1/cwd -ef $PG_DATA ]]
}
pg_healthy() {
  local pid
  pid=$(pg_pid)
  [[ -n $PG_BIN && -n $pid ]] && pg_pid_ours "$pid" && port_owned_by "$PG_PORT" "$pid" &&
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}
pg_initdb() {
  local pwfile="$PG_HOME/.pg-pwfile" extra=()
  [[ $PROFILE == test ]] && extra=(--no-sync)
  log "postgres: initdb $PG_DATA (first start)"
  rm -rf "$PG_DATA"
  if is_root; then
    install -d -m 700 -o postgres -g postgres "$PG_DATA"
  else
    mkdir -m 700 "$PG_DATA"
  fi
  # A fresh file (noclobber after rm), never one a link points to; chown -h never follows.
  rm -f -- "$pwfile"
  (set -C && umask 077 && printf '%s\n' "${SEC[PG_PW_POSTGRES]}" >"$pwfile")
  if is_root; then chown -h postgres: "$pwfile"; fi
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" "${extra[@]}" \
    >"$DIR/initdb.log" 2>&1; then
    rm -f "$pwfile"
    log_tail "$DIR/initdb.log"
    die "initdb failed"
  fi
  rm -f "$pwfile"
}
# The log is created (noclobber) or reused only as a regular file; chown -h never follows.
pg_prepare_log() {
  if [[ -L $PG_LOG ]] || { [[ -e $PG_LOG ]] && [[ ! -f $PG_LOG ]]; }; then
    die "$PG_LOG is not a regular file (a symlink?); refusing to use it"
  fi
  [[ -e $PG_LOG ]] || (set -C && umask 077 && : >"$PG_LOG")
  if is_root; then chown -h postgres: "$PG_LOG"; fi
}
pg_ensure_running() {
  local pid t0 opts ver
  pid=$(pg_pid)
  if [[ -n $pid ]] && pg_pid_ours "$pid"; then
    local running_port
    running_port=$(sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true)
    if [[ -n $running_port && $running_port != "$PG_PORT" ]]; then
      die "postgres of $DIR runs on port $running_port, not $PG_PORT (TP_PORT_BASE changed?): run deps down --profile $PROFILE first"
    fi
    if pg_wait_ready 30; then
      log "postgres: already running (pid $pid, port $PG_PORT)"
      return 0
    fi
    log_tail "$PG_LOG"
    die "postgres (pid $pid) is running but not accepting connections on port $PG_PORT"
  fi
  require_port_free "$PG_PORT" postgres
  # sun_path holds 107 bytes: <data dir>/.s.PGSQL.<port> must fit.
  if ((${#PG_DATA} > 90)); then
    die "unix socket path $PG_DATA/.s.PGSQL.$PG_PORT is too long; use a shorter TP_DEV_DIR"
  fi
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    pg_initdb
  else
    ver=$(cat "$PG_DATA/PG_VERSION")
    [[ $("$PG_BIN/postgres" -V) =~ \ $ver(\.|$) ]] ||
      die "$PG_DATA holds a PostgreSQL $ver cluster but $PG_BIN is $("$PG_BIN/postgres" -V); use deps down --purge"
    # A stale postmaster.pid whose pid now belongs to another program would block the start.
    if [[ -n $pid ]]; then drop_stale postgres "$PG_DATA/postmaster.pid" "$pid"; fi
  fi
  opts="-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=300"
  if [[ $PROFILE == test ]]; then
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  pg_prepare_log
  t0=$(now_ms)
  # 9>&-: daemons must not inherit (and so keep holding) the dir lock.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o "$opts" start >/dev/null 2>&1 9>&- ||
    ! pg_wait_ready 30; then
    log_tail "$PG_LOG"
    die "postgres failed to start on port $PG_PORT"
  fi
  log "postgres: started (pid $(pg_pid), port $PG_PORT, profile $PROFILE) in $(since "$t0")"
}
pg_wait_ready() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
# db, SQL on stdin; over the unix socket in the data dir (trust for local). The SQL holds
# passwords: log_min_error_statement=panic keeps a failing statement out of pg.log, and
# psql's own error output (which may quote the statement) is filtered.
pg_psql() {
  local err rc=0
  err=$(PGOPTIONS='-c client_min_messages=warning -c log_min_error_statement=panic' \
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DATA" -p "$PG_PORT" -U postgres -d "$1" 2>&1 >/dev/null) || rc=$?
  if [[ -n $err ]]; then printf '%s\n' "$err" | grep -v PASSWORD | hide_secrets >&2 || true; fi
  return "$rc"
}
# Idempotent: roles (passwords re-set from the secrets file), database, extensions.
pg_bootstrap() {
  local s role sql
  sql="ALTER ROLE postgres WITH PASSWORD '${SEC[PG_PW_POSTGRES]}';"$'\n'
  for role in tp_migrator "${DB_SERVICES[@]/#/tp_}"; do
    sql+="SELECT 'CREATE ROLE $role' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role')"$'\n\\gexec\n'
  done
  sql+="ALTER ROLE tp_migrator WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE CREATEDB NOREPLICATION PASSWORD '${SEC[PG_PW_TP_MIGRATOR]}';"$'\n'
  for s in "${DB_SERVICES[@]}"; do
    role=tp_$s
    sql+="ALTER ROLE $role WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION PASSWORD '${SEC[PG_PW_TP_${s^^}]}';"$'\n'
  done
  sql+=$'\\connect template1\nCREATE EXTENSION IF NOT EXISTS btree_gist;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n'
  sql+="SELECT 'CREATE DATABASE $DB_NAME OWNER tp_migrator' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME')"$'\n\\gexec\n'
  sql+="ALTER DATABASE $DB_NAME OWNER TO tp_migrator;"$'\n'
  sql+="\\connect $DB_NAME"$'\nCREATE EXTENSION IF NOT EXISTS btree_gist;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n'
  pg_psql postgres <<<"$sql" || die "postgres bootstrap failed"
  log "postgres: roles, database $DB_NAME and extensions ready"
}
pg_stop() {
  local pid
  pid=$(pg_pid)
  if [[ -n $pid ]] && ! pg_pid_ours "$pid"; then
    # pg_ctl stop would signal whatever pid the file names: never run it on a stale file.
    drop_stale postgres "$PG_DATA/postmaster.pid" "$pid"
    pid=""
  fi
  if [[ -z $pid ]]; then
    log "postgres: not running"
    return 0
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
    log "postgres: pg_ctl stop failed; sending SIGQUIT to pid $pid"
    kill_ours QUIT "$pid" pg_pid_ours
  fi
  wait_dead "$pid" 15 || { kill_ours KILL "$pid" pg_pid_ours; wait_dead "$pid" 5; } ||
    die "postgres pid $pid did not stop"
  wait_port_free "$PG_PORT" 10 || die "port $PG_PORT still in use after stopping postgres"
  log "postgres: stopped (was pid $pid)"
}
