# shellcheck shell=bash
# infra/dev/lib/proc.sh — sourced by infra/dev/deps: messages, timing, and the process and
# port checks the component files build on (is a pid alive, which pid holds a port, hiding
# secrets from log excerpts). It knows no component: each one's "is this pid ours" rule
# lives in its own file (pg.sh, redis.sh, bao.sh).

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }
now_ms() { date +%s%3N; }
since() { local d=$(($(now_ms) - $1)); printf '%d.%03ds' $((d / 1000)) $((d % 1000)); }

# A pid is alive if /proc has it and it is not a zombie (an unreaped child is dead to us).
pid_alive() {
  local pid=$1 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}
# pid_is PID COMM: alive and its command name is COMM. Only a first filter: after a reboot a
# recycled pid may well be another postgres or redis-server, so callers also check argv.
pid_is() {
  local comm
  pid_alive "$1" || return 1
  comm=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
  [[ $comm == "$2" ]]
}
# pid_args PID: its argv, one argument per line (empty if unreadable).
pid_args() { { tr '\0' '\n' <"/proc/$1/cmdline"; } 2>/dev/null || true; }
pid_comm() { cat "/proc/$1/comm" 2>/dev/null || echo '?'; }
read_pidfile() {
  if [[ -r $1 ]]; then head -n1 "$1" 2>/dev/null | tr -dc '0-9' || true; fi
}
# drop_stale WHAT PIDFILE PID: the pid file does not name our process. Remove it and, if the
# pid is alive (a recycled pid: some other program), say so; that pid is never signalled.
drop_stale() {
  if pid_alive "$3"; then
    log "$1: stale pid file $2: pid $3 ($(pid_comm "$3")) is not ours; removed the file, left the process alone"
  fi
  rm -f -- "$2"
}
# kill_ours SIGNAL PID CHECK: signal PID only if CHECK PID still says it is ours.
kill_ours() {
  if "$3" "$2"; then kill "-$1" "$2" 2>/dev/null || true; fi
}

port_listening() { [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; }
port_pids() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true; }
# port_owned_by PORT PID: the listener on PORT is PID (if ss cannot tell owners, accept).
port_owned_by() {
  local pids
  port_listening "$1" || return 1
  pids=$(port_pids "$1")
  [[ -z $pids ]] || grep -qx "$2" <<<"$pids"
}
# Before starting a component: its port must be free.
require_port_free() {
  local port=$1 what=$2 pids desc="" p
  port_listening "$port" || return 0
  pids=$(port_pids "$port")
  for p in $pids; do desc+=" pid $p ($(pid_comm "$p"))"; done
  die "port $port (for $what) is already in use by a process that is not ours:${desc:- unknown owner}. Stop it, or use another TP_PORT_BASE."
}
# wait_dead PID SECONDS
wait_dead() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do pid_alive "$1" || return 0; sleep 0.1; done
  return 1
}
wait_port_free() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_listening "$1" || return 0; sleep 0.1; done
  return 1
}
# terminate NAME PID CHECK PORT: SIGTERM (then SIGKILL) PID while CHECK says it is ours, with
# bounded waits, then wait for PORT to close. Dies if either does not happen.
terminate() {
  local name=$1 pid=$2 check=$3 port=$4
  if pid_alive "$pid"; then
    kill_ours TERM "$pid" "$check"
    wait_dead "$pid" 10 || { kill_ours KILL "$pid" "$check"; wait_dead "$pid" 5; } ||
      die "$name pid $pid did not stop"
  fi
  wait_port_free "$port" 10 || die "port $port still in use after stopping $name"
}

# hide_secrets: a filter dropping lines that hold a generated secret (SEC, when loaded). The
# secrets reach grep through a pipe, never its argv (which ps shows to every local user).
hide_secrets() {
  local v pats=()
  for v in "${SEC[@]}"; do if [[ -n $v ]]; then pats+=("$v"); fi; done
  if ((${#pats[@]})); then grep -vF -f <(printf '%s\n' "${pats[@]}") || true; else cat; fi
}
# Log tail for error messages. OpenBao dev prints its root token and unseal key; SQL that
# sets a PASSWORD may be echoed by postgres: hide all of these.
log_tail() {
  [[ -r $1 ]] || { echo "  (no log at $1)" >&2; return 0; }
  echo "---- last lines of $1 ----" >&2
  tail -n 25 "$1" | grep -Eiv 'root token|unseal key|token_id|secret_id' | grep -v PASSWORD |
    hide_secrets >&2 || true
  echo "----" >&2
}

# Run as the PostgreSQL owner: initdb/postgres refuse to run as root.
as_pg() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
