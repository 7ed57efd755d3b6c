# shellcheck shell=bash
# Throwaway PostgreSQL and Redis servers for tests (no systemd needed).
#
# Source this file, then:
#   svc_ensure_packages            # apt-get install postgresql redis-server prometheus kubernetes-client chromium nodejs npm if missing
#   svc_ensure_k8s_validator       # npm ci in k8s/validate when its node_modules is missing or older than its lock
#   svc_pg_start    DIR            # sets SVC_PG_PORT, SVC_PG_BIN, SVC_PG_DATA
#   svc_redis_start DIR            # sets SVC_REDIS_PORT
#   svc_redis_stop; svc_pg_stop    # idempotent, safe to call from an EXIT trap
#
# Every server is started by us, in a directory we created, on a free loopback port picked
# at run time; stop functions only ever signal the pids recorded in those directories.

SVC_PG_PORT="" SVC_PG_BIN="" SVC_PG_DATA="" SVC_PG_ROOT="" SVC_PG_PID=""
SVC_REDIS_PORT="" SVC_REDIS_DIR="" SVC_REDIS_PID=""
SVC_CHROMIUM=/usr/bin/chromium # Debian's package; the browser tests find it through CHARITYDAY_TEST_CHROMIUM

svc_log() { printf '==> %s\n' "$*"; }
svc_err() { printf '==> ERROR: %s\n' "$*" >&2; }

# Milliseconds since the epoch (bash 5 EPOCHREALTIME, no subprocess).
svc_now_ms() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' "$((t / 1000))"; }
svc_elapsed() { # START_MS -> "1.23s"
  local d=$(( $(svc_now_ms) - $1 ))
  printf '%d.%02ds' "$((d / 1000))" "$(((d % 1000) / 10))"
}

# True while PID runs (a zombie waiting for init to reap it counts as gone).
svc_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local st
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [[ $st != Z ]]
}

svc_python() {
  if [[ -x /usr/bin/python3 ]]; then /usr/bin/python3 "$@"; else python3 "$@"; fi
}

# A TCP port on 127.0.0.1 that nobody listens on right now (the kernel picks it).
svc_free_port() {
  svc_python -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

svc_pg_bindir() {
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [[ -n "$d" && -x "$d/initdb" ]] && printf '%s' "$d"
}

# ---------------------------------------------------------------------------------------------
# Installation
# ---------------------------------------------------------------------------------------------
# The k8s/ schema validator's pinned packages (k8s/validate/package-lock.json), installed when
# node_modules is missing or older than the lock file. A failure is reported, not fatal: only
# tests/CharityDay.Deploy.Tests need it, and they fail saying what is missing.
svc_ensure_k8s_validator() {
  local dir=k8s/validate
  [[ -f $dir/package-lock.json ]] || return 0
  [[ $dir/node_modules/.package-lock.json -nt $dir/package-lock.json ]] && return 0
  local t0; t0=$(svc_now_ms)
  svc_log "npm ci in $dir"
  local log; log=$(mktemp)
  if ! npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    svc_err "npm ci in $dir failed: the k8s schema tests will fail"
    return 1
  fi
  rm -f "$log"
  touch "$dir/node_modules/.package-lock.json"
  svc_log "installed $dir/node_modules in $(svc_elapsed "$t0")"
}

svc_ensure_packages() {
  local -a need=()
  [[ -n "$(svc_pg_bindir)" ]] || need+=(postgresql)
  { command -v redis-server && command -v redis-cli; } >/dev/null 2>&1 || need+=(redis-server)
  # promtool (Debian's prometheus package) validates and unit-tests the alert rules in ops/.
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  # kubectl (Debian's kubernetes-client) renders the k8s/ overlays for tests/CharityDay.Deploy.Tests.
  command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
  # The console's browser tests drive Debian's chromium (Playwright's own browser download is not
  # reachable here); the CJK fonts make its Chinese pages readable in screenshots instead of boxes.
  [[ -x $SVC_CHROMIUM ]] || need+=(chromium)
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's field, not ours
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || need+=(fonts-noto-cjk)
  # node + npm (Debian's nodejs, npm) run k8s/validate, the offline schema check of the overlays.
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  ((${#need[@]})) || return 0

  local -a sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      svc_err "missing ${need[*]} and not root (no passwordless sudo): install them first"
      return 1
    fi
  fi
  local t0; t0=$(svc_now_ms)
  svc_log "installing ${need[*]} (apt-get)"
  local log; log=$(mktemp)
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
     ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
         --no-install-recommends -o Dpkg::Options::=--force-confdef \
         -o Dpkg::Options::=--force-confold "${need[@]}" >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    svc_err "apt-get install ${need[*]} failed"
    return 1
  fi
  rm -f "$log"
  svc_log "installed ${need[*]} in $(svc_elapsed "$t0")"

  # The Debian packages may have created and started system services (when policy-rc.d allows
  # it). They did not exist before this install, so they are ours to stop; we never use them.
  local p
  for p in "${need[@]}"; do
    case $p in
      postgresql)
        if command -v pg_lsclusters >/dev/null 2>&1; then
          local ver name port status _rest
          while read -r ver name port status _rest; do
            [[ $status == online* ]] || continue
            svc_log "stopping system cluster $ver/$name started by the package install"
            "${sudo[@]}" pg_ctlcluster "$ver" "$name" stop >/dev/null 2>&1 || true
          done < <(pg_lsclusters -h 2>/dev/null)
        fi ;;
      redis-server)
        if [[ -s /run/redis/redis-server.pid ]] && [[ -x /etc/init.d/redis-server ]]; then
          svc_log "stopping system redis-server started by the package install"
          "${sudo[@]}" /etc/init.d/redis-server stop >/dev/null 2>&1 || true
        fi ;;
      prometheus)
        if [[ -x /etc/init.d/prometheus ]] && pgrep -x prometheus >/dev/null 2>&1; then
          svc_log "stopping system prometheus started by the package install"
          "${sudo[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
        fi ;;
    esac
  done
  if [[ -z "$(svc_pg_bindir)" ]] || ! command -v redis-server >/dev/null 2>&1; then
    svc_err "postgresql/redis-server still missing after install"
    return 1
  fi
  if [[ ! -x $SVC_CHROMIUM ]]; then
    svc_err "chromium still missing after install ($SVC_CHROMIUM)"
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------
# Run a command as the database owner: 'postgres' when we are root (initdb refuses root).
svc_as_pg() {
  if ((EUID == 0)); then
    (cd "$SVC_PG_ROOT" && runuser -u postgres -- "$@")
  else
    (cd "$SVC_PG_ROOT" && "$@")
  fi
}

svc_pg_start() { # DIR (created by the caller, e.g. under mktemp -d)
  local t0; t0=$(svc_now_ms)
  SVC_PG_BIN=$(svc_pg_bindir) || { svc_err "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"; return 1; }
  SVC_PG_ROOT=$1
  SVC_PG_DATA=$SVC_PG_ROOT/data
  local sock=$SVC_PG_ROOT/sock log=$SVC_PG_ROOT/postgres.log
  mkdir -p "$sock"
  if ((EUID == 0)); then
    id -u postgres >/dev/null 2>&1 || { svc_err "user 'postgres' does not exist"; return 1; }
    chown -R postgres: "$SVC_PG_ROOT"
  fi
  chmod 0700 "$SVC_PG_ROOT"
  ((EUID == 0)) && chown postgres: "$SVC_PG_ROOT"

  printf 'postgres\n' >"$SVC_PG_ROOT/pwfile"
  ((EUID == 0)) && chown postgres: "$SVC_PG_ROOT/pwfile"
  if ! svc_as_pg "$SVC_PG_BIN/initdb" -D "$SVC_PG_DATA" -U postgres --pwfile="$SVC_PG_ROOT/pwfile" \
        --auth=trust -E UTF8 --no-locale >"$SVC_PG_ROOT/initdb.log" 2>&1; then
    cat "$SVC_PG_ROOT/initdb.log" >&2
    svc_err "initdb failed"
    return 1
  fi
  rm -f "$SVC_PG_ROOT/pwfile"
  # Loopback only, socket inside our dir, room for several silos and pools. Durability settings
  # stay at their defaults (fsync, synchronous_commit, full_page_writes on): it is tested.
  cat >>"$SVC_PG_DATA/postgresql.conf" <<EOF

# --- throwaway test server (scripts/lib/services.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
max_connections = 300
fsync = on
synchronous_commit = on
full_page_writes = on
EOF

  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$(svc_free_port) || { svc_err "cannot pick a free port (python3?)"; return 1; }
    [[ -f $log ]] && : >"$log" # judge each attempt by its own log
    svc_log "starting postgres $(basename "$(dirname "$SVC_PG_BIN")") on 127.0.0.1:$port (data $SVC_PG_DATA)"
    if svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_PG_DATA" -l "$log" -w -t 60 -o "-p $port" start \
         >"$SVC_PG_ROOT/pg_ctl.log" 2>&1; then
      SVC_PG_PORT=$port
      break
    fi
    if grep -qiE 'could not (bind|create listen)|address already in use' "$log" 2>/dev/null; then
      svc_log "port $port was taken, retrying ($attempt/5)"
      continue
    fi
    cat "$SVC_PG_ROOT/pg_ctl.log" >&2
    tail -n 30 "$log" >&2 2>/dev/null
    svc_err "postgres did not start (see above)"
    return 1
  done
  [[ -n $SVC_PG_PORT ]] || { tail -n 30 "$log" >&2; svc_err "postgres: no free port after 5 attempts"; return 1; }
  SVC_PG_PID=$(head -n 1 "$SVC_PG_DATA/postmaster.pid" 2>/dev/null)

  local i out
  for ((i = 0; i < 60; i++)); do
    "$SVC_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$SVC_PG_PORT" -t 1 && break
    sleep 0.5
  done
  if ! out=$(PGPASSWORD=postgres PGCONNECT_TIMEOUT=5 "$SVC_PG_BIN/psql" -X -w -qAt \
               -h 127.0.0.1 -p "$SVC_PG_PORT" -U postgres -d postgres \
               -c 'show max_connections' 2>&1); then
    printf '%s\n' "$out" >&2
    tail -n 30 "$log" >&2
    svc_err "postgres on port $SVC_PG_PORT does not accept connections"
    return 1
  fi
  svc_log "postgres ready on 127.0.0.1:$SVC_PG_PORT (pid $SVC_PG_PID, max_connections=$out) in $(svc_elapsed "$t0")"
}

svc_pg_stop() {
  [[ -n $SVC_PG_DATA && -f $SVC_PG_DATA/postmaster.pid ]] || { SVC_PG_PORT=""; return 0; }
  local t0; t0=$(svc_now_ms)
  local pid; pid=$(head -n 1 "$SVC_PG_DATA/postmaster.pid" 2>/dev/null)
  if ! svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
    if [[ -n $pid ]] && svc_alive "$pid"; then
      svc_log "postgres (pid $pid) did not stop in 30s, killing it"
      kill -QUIT "$pid" 2>/dev/null; sleep 1; kill -KILL "$pid" 2>/dev/null
    fi
  fi
  svc_log "postgres stopped in $(svc_elapsed "$t0")"
  SVC_PG_PORT=""
}

# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------
svc_redis_start() { # DIR
  local t0; t0=$(svc_now_ms)
  SVC_REDIS_DIR=$1
  mkdir -p "$SVC_REDIS_DIR"
  local attempt port i
  for attempt in 1 2 3 4 5; do
    port=$(svc_free_port) || { svc_err "cannot pick a free port (python3?)"; return 1; }
    svc_log "starting redis on 127.0.0.1:$port"
    rm -f "$SVC_REDIS_DIR/redis.pid"
    : >"$SVC_REDIS_DIR/redis.log"
    if ! redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$SVC_REDIS_DIR" \
         --pidfile "$SVC_REDIS_DIR/redis.pid" --logfile "$SVC_REDIS_DIR/redis.log" \
         --save "" --appendonly no >"$SVC_REDIS_DIR/start.log" 2>&1; then
      cat "$SVC_REDIS_DIR/start.log" >&2
      svc_err "redis-server failed to start"
      return 1
    fi
    for ((i = 0; i < 100; i++)); do
      # Ours only if the server answering on the port has the pid in our pidfile.
      if [[ -s $SVC_REDIS_DIR/redis.pid ]]; then
        local pid srvpid
        pid=$(<"$SVC_REDIS_DIR/redis.pid")
        srvpid=$(redis-cli -h 127.0.0.1 -p "$port" info server 2>/dev/null | tr -d '\r' |
                 sed -n 's/^process_id://p')
        if [[ -n $srvpid && $srvpid == "$pid" ]]; then
          SVC_REDIS_PORT=$port SVC_REDIS_PID=$pid
          break 2
        fi
      fi
      grep -qiE 'address already in use|could not create server' "$SVC_REDIS_DIR/redis.log" && break
      sleep 0.1
    done
    if grep -qiE 'address already in use' "$SVC_REDIS_DIR/redis.log"; then
      svc_log "port $port was taken, retrying ($attempt/5)"
      continue
    fi
    tail -n 30 "$SVC_REDIS_DIR/redis.log" >&2
    svc_err "redis did not become ready on port $port"
    [[ -s $SVC_REDIS_DIR/redis.pid ]] && kill "$(<"$SVC_REDIS_DIR/redis.pid")" 2>/dev/null
    return 1
  done
  [[ -n $SVC_REDIS_PORT ]] || { tail -n 5 "$SVC_REDIS_DIR/redis.log" >&2; svc_err "redis: no free port after 5 attempts"; return 1; }
  if [[ $(redis-cli -h 127.0.0.1 -p "$SVC_REDIS_PORT" ping 2>&1) != PONG ]]; then
    svc_err "redis on port $SVC_REDIS_PORT does not answer PING"
    return 1
  fi
  svc_log "redis $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p') ready on 127.0.0.1:$SVC_REDIS_PORT (pid $SVC_REDIS_PID) in $(svc_elapsed "$t0")"
}

svc_redis_stop() {
  [[ -n $SVC_REDIS_PID ]] || return 0
  local t0; t0=$(svc_now_ms)
  local pid=$SVC_REDIS_PID i
  redis-cli -h 127.0.0.1 -p "$SVC_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  for ((i = 0; i < 100; i++)); do svc_alive "$pid" || break; sleep 0.05; done
  if svc_alive "$pid"; then
    svc_log "redis (pid $pid) did not stop, killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  svc_log "redis stopped in $(svc_elapsed "$t0")"
  SVC_REDIS_PID="" SVC_REDIS_PORT=""
}
