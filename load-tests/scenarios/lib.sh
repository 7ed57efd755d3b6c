# shellcheck shell=bash
# Start and stop CharityDay hosts (and the baseline server) for the benchmarks.
# Source after scripts/lib/services.sh. Every process is started by us on free loopback ports,
# its pid is recorded, and only those pids are ever signalled.
#
#   bench_host_start NAME DIR [ENV=VALUE ...]   # starts src/CharityDay.Host (Release build) on free ports
#                                               # sets BENCH_HOST_URL, BENCH_HOST_PID, BENCH_HOST_PORTS ("http silo gateway")
#   bench_host_start_on NAME DIR HTTP SILO GW [ENV=VALUE ...]  # the same on given ports (a restart keeps its ports)
#   bench_wait_ready URL PID LOG [SECONDS]      # waits for /health/ready
#   bench_host_stop PID                         # SIGTERM, then SIGKILL after 30 s
#   bench_forget PID                            # drop a pid we have reaped ourselves (after kill -9 + wait)
#   bench_baseline_start NAME DIR ARGS...       # starts load-tests/baselines server; sets BENCH_HOST_URL, BENCH_HOST_PID
#   bench_stop_side                             # stops and reaps the load generators listed in SIDE_PIDS

BENCH_ROOT=${BENCH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BENCH_HOST_DLL=$BENCH_ROOT/src/CharityDay.Host/bin/Release/net10.0/CharityDay.Host.dll
BENCH_BASELINE_DLL=$BENCH_ROOT/load-tests/baselines/CharityDay.Baselines/bin/Release/net10.0/CharityDay.Baselines.dll
BENCH_PIDS=()

bench_wait_ready() { # URL PID LOG [SECONDS]
  local url=$1 pid=$2 log=$3 secs=${4:-120} i
  for ((i = 0; i < secs * 4; i++)); do
    if ! svc_alive "$pid"; then
      tail -n 40 "$log" >&2
      svc_err "process $pid exited while starting (log $log)"
      return 1
    fi
    if curl -fsS -m 2 "$url/health/ready" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.25
  done
  tail -n 40 "$log" >&2
  svc_err "$url not ready after ${secs}s"
  return 1
}

bench_host_start() { # NAME DIR [ENV=VALUE ...]
  local name=$1 dir=$2; shift 2
  local http silo gw
  http=$(svc_free_port) && silo=$(svc_free_port) && gw=$(svc_free_port) || return 1
  bench_host_start_on "$name" "$dir" "$http" "$silo" "$gw" "$@"
}

bench_host_start_on() { # NAME DIR HTTP_PORT SILO_PORT GATEWAY_PORT [ENV=VALUE ...]
  local name=$1 dir=$2 http=$3 silo=$4 gw=$5; shift 5
  mkdir -p "$dir"
  local log=$dir/$name.log
  (
    cd "$(dirname "$BENCH_HOST_DLL")" || exit 1
    exec env ASPNETCORE_URLS="http://127.0.0.1:$http" \
      CharityDay__SiloPort="$silo" CharityDay__GatewayPort="$gw" \
      Logging__LogLevel__Default=Warning \
      "$@" dotnet "$BENCH_HOST_DLL" >"$log" 2>&1
  ) &
  BENCH_HOST_PID=$!
  BENCH_PIDS+=("$BENCH_HOST_PID")
  echo "$BENCH_HOST_PID" >"$dir/$name.pid"
  BENCH_HOST_URL="http://127.0.0.1:$http"
  BENCH_HOST_PORTS="$http $silo $gw"
  svc_log "host $name: pid $BENCH_HOST_PID, $BENCH_HOST_URL (silo $silo, gateway $gw)"
}

bench_baseline_start() { # NAME DIR ARGS...
  local name=$1 dir=$2; shift 2
  mkdir -p "$dir"
  local http; http=$(svc_free_port) || return 1
  local log=$dir/$name.log
  (
    cd "$(dirname "$BENCH_BASELINE_DLL")" || exit 1
    exec env ASPNETCORE_URLS="http://127.0.0.1:$http" Logging__LogLevel__Default=Warning \
      dotnet "$BENCH_BASELINE_DLL" "$@" >"$log" 2>&1
  ) &
  BENCH_HOST_PID=$!
  BENCH_PIDS+=("$BENCH_HOST_PID")
  echo "$BENCH_HOST_PID" >"$dir/$name.pid"
  BENCH_HOST_URL="http://127.0.0.1:$http"
  svc_log "baseline $name: pid $BENCH_HOST_PID, $BENCH_HOST_URL"
}

bench_host_stop() { # PID
  local pid=$1 i
  [[ -n $pid ]] || return 0
  svc_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 300; i++)); do svc_alive "$pid" || break; sleep 0.1; done
  if svc_alive "$pid"; then
    svc_log "pid $pid did not stop in 30 s, killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  bench_forget "$pid"
  return 0
}

# Once a pid is reaped the kernel may give it to someone else's process: never signal it again.
bench_forget() { # PID
  local p keep=()
  for p in "${BENCH_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  BENCH_PIDS=("${keep[@]}")
}

bench_stop_all() {
  local p
  for p in "${BENCH_PIDS[@]}"; do bench_host_stop "$p"; done
  BENCH_PIDS=()
}

# The processes a scenario starts beside the hosts (wrk, the .NET generator), listed in SIDE_PIDS.
bench_stop_side() {
  local p
  for p in "${SIDE_PIDS[@]}"; do
    if svc_alive "$p"; then kill -TERM "$p" 2>/dev/null; fi
  done
  for p in "${SIDE_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  SIDE_PIDS=()
}
