# shellcheck shell=bash disable=SC2034  # globals set here are read by the other files
# infra/dev/lib/devdir.sh — sourced by infra/dev/deps: the profile's layout (dir, ports,
# file paths, where the PostgreSQL cluster lives), preparing and locking the dir, the
# secrets file (generated once per dir; profile run's OpenBao adds its unseal key and root
# token) and the env file (the contract in docs/dev-environment.md). It starts nothing.

# Reads PROFILE, DEFAULT_BASE, TP_DEV_DIR, TP_PORT_BASE; sets the paths and ports below.
layout_init() {
  DIR=${TP_DEV_DIR:-$REPO_ROOT/.dev/$PROFILE}
  [[ $DIR == /* ]] || die "TP_DEV_DIR must be an absolute path (got '$DIR')"
  DIR=${DIR%/}
  [[ -n $DIR ]] || die "TP_DEV_DIR must not be /"
  # The dir ends up unquoted in the env file and in PostgreSQL's -o options: keep it plain.
  [[ $DIR =~ ^/[A-Za-z0-9._/+-]+$ ]] || die "dev dir '$DIR' may only contain letters, digits and ._/+-"
  BASE=${TP_PORT_BASE:-$DEFAULT_BASE}
  # OpenBao listens on base+2 and opens its cluster listener on base+3.
  if ! [[ $BASE =~ ^[0-9]+$ ]] || ((BASE < 1024 || BASE > 65532)); then
    die "TP_PORT_BASE must be a number in 1024..65532 (got '$BASE')"
  fi
  PG_PORT=$BASE
  REDIS_PORT=$((BASE + 1))
  BAO_PORT=$((BASE + 2))
  BAO_CLUSTER_PORT=$((BASE + 3))
  BAO_ADDR="http://127.0.0.1:$BAO_PORT"

  # As root, PostgreSQL runs as the postgres user, which must reach its data dir. A checkout
  # under a private directory (mktemp -d, a home dir with mode 700) is not reachable, so the
  # cluster then lives in a postgres-reachable dir named after $DIR: stable for status/down.
  # That name is predictable in world-writable /var/tmp: see pg_home_trusted.
  PG_HOME=$DIR
  if is_root && ! runuser -u postgres -- test -x "$(dirname "$DIR")" 2>/dev/null; then
    PG_HOME=/var/tmp/tp-dev-pg-$(printf '%s' "$DIR" | sha256sum | cut -c1-16)
  fi
  PG_DATA="$PG_HOME/pg"
  PG_LOG="$PG_HOME/pg.log"
  REDIS_CONF="$DIR/redis.conf"
  REDIS_PIDFILE="$DIR/redis.pid"
  REDIS_LOG="$DIR/redis.log"
  BAO_PIDFILE="$DIR/bao.pid"
  BAO_LOG="$DIR/bao.log"
  BAO_CONF="$DIR/bao.hcl"
  BAO_DATA="$DIR/bao-data"
  SECRETS_FILE="$DIR/secrets"
  VAULT_STATE="$DIR/vault.state"
  UP_STATE="$DIR/up.state"
  ENV_FILE="$DIR/env"
  MARKER="$DIR/.tp-dev-dir"
}

# Temporary files that may hold secrets are removed however we exit.
cleanup() {
  [[ -d $DIR ]] || return 0
  rm -f "$DIR/.vault-hdr" "$PG_HOME/.pg-pwfile" "$DIR"/.vault-resp.* "$DIR"/.env.* \
    "$SECRETS_FILE.tmp" "$VAULT_STATE.tmp" 2>/dev/null || true
}

# The /var/tmp fallback has a predictable name, so another local user may have created it
# first, as a symlink (root would then write the password file and chown the log wherever it
# points) or as their own dir (and swap files in it). Root only uses a real directory (lstat,
# never following a link) that root owns and no one else may write. On failure it sets
# PG_HOME_WHY. The dir of a checkout (PG_HOME = DIR) is the caller's choice: not checked.
PG_HOME_WHY=""
pg_home_trusted() {
  local uid="" mode="" type=""
  [[ $PG_HOME != "$DIR" ]] || return 0
  read -r uid mode type < <(stat -c '%u %a %F' -- "$PG_HOME" 2>/dev/null) || true
  if [[ -z $type ]]; then
    PG_HOME_WHY="it does not exist"
  elif [[ $type != directory ]]; then
    PG_HOME_WHY="it is a $type, not a directory"
  elif [[ $uid != 0 ]]; then
    PG_HOME_WHY="it is owned by uid $uid, not root"
  elif (((8#$mode & 8#022) != 0)); then
    PG_HOME_WHY="its mode $mode lets others write in it"
  else
    return 0
  fi
  return 1
}

prepare_dir() {
  if [[ -d $DIR && ! -e $MARKER ]] && [[ -n $(ls -A "$DIR") ]]; then
    die "$DIR exists, is not empty and was not made by deps; refusing to use it"
  fi
  mkdir -p "$DIR"
  : >"$MARKER"
  if is_root; then
    # PostgreSQL runs as postgres and must reach $DIR/pg; secrets stay 0600.
    chmod 711 "$DIR"
    if [[ $PG_HOME != "$DIR" ]]; then
      # mkdir creates it or fails; it never follows a planted symlink. Then check what is there.
      mkdir -m 711 -- "$PG_HOME" 2>/dev/null || true
      pg_home_trusted ||
        die "refusing to use $PG_HOME for PostgreSQL: $PG_HOME_WHY (another local user may have planted it). Check who made it, remove it, and retry; or set TP_DEV_DIR to a dir user postgres can reach"
      log "postgres: user postgres cannot reach $DIR; its cluster lives in $PG_HOME"
    fi
    runuser -u postgres -- test -x "$PG_HOME" ||
      die "user postgres cannot traverse $PG_HOME: make its parents traversable (chmod o+x) or set TP_DEV_DIR elsewhere"
  else
    chmod 700 "$DIR"
  fi
}
lock_dir() {
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another deps command has held $DIR/.lock for 60s"
}

# ---------------------------------------------------------------- secrets
rand_hex() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }
declare -A SEC=()
# The generated ones. Profile run's VAULT_ROOT_TOKEN (and BAO_UNSEAL_KEY) come from OpenBao's
# init instead (bao.sh), which stores them with save_secrets.
secret_keys() {
  local s
  printf '%s\n' PG_PW_POSTGRES PG_PW_TP_MIGRATOR REDIS_PW OPERATOR_CLIENT_SECRET
  [[ $PROFILE == run ]] || echo VAULT_ROOT_TOKEN
  for s in "${DB_SERVICES[@]}"; do printf 'PG_PW_TP_%s\n' "${s^^}"; done
}
read_secrets_file() {
  local k v
  if [[ -r $SECRETS_FILE ]]; then
    while IFS='=' read -r k v; do
      if [[ -n $k && $k != \#* ]]; then SEC[$k]=$v; fi
    done <"$SECRETS_FILE"
  fi
}
# Writes every SEC entry (0600, atomically).
save_secrets() {
  local k
  (
    umask 077
    {
      echo "# generated by infra/dev/deps once per dev dir; reused across restarts"
      for k in "${!SEC[@]}"; do printf '%s=%s\n' "$k" "${SEC[$k]}"; done | sort
    } >"$SECRETS_FILE.tmp"
  )
  mv -f "$SECRETS_FILE.tmp" "$SECRETS_FILE"
}
# Generated once per dir, reused on every restart of that dir.
load_secrets() {
  local k changed=0 keys
  mapfile -t keys < <(secret_keys)
  read_secrets_file
  for k in "${keys[@]}"; do
    if [[ -z ${SEC[$k]:-} ]]; then SEC[$k]=$(rand_hex); changed=1; fi
  done
  if ((changed)); then
    save_secrets
    log "secrets: generated $SECRETS_FILE (0600)"
  fi
  chmod 600 "$SECRETS_FILE"
}
load_secrets_readonly() {
  read_secrets_file
  SEC[REDIS_PW]=${SEC[REDIS_PW]:-}
}

# ---------------------------------------------------------------- env file
render_env() {
  local url="127.0.0.1:$PG_PORT" s
  cat <<EOF
TP_PROFILE=$PROFILE
TP_DEV_DIR=$DIR
TP_PG_BIN=$PG_BIN
TP_PG_PORT=$PG_PORT
TP_DATABASE_NAME=$DB_NAME
TP_DATABASE_ADMIN_URL=postgres://postgres:${SEC[PG_PW_POSTGRES]}@$url/postgres
TP_DATABASE_MIGRATOR_URL=postgres://tp_migrator:${SEC[PG_PW_TP_MIGRATOR]}@$url/$DB_NAME
EOF
  for s in "${DB_SERVICES[@]}"; do
    printf 'TP_DATABASE_URL_%s=postgres://tp_%s:%s@%s/%s\n' "${s^^}" "$s" "${SEC[PG_PW_TP_${s^^}]}" "$url" "$DB_NAME"
  done
  cat <<EOF
TP_REDIS_URL=redis://:${SEC[REDIS_PW]}@127.0.0.1:$REDIS_PORT/0
TP_VAULT_ADDR=$BAO_ADDR
TP_VAULT_ROOT_TOKEN=${SEC[VAULT_ROOT_TOKEN]:-}
TP_BAO_BIN=$BAO_BIN
TP_OPERATOR_CLIENT_ID=telehealthctl
TP_OPERATOR_CLIENT_SECRET=${SEC[OPERATOR_CLIENT_SECRET]}
EOF
  grep '^TP_VAULT_' "$VAULT_STATE"
}
# Writes the env file only if its content changes (keeps its mtime otherwise).
write_env() {
  local tmp
  tmp=$(mktemp "$DIR/.env.XXXXXX")
  chmod 600 "$tmp"
  render_env >"$tmp"
  if [[ -f $ENV_FILE ]] && cmp -s "$tmp" "$ENV_FILE"; then
    rm -f "$tmp"
    log "env: $ENV_FILE unchanged"
  else
    mv -f "$tmp" "$ENV_FILE"
    log "env: wrote $ENV_FILE (0600)"
  fi
}
env_current() {
  [[ -f $ENV_FILE ]] && cmp -s <(render_env) "$ENV_FILE"
}
