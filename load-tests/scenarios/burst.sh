#!/usr/bin/env bash
# Scenarios f and g (burst): wrk-driven load beside the .NET generator's scenarios a–e.
#
#   bash load-tests/scenarios/burst.sh                                     # f and g, embedded and cluster, 3 reps
#   DURATION=5s REPS=1 PROFILES=embedded bash load-tests/scenarios/burst.sh  # a smoke run
#
# (g) single posts driven by wrk (a C client that takes little CPU): scenario b's campaign (1,000
#     projects, campaign-wide 1:1 pool with donor caps) is set up by `CharityDay.LoadTests setup`, then
#     `wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s scenarios/wrk/donate.lua` posts single
#     donations, then `CharityDay.LoadTests verify` looks up what wrk never saw answered and checks the
#     totals. The same script, same wrk parameters, drives the Redis Lua baseline (appendfsync always),
#     interleaved with CharityDay rep by rep (the order alternates).
# (f) batches plus public readers: scenario b in batch mode (CharityDay.LoadTests bench --target, batches
#     of $BATCH_SIZE) on a campaign that also has a hub project with $HUB_CHILDREN sub-projects, while
#     $READERS wrk connections read public pages ($READERS - $HUB_READERS on scenarios/wrk/readers.lua
#     mix: 80% project / 10% campaign / 10% leaderboard; $HUB_READERS on the hub alone); versus a control
#     run whose $READERS connections read /health/live. Both runs of a rep alternate their order.
#
# Deployments: profile "embedded" (one host on SQLite), profile "cluster" (three Production silos on a
# throwaway PostgreSQL, the load spread over the three endpoints: wrk runs one instance per silo with the
# connections split, one thread each). Each profile is started, warmed up, measured, and stopped before the
# next; the Redis baseline runs for the whole script, so each profile's g runs are paired with Redis runs
# of the same minutes.
#
# Output in OUT (default load-tests/reports/burst-<timestamp>/): per run NAME.json (the merged figures),
# the raw wrk / bench / verify JSON and logs, machine.txt, hosts/, and summary.md + summary.json
# (medians: donations/s, p50, p99, CharityDay/Redis; f: rate with readers, control, ratio, read latency).
#
# Environment (defaults in brackets):
#   DURATION [30s]  REPS [3]  SCENARIOS ["f g"]  PROFILES ["embedded cluster"]  BASELINE [redis-always; "" = none]
#   THREADS [2]  CONNECTIONS [64]  READERS [16]  HUB_READERS [2]  HUB_CHILDREN [2000]  BATCH_SIZE [100]
#   WARMUP [5s]  OUT  SKIP_BUILD [unset]  MERCHANT_SHARE [10: percent of donations that are merchant gifts, SPEC §7]
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh
# shellcheck source=load-tests/scenarios/lib.sh
source load-tests/scenarios/lib.sh

DURATION=${DURATION:-30s}
REPS=${REPS:-3}
SCENARIOS=${SCENARIOS:-f g}
PROFILES=${PROFILES:-embedded cluster}
BASELINE=${BASELINE-redis-always}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
READERS=${READERS:-16}
HUB_READERS=${HUB_READERS:-2}
HUB_CHILDREN=${HUB_CHILDREN:-2000}
BATCH_SIZE=${BATCH_SIZE:-100}
MERCHANT_SHARE=${MERCHANT_SHARE:-10}
WARMUP=${WARMUP:-5s}
OUT=${OUT:-$ROOT/load-tests/reports/burst-$(date -u +%Y%m%d-%H%M%S)}
MANAGER_KEY=bench-manager-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
LOADTESTS_DLL=$ROOT/load-tests/CharityDay.LoadTests/bin/Release/net10.0/CharityDay.LoadTests.dll
WRK_DIR=$ROOT/load-tests/scenarios/wrk
SUMMARY_PY=$ROOT/load-tests/scenarios/burst_summary.py

command -v wrk >/dev/null 2>&1 || { echo "wrk is not installed (Debian: apt-get install -y wrk)" >&2; exit 1; }
case $BASELINE in "" | redis-always | redis-everysec) ;; *) echo "BASELINE must be redis-always, redis-everysec or empty" >&2; exit 2 ;; esac
if ((READERS <= HUB_READERS || HUB_READERS < 1)); then echo "need READERS > HUB_READERS >= 1" >&2; exit 2; fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/charityday-burst-XXXXXX)
chmod 0755 "$WORK" # the postgres user must reach its data dir inside
FAILED_RUNS=0
SIDE_PIDS=() # wrk and bench processes we start in the background

cleanup() {
  trap '' INT TERM
  bench_stop_side
  bench_stop_all
  svc_redis_stop
  svc_pg_stop
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "==> interrupted"; exit 130' INT
trap 'echo "==> terminated"; exit 143' TERM

log() { printf '==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/burst.log"; }
loadtests() { dotnet "$LOADTESTS_DLL" "$@"; }
jfield() { jq -r "$2" "$1"; } # FILE FILTER

{
  echo "started $(date -u +%FT%TZ) on $(hostname): $(nproc) cores, $(free -m | awk '/Mem:/ {print $2 " MB RAM"}')"
  echo "commit $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | grep -q . && echo '(dirty)')"
  echo "DURATION=$DURATION REPS=$REPS SCENARIOS='$SCENARIOS' PROFILES='$PROFILES' BASELINE='$BASELINE' THREADS=$THREADS CONNECTIONS=$CONNECTIONS READERS=$READERS HUB_READERS=$HUB_READERS HUB_CHILDREN=$HUB_CHILDREN BATCH_SIZE=$BATCH_SIZE WARMUP=$WARMUP"
  echo "uptime: $(uptime)"
  dotnet --version | sed 's/^/dotnet sdk /'
  wrk --version 2>&1 | head -n 1
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

has() { [[ " $1 " == *" $2 "* ]]; }
if has "$PROFILES" cluster; then
  svc_pg_start "$WORK/pg" || exit 1
  PG_CS_BASE="Host=127.0.0.1;Port=$SVC_PG_PORT;Username=postgres;Password=postgres"
  echo "PostgreSQL $("$SVC_PG_BIN/postgres" --version | awk '{print $3}') (throwaway, port $SVC_PG_PORT)" >>"$OUT/machine.txt"
fi

# ---------------------------------------------------------------------------------------------
# wrk runs
# ---------------------------------------------------------------------------------------------

# wrk_donate NAME TARGET_JSON URLS LABEL DURATION: one wrk instance per URL (connections split, the
# threads too); writes NAME.wrk<i>.json and NAME.wrk<i>.log; sets WRK_FILES (the JSON paths, comma-separated).
wrk_donate() {
  local name=$1 target=$2 urls=$3 label=$4 dur=$5 i
  local -a u pids=()
  IFS=, read -ra u <<<"$urls"
  local n=${#u[@]} files=""
  local key campaign prefix projects
  key=$(jfield "$target" .partnerKey) campaign=$(jfield "$target" .campaignId)
  prefix=$(jfield "$target" .projectPrefix) projects=$(jfield "$target" .projects)
  for ((i = 0; i < n; i++)); do
    local c=$(((CONNECTIONS + n - 1 - i) / n)) t=$((THREADS / n))
    ((t < 1)) && t=1
    ((c < t)) && c=$t
    local f="$OUT/$name.wrk$i.json"
    files+="${files:+,}$f"
    WRK_KEY=$key WRK_CAMPAIGN=$campaign WRK_PROJECT_PREFIX=$prefix WRK_PROJECTS=$projects WRK_MERCHANT_SHARE=$MERCHANT_SHARE \
      WRK_RUN="$name-$(od -An -N3 -tx1 /dev/urandom | tr -d ' ')-i$i" WRK_OUT=$f WRK_LABEL=$label \
      wrk -t"$t" -c"$c" -d"$dur" --timeout 10s --latency -s "$WRK_DIR/donate.lua" "${u[$i]}" >"$OUT/$name.wrk$i.log" 2>&1 &
    pids+=($!)
    SIDE_PIDS+=($!)
  done
  for i in "${pids[@]}"; do wait "$i"; done
  SIDE_PIDS=()
  WRK_FILES=$files
}

# wrk_readers NAME TARGET_JSON URL MODE(mix|hub|live) CONNECTIONS THREADS LABEL: in the background; sets WRK_PID.
wrk_readers() {
  local name=$1 target=$2 url=$3 mode=$4 c=$5 t=$6 label=$7
  WRK_CAMPAIGN=$(jfield "$target" .campaignId) WRK_PROJECT_PREFIX=$(jfield "$target" .projectPrefix) \
    WRK_PROJECTS=$(jfield "$target" .projects) WRK_HUB=$(jfield "$target" '.hubId // ""') \
    WRK_HUB_CHILD_PREFIX=$(jfield "$target" '.hubChildPrefix // ""') WRK_HUB_CHILDREN=$(jfield "$target" .hubChildren) \
    WRK_READ=$mode WRK_OUT="$OUT/$name.json" WRK_LABEL=$label \
    wrk -t"$t" -c"$c" -d"$DURATION" --timeout 10s --latency -s "$WRK_DIR/readers.lua" "$url" >"$OUT/$name.log" 2>&1 &
  WRK_PID=$!
  SIDE_PIDS+=("$WRK_PID")
}

# setup_target FILE URL [EXTRA SETUP ARGS]: scenario b's campaign (and more) for an outside client.
setup_target() {
  local file=$1 url=$2
  shift 2
  loadtests setup --url "$url" --manager-key "$MANAGER_KEY" --scenario b --json "$file" "$@" >/dev/null 2>"$file.log" || {
    cat "$file.log" >&2
    return 1
  }
}

# run_g LABEL PROFILE REP URLS PIDS: one measured scenario g run.
run_g() {
  local label=$1 profile=$2 rep=$3 urls=$4
  local name="g-$label-r$rep"
  [[ $label != "$profile" ]] && name="g-$label-$profile-r$rep"
  log "run $name (load $(cut -d' ' -f1-3 /proc/loadavg))"
  local target="$OUT/$name.target.json"
  if ! setup_target "$target" "${urls%%,*}"; then
    FAILED_RUNS=$((FAILED_RUNS + 1)); log "run $name: setup FAILED"; return
  fi
  wrk_donate "$name" "$target" "$urls" "$label" "$DURATION"
  local files=$WRK_FILES
  loadtests verify --manager-key "$MANAGER_KEY" --target "$target" --wrk "$files" --label "$label" \
    --json "$OUT/$name.verify.json" >"$OUT/$name.verify.log" 2>&1
  local rc=$?
  local -a wrk_files
  IFS=, read -ra wrk_files <<<"$files"
  python3 "$SUMMARY_PY" merge-g "$OUT/$name.json" "$label" "$profile" "$rep" "$OUT/$name.verify.json" "${wrk_files[@]}" | sed 's/^/      /'
  if ((rc != 0)); then
    FAILED_RUNS=$((FAILED_RUNS + 1))
    log "run $name: verification FAILED (exit $rc)"
    grep -E 'FAIL|failed|error' "$OUT/$name.verify.log" | head -n 10 | sed 's/^/      /'
  fi
}

# run_f VARIANT(readers|control) PROFILE REP URLS PIDS: one measured scenario f run.
run_f() {
  local variant=$1 profile=$2 rep=$3 urls=$4 pids=$5
  local name="f-$profile-$variant-r$rep"
  log "run $name (load $(cut -d' ' -f1-3 /proc/loadavg))"
  local target="$OUT/$name.target.json"
  if ! setup_target "$target" "${urls%%,*}" --hub-children "$HUB_CHILDREN"; then
    FAILED_RUNS=$((FAILED_RUNS + 1)); log "run $name: setup FAILED"; return
  fi
  loadtests bench --url "$urls" --manager-key "$MANAGER_KEY" --target "$target" --scenario b --mode batch \
    --batch-size "$BATCH_SIZE" --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" \
    --merchant-share "$(awk "BEGIN { print $MERCHANT_SHARE / 100 }")" \
    --label "$profile" --host-pids "$pids" --json "$OUT/$name.bench.json" >"$OUT/$name.bench.log" 2>&1 &
  local bench_pid=$!
  SIDE_PIDS+=("$bench_pid")
  # The readers start with the measured phase (after the bench's warm-up), for the same duration.
  local i started=""
  for ((i = 0; i < 6000; i++)); do
    grep -q '^load: started' "$OUT/$name.bench.log" 2>/dev/null && { started=1; break; }
    svc_alive "$bench_pid" || break
    sleep 0.1
  done
  local mix_pid="" hub_pid="" url=${urls%%,*}
  if [[ -n $started ]]; then
    local mode_mix=mix mode_hub=hub
    [[ $variant == control ]] && mode_mix=live mode_hub=live
    wrk_readers "$name.readers" "$target" "$url" "$mode_mix" $((READERS - HUB_READERS)) 2 "$profile"
    mix_pid=$WRK_PID
    wrk_readers "$name.hub" "$target" "$url" "$mode_hub" "$HUB_READERS" 1 "$profile"
    hub_pid=$WRK_PID
  else
    log "run $name: the bench never started its load"
  fi
  wait "$bench_pid"
  local rc=$?
  [[ -n $mix_pid ]] && wait "$mix_pid"
  [[ -n $hub_pid ]] && wait "$hub_pid"
  SIDE_PIDS=()
  python3 "$SUMMARY_PY" merge-f "$OUT/$name.json" "$profile" "$variant" "$rep" "$OUT/$name.bench.json" \
    "$OUT/$name.readers.json" "$OUT/$name.hub.json" | sed 's/^/      /'
  if ((rc != 0)); then
    FAILED_RUNS=$((FAILED_RUNS + 1))
    log "run $name FAILED (bench exit $rc):"
    grep -E 'FAIL|failed|error' "$OUT/$name.bench.log" | head -n 10 | sed 's/^/      /'
  fi
}

# warm_up PROFILE URLS: unmeasured single posts and reads, so that the first measured run does not pay
# for the JIT (the bench's own warm-up covers the batch path).
warm_up() {
  local label=$1 urls=$2
  local target="$WORK/warm-$label.json"
  log "warm-up $label: $WARMUP of wrk single posts and reads (not measured)"
  local -a extra=()
  has "$SCENARIOS" f && [[ $label != redis-* ]] && extra=(--hub-children 10)
  setup_target "$target" "${urls%%,*}" "${extra[@]}" || return 1
  wrk_donate "warm-$label" "$target" "$urls" "$label" "$WARMUP"
  if has "$SCENARIOS" f && [[ $label != redis-* ]]; then
    local save=$DURATION
    DURATION=$WARMUP
    wrk_readers "warm-$label-readers" "$target" "${urls%%,*}" mix "$((READERS - HUB_READERS))" 2 "$label"
    wait "$WRK_PID"
    SIDE_PIDS=()
    DURATION=$save
  fi
  rm -f "$OUT"/warm-"$label"*
}

# measure PROFILE URLS PIDS: REPS interleaved reps of the scenarios.
measure() {
  local profile=$1 urls=$2 pids=$3 rep s
  warm_up "$profile" "$urls" || { log "warm-up of $profile failed"; FAILED_RUNS=$((FAILED_RUNS + 1)); return; }
  for ((rep = 1; rep <= REPS; rep++)); do
    for s in $SCENARIOS; do
      case $s in
        g)
          if [[ -n $BASELINE_URL ]] && ((rep % 2 == 0)); then
            run_g "$BASELINE" "$profile" "$rep" "$BASELINE_URL" "$BASELINE_PID"
            run_g "$profile" "$profile" "$rep" "$urls" "$pids"
          else
            run_g "$profile" "$profile" "$rep" "$urls" "$pids"
            [[ -n $BASELINE_URL ]] && run_g "$BASELINE" "$profile" "$rep" "$BASELINE_URL" "$BASELINE_PID"
          fi
          ;;
        f)
          if ((rep % 2 == 0)); then
            run_f readers "$profile" "$rep" "$urls" "$pids"
            run_f control "$profile" "$rep" "$urls" "$pids"
          else
            run_f control "$profile" "$rep" "$urls" "$pids"
            run_f readers "$profile" "$rep" "$urls" "$pids"
          fi
          ;;
        *) log "unknown scenario $s (f or g)" ;;
      esac
    done
  done
}

# ---------------------------------------------------------------------------------------------
# The Redis Lua baseline (scenario g), up for the whole script
# ---------------------------------------------------------------------------------------------
BASELINE_URL="" BASELINE_PID=""
if has "$SCENARIOS" g && [[ -n $BASELINE ]]; then
  fsync=${BASELINE#redis-}
  log "baseline: Redis Lua per donation, appendfsync $fsync"
  svc_redis_start "$WORK/redis" || exit 1
  redis-cli -p "$SVC_REDIS_PORT" config set appendonly yes >/dev/null
  redis-cli -p "$SVC_REDIS_PORT" config set appendfsync "$fsync" >/dev/null
  sleep 1 # the first AOF rewrite
  bench_baseline_start "$BASELINE" "$OUT/hosts" redis "127.0.0.1:$SVC_REDIS_PORT" || exit 1
  BASELINE_URL=$BENCH_HOST_URL BASELINE_PID=$BENCH_HOST_PID
  bench_wait_ready "$BASELINE_URL" "$BASELINE_PID" "$OUT/hosts/$BASELINE.log" || exit 1
  warm_up "$BASELINE" "$BASELINE_URL" || exit 1
fi

for profile in $PROFILES; do
  case $profile in
    embedded)
      log "profile embedded: one host on SQLite"
      bench_host_start embedded "$OUT/hosts" CharityDay__DataDir="$WORK/embedded" CharityDay__BootstrapManagerKey="$MANAGER_KEY" || exit 1
      pid=$BENCH_HOST_PID url=$BENCH_HOST_URL
      bench_wait_ready "$url" "$pid" "$OUT/hosts/embedded.log" || exit 1
      measure embedded "$url" "$pid"
      bench_host_stop "$pid"
      ;;
    cluster)
      log "profile cluster: three Production silos on PostgreSQL"
      "$SVC_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$SVC_PG_PORT" -U postgres -d postgres -c "CREATE DATABASE charityday_burst" || exit 1
      cluster_id=burst-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
      urls="" pids=""
      for i in 0 1 2; do
        bench_host_start "silo$i" "$OUT/hosts" CharityDay__Profile=Production \
          ConnectionStrings__Postgres="$PG_CS_BASE;Database=charityday_burst;Maximum Pool Size=50" \
          CharityDay__MigrateOnStart=true CharityDay__BootstrapManagerKey="$MANAGER_KEY" \
          CharityDay__ClusterId="$cluster_id" CharityDay__ServiceId=charityday-burst || exit 1
        urls+="${urls:+,}$BENCH_HOST_URL" pids+="${pids:+,}$BENCH_HOST_PID"
      done
      IFS=, read -ra u <<<"$urls"
      IFS=, read -ra p <<<"$pids"
      for i in 0 1 2; do bench_wait_ready "${u[$i]}" "${p[$i]}" "$OUT/hosts/silo$i.log" || exit 1; done
      sleep 5 # let the membership settle (all three silos active) before the first campaign is placed
      measure cluster "$urls" "$pids"
      for i in 0 1 2; do bench_host_stop "${p[$i]}"; done
      ;;
    *) log "unknown profile $profile" ;;
  esac
done

echo "finished $(date -u +%FT%TZ); uptime: $(uptime)" >>"$OUT/machine.txt"
python3 "$SUMMARY_PY" summary "$OUT" | tee "$OUT/summary.md"
log "results in $OUT (summary.md); $FAILED_RUNS run(s) failed"
exit $((FAILED_RUNS > 0))
