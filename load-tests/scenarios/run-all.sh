#!/usr/bin/env bash
# The issue 5 benchmark set, end to end (see docs/performance.md):
#
#   bash load-tests/scenarios/run-all.sh                      # the full set: ~75 min on 2 cores
#   DURATION=10s REPS=1 bash load-tests/scenarios/run-all.sh  # a quick pass
#
# 1. builds the solution in Release (host, load generator, baselines);
# 2. starts a throwaway PostgreSQL (initdb in a temp dir, fsync on) and, for the Redis baselines, a
#    throwaway Redis — never the machine's other servers;
# 3. profile "embedded": one host process on SQLite; profile "cluster": three silos of the Production
#    profile on that PostgreSQL (ADO.NET clustering, grain storage and ledger), the load spread over the
#    three HTTP endpoints;
# 4. runs each scenario (a–e) in each mode (single posts, batches of 100) REPS times, interleaved
#    (rep 1 of everything, then rep 2 …) so that a noisy minute does not hit one scenario only;
#    scenario d's budget is sized from scenario b's rate of the same rep so that it runs dry half-way;
# 5. runs the baselines (load-tests/baselines) on the same PostgreSQL / Redis with the same generator:
#    PostgreSQL one transaction per donation, Redis Lua with appendfsync always and everysec;
# 6. writes every run's JSON and log, and the medians (summary.md, summary.json) to OUT;
# 7. stops everything it started (also on error or Ctrl-C).
#
# Environment (defaults in brackets):
#   DURATION [30s]  REPS [3]  MODES ["single batch"]  SCENARIOS ["a b c d e"]  PROFILES ["embedded cluster"]
#   BASELINES ["pg redis-always redis-everysec"]  BASELINE_SCENARIOS ["a b"]  CONNECTIONS [64]  BATCH_SIZE [100]
#   OUT [load-tests/reports/run-<timestamp>]  SKIP_BUILD [unset]
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh
# shellcheck source=load-tests/scenarios/lib.sh
source load-tests/scenarios/lib.sh

DURATION=${DURATION:-30s}
REPS=${REPS:-3}
MODES=${MODES:-single batch}
SCENARIOS=${SCENARIOS:-a b c d e}
PROFILES=${PROFILES:-embedded cluster}
BASELINES=${BASELINES-pg redis-always redis-everysec}
BASELINE_SCENARIOS=${BASELINE_SCENARIOS:-a b}
CONNECTIONS=${CONNECTIONS:-64}
BATCH_SIZE=${BATCH_SIZE:-100}
OUT=${OUT:-$ROOT/load-tests/reports/run-$(date -u +%Y%m%d-%H%M%S)}
MANAGER_KEY=bench-manager-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
LOADTESTS_DLL=$ROOT/load-tests/CharityDay.LoadTests/bin/Release/net10.0/CharityDay.LoadTests.dll

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/charityday-bench-XXXXXX)
chmod 0755 "$WORK" # the postgres user must reach its data dir inside
FAILED_RUNS=0

cleanup() {
  trap '' INT TERM
  bench_stop_all
  svc_redis_stop
  svc_pg_stop
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "==> interrupted"; exit 130' INT
trap 'echo "==> terminated"; exit 143' TERM

log() { printf '==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run-all.log"; }

{
  echo "started $(date -u +%FT%TZ) on $(hostname): $(nproc) cores, $(free -m | awk '/Mem:/ {print $2 " MB RAM"}')"
  echo "commit $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | grep -q . && echo '(dirty)')"
  echo "DURATION=$DURATION REPS=$REPS MODES='$MODES' SCENARIOS='$SCENARIOS' PROFILES='$PROFILES' BASELINES='$BASELINES' CONNECTIONS=$CONNECTIONS BATCH_SIZE=$BATCH_SIZE"
  echo "uptime: $(uptime)"
  dotnet --version | sed 's/^/dotnet sdk /'
} >"$OUT/machine.txt"
cat "$OUT/machine.txt"

if [[ -z ${SKIP_BUILD:-} ]]; then
  log "building Release"
  if ! dotnet build -c Release CharityDay.sln >"$OUT/build.log" 2>&1; then
    tail -n 30 "$OUT/build.log"
    log "build failed"
    exit 1
  fi
fi

need_pg="" need_redis=""
[[ " $PROFILES " == *" cluster "* || " $BASELINES " == *" pg "* ]] && need_pg=1
[[ " $BASELINES " == *redis* ]] && need_redis=1
if [[ -n $need_pg ]]; then
  svc_pg_start "$WORK/pg" || exit 1
  PG_CS_BASE="Host=127.0.0.1;Port=$SVC_PG_PORT;Username=postgres;Password=postgres"
  # pg_stat_statements: where the database time goes, per statement, for each deployment (the profile
  # in docs/performance.md). Loading it needs a restart; durability settings stay at their defaults.
  echo "shared_preload_libraries = 'pg_stat_statements'" >>"$SVC_PG_DATA/postgresql.conf"
  svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_PG_DATA" -l "$SVC_PG_ROOT/postgres.log" -w -t 60 -o "-p $SVC_PG_PORT" restart >/dev/null || exit 1
  SVC_PG_PID=$(head -n 1 "$SVC_PG_DATA/postmaster.pid")
  pg_sql() { "$SVC_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$SVC_PG_PORT" -U postgres "$@"; }
  pg_sql -d postgres -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" || exit 1
  {
    echo "PostgreSQL $("$SVC_PG_BIN/postgres" --version | awk '{print $3}') (throwaway, port $SVC_PG_PORT):"
    pg_sql -d postgres -At -c "SELECT name || ' = ' || setting FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','wal_level','shared_buffers','max_connections') ORDER BY name"
  } >>"$OUT/machine.txt"
fi

# pg_top LABEL: the statements that took the most database time since the last reset, then reset.
pg_top() {
  [[ -n $need_pg ]] || return 0
  pg_sql -d postgres -c "SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
      rows, round((100 * total_exec_time / NULLIF(sum(total_exec_time) OVER (), 0))::numeric, 1) AS pct,
      left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" >"$OUT/pg-top-$1.txt" 2>&1
  pg_sql -d postgres -c "SELECT sum(wal_records) AS wal_records, pg_size_pretty(sum(wal_bytes)) AS wal_bytes FROM pg_stat_statements" >>"$OUT/pg-top-$1.txt" 2>&1
  pg_sql -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null 2>&1
}

# bench LABEL SCENARIO MODE REP URLS PIDS CPU_PIDS [EXTRA...]
bench() {
  local label=$1 scenario=$2 mode=$3 rep=$4 urls=$5 pids=$6 cpu=$7
  shift 7
  local name="$label-$scenario-$mode-r$rep"
  local -a args=(bench --url "$urls" --manager-key "$MANAGER_KEY" --scenario "$scenario" --mode "$mode"
    --batch-size "$BATCH_SIZE" --connections "$CONNECTIONS" --duration "$DURATION" --label "$label"
    --host-pids "$pids" --json "$OUT/$name.json" "$@")
  [[ -n $cpu ]] && args+=(--cpu-pids "$cpu")
  log "run $name (load $(cut -d' ' -f1-3 /proc/loadavg))"
  dotnet "$LOADTESTS_DLL" "${args[@]}" >"$OUT/$name.log" 2>&1
  local rc=$?
  grep -E '^(donations|latency ms|host commits|pool PATCH|pool at the end)' "$OUT/$name.log" | sed 's/^/      /'
  if ((rc != 0)); then
    FAILED_RUNS=$((FAILED_RUNS + 1))
    log "run $name FAILED (exit $rc):"
    grep -E 'FAIL|failed|error' "$OUT/$name.log" | head -n 10 | sed 's/^/      /'
  fi
}

# The rate (donations/s) of a finished run, for sizing scenario d's budget.
rate_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["donationsPerSecond"])' "$1" 2>/dev/null || echo ""; }

# run_scenarios LABEL URLS PIDS CPU_PIDS SCENARIO_LIST [EXTRA BENCH ARGS...]
run_scenarios() {
  local label=$1 urls=$2 pids=$3 cpu=$4 list=$5 rep mode s
  shift 5
  for ((rep = 1; rep <= REPS; rep++)); do
    for mode in $MODES; do
      for s in $list; do
        local -a extra=("$@")
        if [[ $s == d ]]; then
          local r; r=$(rate_of "$OUT/$label-b-$mode-r$rep.json")
          [[ -n $r ]] && extra+=(--expected-rate "$r")
        fi
        bench "$label" "$s" "$mode" "$rep" "$urls" "$pids" "$cpu" "${extra[@]}"
      done
    done
  done
}

for profile in $PROFILES; do
  case $profile in
    embedded)
      log "profile embedded: one host on SQLite"
      bench_host_start embedded "$OUT/hosts" CharityDay__DataDir="$WORK/embedded" CharityDay__BootstrapManagerKey="$MANAGER_KEY" || exit 1
      pid=$BENCH_HOST_PID url=$BENCH_HOST_URL
      bench_wait_ready "$url" "$pid" "$OUT/hosts/embedded.log" || exit 1
      run_scenarios embedded "$url" "$pid" "" "$SCENARIOS"
      bench_host_stop "$pid"
      ;;
    cluster)
      log "profile cluster: three Production silos on PostgreSQL"
      "$SVC_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$SVC_PG_PORT" -U postgres -d postgres -c "CREATE DATABASE charityday_bench" || exit 1
      cluster_id=bench-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
      urls="" pids=""
      for i in 0 1 2; do
        bench_host_start "silo$i" "$OUT/hosts" CharityDay__Profile=Production \
          ConnectionStrings__Postgres="$PG_CS_BASE;Database=charityday_bench;Maximum Pool Size=50" \
          CharityDay__MigrateOnStart=true CharityDay__BootstrapManagerKey="$MANAGER_KEY" \
          CharityDay__ClusterId="$cluster_id" CharityDay__ServiceId=charityday-bench || exit 1
        urls+="${urls:+,}$BENCH_HOST_URL" pids+="${pids:+,}$BENCH_HOST_PID"
      done
      IFS=, read -ra u <<<"$urls"
      IFS=, read -ra p <<<"$pids"
      for i in 0 1 2; do bench_wait_ready "${u[$i]}" "${p[$i]}" "$OUT/hosts/silo$i.log" || exit 1; done
      sleep 5 # let the membership settle (all three silos active) before the first campaign is placed
      pg_top startup
      run_scenarios cluster "$urls" "$pids" "$SVC_PG_PID" "$SCENARIOS"
      pg_top cluster
      for i in 0 1 2; do bench_host_stop "${p[$i]}"; done
      ;;
    *) log "unknown profile $profile" ;;
  esac
done

for baseline in $BASELINES; do
  case $baseline in
    pg)
      log "baseline (1): PostgreSQL, one transaction per donation"
      "$SVC_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$SVC_PG_PORT" -U postgres -d postgres -c "CREATE DATABASE baseline" || exit 1
      bench_baseline_start baseline-pg "$OUT/hosts" postgres "$PG_CS_BASE;Database=baseline;Maximum Pool Size=64" || exit 1
      pid=$BENCH_HOST_PID url=$BENCH_HOST_URL
      bench_wait_ready "$url" "$pid" "$OUT/hosts/baseline-pg.log" || exit 1
      pg_top before-baseline
      run_scenarios baseline-pg "$url" "$pid" "$SVC_PG_PID" "$BASELINE_SCENARIOS" --no-metrics
      pg_top baseline-pg
      bench_host_stop "$pid"
      ;;
    redis-always | redis-everysec)
      fsync=${baseline#redis-}
      log "baseline (2): Redis Lua per donation, appendfsync $fsync"
      svc_redis_start "$WORK/$baseline" || exit 1
      redis-cli -p "$SVC_REDIS_PORT" config set appendonly yes >/dev/null
      redis-cli -p "$SVC_REDIS_PORT" config set appendfsync "$fsync" >/dev/null
      sleep 1 # the first AOF rewrite
      bench_baseline_start "$baseline" "$OUT/hosts" redis "127.0.0.1:$SVC_REDIS_PORT" || exit 1
      pid=$BENCH_HOST_PID url=$BENCH_HOST_URL
      bench_wait_ready "$url" "$pid" "$OUT/hosts/$baseline.log" || exit 1
      run_scenarios "$baseline" "$url" "$pid" "$SVC_REDIS_PID" "$BASELINE_SCENARIOS" --no-metrics
      bench_host_stop "$pid"
      svc_redis_stop
      ;;
    *) log "unknown baseline $baseline" ;;
  esac
done

echo "finished $(date -u +%FT%TZ); uptime: $(uptime)" >>"$OUT/machine.txt"
python3 load-tests/scenarios/summarize.py "$OUT" | tee "$OUT/summary.md"
log "results in $OUT (summary.md); $FAILED_RUNS run(s) failed a check"
exit $((FAILED_RUNS > 0))
