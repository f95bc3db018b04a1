# shellcheck shell=bash
# infra/dev/lib/commands.sh — sourced by infra/dev/deps: the four commands (up, down,
# status, env), composed from the component files. Argument parsing stays in deps.

up_state() { printf 'pg=%s redis=%s bao=%s\n' "$(pg_pid)" "$(redis_pid)" "$(bao_pid)"; }

cmd_up() {
  local t0
  t0=$(now_ms)
  log "up: profile $PROFILE, dir $DIR, ports pg=$PG_PORT redis=$REDIS_PORT openbao=$BAO_PORT"
  ensure_tools
  prepare_dir
  lock_dir
  load_secrets
  # Warm path: everything of this profile already up, bootstrapped and env current.
  if pg_healthy && redis_healthy && bao_healthy && bao_bootstrapped &&
    [[ -f $UP_STATE && $(<"$UP_STATE") == "$(up_state)" ]] && env_current; then
    log "up: all running and healthy (pg $(pg_pid), redis $(redis_pid), openbao $(bao_pid)); nothing changed"
    log "up: env file $ENV_FILE"
    return 0
  fi
  rm -f "$UP_STATE"
  pg_ensure_running
  pg_bootstrap
  redis_ensure_running
  bao_ensure_running
  # On every (re)start of bao, either profile: policy file changes take effect.
  if ((BAO_STARTED)) || ! bao_bootstrapped; then
    bao_bootstrap
  fi
  write_env
  up_state >"$UP_STATE"
  log "up: done in $(since "$t0"); env file $ENV_FILE"
}

cmd_down() {
  find_tools_quiet
  if [[ ! -d $DIR ]]; then
    log "down: nothing running (no dir $DIR)"
    return 0
  fi
  [[ -e $MARKER ]] || die "$DIR was not made by deps; refusing to touch it"
  lock_dir
  load_secrets_readonly
  log "down: profile $PROFILE, dir $DIR"
  bao_stop
  redis_stop
  if [[ -z $PG_BIN ]]; then
    log "postgres: not running (no PostgreSQL binaries)"
  elif pg_home_trusted; then
    pg_stop
  elif [[ -e $PG_HOME || -L $PG_HOME ]]; then
    # Not ours to run pg_ctl in: it would signal whatever pid a planted postmaster.pid names.
    log "postgres: not touching $PG_HOME: $PG_HOME_WHY"
  else
    log "postgres: not running"
  fi
  rm -f "$UP_STATE"
  if ((PURGE)); then
    rm -rf -- "$DIR"
    if [[ $PG_HOME != "$DIR" ]] && pg_home_trusted; then rm -rf -- "$PG_HOME"; fi
    log "down: purged $DIR"
  fi
}

status_line() { # name healthy? pid port is-ours-check
  local state=stopped pidtxt=-
  if [[ $2 == 1 ]]; then
    state=running pidtxt="pid $3"
  elif [[ -n $3 ]] && "$5" "$3"; then
    state=unhealthy pidtxt="pid $3"
  elif [[ -n $3 ]] && pid_alive "$3"; then
    # Only reported: up and down remove such a file under the dir lock. status takes no lock,
    # and a pid file up has just written may name a child that has not yet exec'd bao.
    pidtxt="stale pid file: pid $3 ($(pid_comm "$3")) is not ours"
  fi
  printf '%-9s %-9s port %-5s %s\n' "$1" "$state" "$4" "$pidtxt"
  [[ $state == running ]]
}
cmd_status() {
  local rc=0 h
  find_tools_quiet
  load_secrets_readonly
  if pg_healthy; then h=1; else h=0; fi
  status_line postgres "$h" "$(pg_pid)" "$PG_PORT" pg_pid_ours || rc=1
  if redis_healthy; then h=1; else h=0; fi
  status_line redis "$h" "$(redis_pid)" "$REDIS_PORT" redis_pid_ours || rc=1
  if bao_healthy; then h=1; else h=0; fi
  status_line openbao "$h" "$(bao_pid)" "$BAO_PORT" bao_pid_ours || rc=1
  return "$rc"
}

cmd_env() {
  printf '%s\n' "$ENV_FILE"
  [[ -f $ENV_FILE ]] || { log "env: $ENV_FILE does not exist yet; run: infra/dev/deps up --profile $PROFILE"; return 1; }
}
