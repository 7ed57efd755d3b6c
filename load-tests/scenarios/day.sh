#!/usr/bin/env bash
# Scenario "day" (issue 18): a whole charity day in one campaign — memory that must stay flat, and a
# restart after kill -9 that must take seconds, not minutes.
#
#   bash load-tests/scenarios/day.sh                                            # embedded 1M, 5M, 10M; postgres 5M
#   PROFILES=embedded SIZES=200000 bash load-tests/scenarios/day.sh             # a small run
#   HOST_DLL=/work/main-wt/src/CharityDay.Host/bin/Release/net10.0/CharityDay.Host.dll LABEL=main \
#     OUT=load-tests/reports/day-compare bash load-tests/scenarios/day.sh         # another build, same report dir
#
# For each profile and each N, on a fresh host with fresh storage:
#  1. start the host (embedded: SQLite in a new data dir; postgres: one Production silo on a new database of a
#     throwaway PostgreSQL) and set up one campaign of $PROJECTS projects with one campaign-wide 1:1 pool,
#     perDonationCap $DONATION_CAP fen, perDonorDailyCap $DONOR_CAP fen, a budget that never runs out
#     (CharityDay.LoadTests setup);
#  2. post N donations, each from a new donor, in batches of $BATCH over $CONNECTIONS connections, amounts
#     $MIN_AMOUNT..$MAX_AMOUNT fen, timeouts and 5xx retried with the same donationIds (bench --unique-donors
#     --count N, no warm-up); the host's VmRSS goes into a timeline every $RSS_EVERY; the totals are checked at
#     the end (raised, count, and matched = sum of min(amount, 500) over the acknowledged: every donor gives once);
#  3. read the host's VmRSS when the bench is done, and again after $PAUSE s of rest;
#  4. kill -9 the host and start it at once on the same ports and storage; `CharityDay.LoadTests recovery` posts a
#     fresh donation every $PROBE_EVERY and polls /health/ready, timed from the kill: kill -> ready, kill -> first 201;
#  5. check the campaign's totals again, exactly: everything acknowledged before the kill plus the probes accepted.
#
# Output in OUT (default load-tests/reports/day-<utc timestamp>/): per run <profile>-<N>-<label>.json (the
# figures), summary.md (a table of every run JSON in OUT, so two builds measured into the same OUT share one
# table), machine.txt, raw/ (setup target, bench and recovery JSON and logs), hosts/ (host logs).
#
# Environment (defaults in brackets):
#   PROFILES ["embedded postgres"]  SIZES ["1000000 5000000 10000000"] (embedded)  POSTGRES_SIZES ["5000000"]
#   CONNECTIONS [16]  BATCH [100]  HOST_DLL [this tree's Release CharityDay.Host.dll]  LABEL [branch@commit of HOST_DLL]
#   SKIP_BUILD [unset]  OUT  PAUSE [5]  RSS_EVERY [5s]  PROBE_EVERY [50ms]  GIVE_UP [300s]
#   MIN_RATE [2000]: the load is cut after N / MIN_RATE seconds (at least 600 s) if it has not finished
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh
# shellcheck source=load-tests/scenarios/lib.sh
source load-tests/scenarios/lib.sh

PROFILES=${PROFILES:-embedded postgres}
SIZES=${SIZES:-1000000 5000000 10000000}
POSTGRES_SIZES=${POSTGRES_SIZES:-5000000}
CONNECTIONS=${CONNECTIONS:-16}
BATCH=${BATCH:-100}
PAUSE=${PAUSE:-5}
RSS_EVERY=${RSS_EVERY:-5s}
PROBE_EVERY=${PROBE_EVERY:-50ms}
GIVE_UP=${GIVE_UP:-300s}
MIN_RATE=${MIN_RATE:-2000}
OUT=${OUT:-$ROOT/load-tests/reports/day-$(date -u +%Y%m%d-%H%M%S)}
# The scenario itself (issue 18).
PROJECTS=1000 MIN_AMOUNT=100 MAX_AMOUNT=2000 DONATION_CAP=500 DONOR_CAP=1000

MANAGER_KEY=bench-manager-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
LOADTESTS_DLL=$ROOT/load-tests/CharityDay.LoadTests/bin/Release/net10.0/CharityDay.LoadTests.dll
if [[ -n ${HOST_DLL:-} ]]; then
  [[ -f $HOST_DLL ]] || { echo "HOST_DLL $HOST_DLL does not exist" >&2; exit 2; }
  BENCH_HOST_DLL=$(cd "$(dirname "$HOST_DLL")" && pwd)/$(basename "$HOST_DLL")
fi

mkdir -p "$OUT/raw" "$OUT/hosts"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/charityday-day-XXXXXX)
chmod 0755 "$WORK" # the postgres user must reach its data dir inside
FAILED_RUNS=0
SIDE_PIDS=() SIDE_PID="" # the bench or recovery process running now

cleanup() {
  trap '' INT TERM
  bench_stop_side
  bench_stop_all
  svc_pg_stop
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "==> interrupted"; exit 130' INT
trap 'echo "==> terminated"; exit 143' TERM

log() { printf '==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/day.log"; }
has() { [[ " $1 " == *" $2 "* ]]; }
rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || true; }
or_null() { [[ -n $1 ]] && printf '%s' "$1" || printf 'null'; }
or_empty_file() { [[ -s $1 ]] && printf '%s' "$1" || printf '/dev/null'; }

# side_start LOG ARGS...: CharityDay.LoadTests in the background (sets SIDE_PID); side_wait: its exit code.
# side LOG ARGS...: both. In the background so that a signal reaches the traps at once.
side_start() {
  local out=$1; shift
  dotnet "$LOADTESTS_DLL" "$@" >"$out" 2>&1 &
  SIDE_PID=$!
  SIDE_PIDS+=("$SIDE_PID")
}
side_wait() {
  wait "$SIDE_PID"
  local rc=$?
  SIDE_PIDS=()
  return $rc
}
side() { side_start "$@"; side_wait; }

if [[ -z ${SKIP_BUILD:-} ]]; then
  build=(load-tests/CharityDay.LoadTests)
  [[ -z ${HOST_DLL:-} ]] && build+=(src/CharityDay.Host)
  for project in "${build[@]}"; do
    log "building $project (Release)"
    if ! dotnet build -c Release "$project" >>"$OUT/build.log" 2>&1; then
      tail -n 30 "$OUT/build.log"
      log "build failed"
      exit 1
    fi
  done
fi
for dll in "$LOADTESTS_DLL" "$BENCH_HOST_DLL"; do
  [[ -f $dll ]] || { log "$dll is missing (build it, or unset SKIP_BUILD)"; exit 1; }
done
# The build under test, by default the branch and commit of the tree HOST_DLL was built in.
if [[ -z ${LABEL:-} ]]; then
  dll_dir=$(dirname "$BENCH_HOST_DLL")
  LABEL=$(git -C "$dll_dir" rev-parse --abbrev-ref HEAD 2>/dev/null)@$(git -C "$dll_dir" rev-parse --short HEAD 2>/dev/null)
  if [[ $LABEL == @ ]]; then
    LABEL=custom
  elif [[ -n $(git -C "$dll_dir" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    LABEL+=+dirty # the build may hold uncommitted changes
  fi
fi
LABEL_SAFE=${LABEL//[^A-Za-z0-9._-]/_}

{
  echo "started $(date -u +%FT%TZ) on $(hostname): $(nproc) cores, $(free -m | awk '/Mem:/ {print $2 " MB RAM"}')"
  echo "scripts at commit $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | grep -q . && echo '(dirty)')"
  echo "host under test: $BENCH_HOST_DLL (label $LABEL)"
  echo "PROFILES='$PROFILES' SIZES='$SIZES' POSTGRES_SIZES='$POSTGRES_SIZES' CONNECTIONS=$CONNECTIONS BATCH=$BATCH PAUSE=$PAUSE RSS_EVERY=$RSS_EVERY PROBE_EVERY=$PROBE_EVERY GIVE_UP=$GIVE_UP"
  echo "scenario: $PROJECTS projects, 1:1 pool perDonationCap $DONATION_CAP perDonorDailyCap $DONOR_CAP, amounts $MIN_AMOUNT..$MAX_AMOUNT fen, every donor new"
  echo "uptime: $(uptime)"
  dotnet --version | sed 's/^/dotnet sdk /'
} >>"$OUT/machine.txt"
cat "$OUT/machine.txt"

if has "$PROFILES" postgres; then
  svc_pg_start "$WORK/pg" || exit 1
  PG_CS_BASE="Host=127.0.0.1;Port=$SVC_PG_PORT;Username=postgres;Password=postgres"
  echo "PostgreSQL $("$SVC_PG_BIN/postgres" --version | awk '{print $3}') (throwaway, port $SVC_PG_PORT)" >>"$OUT/machine.txt"
fi
psql_admin() { "$SVC_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$SVC_PG_PORT" -U postgres -d postgres -c "$1"; }

# run_day PROFILE N: one measured run (fresh host, fresh storage); writes OUT/<name>.json.
run_day() {
  local profile=$1 n=$2
  local name="$profile-$n-$LABEL_SAFE"
  local raw=$OUT/raw/$name data=$WORK/$name db="" rc
  local -a envs=(CharityDay__BootstrapManagerKey="$MANAGER_KEY")
  local -a cpu=()
  case $profile in
    embedded) envs+=(CharityDay__DataDir="$data") ;;
    postgres)
      db=day_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
      psql_admin "CREATE DATABASE $db" || { FAILED_RUNS=$((FAILED_RUNS + 1)); log "run $name: CREATE DATABASE failed"; return; }
      envs+=(CharityDay__Profile=Production ConnectionStrings__Postgres="$PG_CS_BASE;Database=$db;Maximum Pool Size=50"
        CharityDay__MigrateOnStart=true CharityDay__ClusterId="$db" CharityDay__ServiceId=charityday-day)
      cpu=(--cpu-pids "$SVC_PG_PID")
      ;;
    *) log "unknown profile $profile (embedded or postgres)"; return ;;
  esac

  log "run $name: $n donations from $n new donors, batches of $BATCH, $CONNECTIONS connections (load $(cut -d' ' -f1-3 /proc/loadavg))"
  bench_host_start "$name" "$OUT/hosts" "${envs[@]}" || { FAILED_RUNS=$((FAILED_RUNS + 1)); return; }
  local pid=$BENCH_HOST_PID url=$BENCH_HOST_URL ports=$BENCH_HOST_PORTS
  if ! bench_wait_ready "$url" "$pid" "$OUT/hosts/$name.log"; then
    FAILED_RUNS=$((FAILED_RUNS + 1)); bench_host_stop "$pid"; return
  fi

  if ! side "$raw.setup.log" setup --url "$url" --manager-key "$MANAGER_KEY" --scenario b --projects "$PROJECTS" \
      --pool-donation-cap "$DONATION_CAP" --pool-donor-cap "$DONOR_CAP" --min-amount "$MIN_AMOUNT" --max-amount "$MAX_AMOUNT" \
      --json "$raw.target.json"; then
    tail -n 5 "$raw.setup.log"
    FAILED_RUNS=$((FAILED_RUNS + 1)); log "run $name: setup FAILED"; bench_host_stop "$pid"; return
  fi
  local rss_setup; rss_setup=$(rss_mb "$pid")

  local max=$((n / MIN_RATE)); ((max < 600)) && max=600
  side "$raw.bench.log" bench --url "$url" --manager-key "$MANAGER_KEY" --target "$raw.target.json" --mode batch \
    --batch-size "$BATCH" --connections "$CONNECTIONS" --unique-donors --count "$n" --duration "${max}s" --warmup 0 \
    --host-pids "$pid" "${cpu[@]}" --rss-every "$RSS_EVERY" --label "$LABEL" --json "$raw.bench.json"
  rc=$?
  local rss_after rss_pause
  rss_after=$(rss_mb "$pid")
  grep -E '^(elapsed|donations|count|host memory|cpu seconds|errors|RESULT)' "$raw.bench.log" | sed 's/^/      /'
  ((rc != 0)) && grep -E 'FAIL' "$raw.bench.log" | head -n 10 | sed 's/^/      /'
  sleep "$PAUSE"
  rss_pause=$(rss_mb "$pid")
  log "run $name: RSS ${rss_setup:-?} MB after setup, ${rss_after:-?} MB after the load, ${rss_pause:-?} MB after ${PAUSE} s of rest"

  # kill -9, and the same host again at once: same ports (the old membership row is superseded), same storage.
  local t_kill="" t_reaped="" http silo gw pid2 rc2=1 rss_restart=""
  if ! svc_alive "$pid"; then
    log "run $name: the host died during the run"; tail -n 20 "$OUT/hosts/$name.log" | sed 's/^/      /'
    wait "$pid" 2>/dev/null
    bench_forget "$pid"
  else
    # The recovery probe starts first and warms up on the live host; it learns the kill's time from a file.
    local -a expect=()
    [[ -s $raw.bench.json ]] && expect=(--bench "$raw.bench.json")
    local since=$WORK/$name.killed-at i
    side_start "$raw.recovery.log" recovery --url "$url" --manager-key "$MANAGER_KEY" --target "$raw.target.json" \
      --since-file "$since" --every "$PROBE_EVERY" --give-up "$GIVE_UP" "${expect[@]}" --label "$LABEL" --json "$raw.recovery.json"
    for ((i = 0; i < 1200; i++)); do
      grep -q '^recovery: armed' "$raw.recovery.log" 2>/dev/null && break
      svc_alive "$SIDE_PID" || break
      sleep 0.05
    done
    t_kill=$(svc_now_ms)
    kill -KILL "$pid"
    echo "$t_kill" >"$since.tmp" && mv "$since.tmp" "$since"
    wait "$pid" 2>/dev/null
    t_reaped=$(svc_now_ms)
    bench_forget "$pid"
    read -r http silo gw <<<"$ports"
    bench_host_start_on "$name-restart" "$OUT/hosts" "$http" "$silo" "$gw" "${envs[@]}"
    pid2=$BENCH_HOST_PID
    side_wait
    rc2=$?
    rss_restart=$(rss_mb "$pid2")
    grep -E 'kill ->|PASS|FAIL' "$raw.recovery.log" | sed 's/^/      /'
    bench_host_stop "$pid2"
  fi
  if [[ -n $db ]]; then psql_admin "DROP DATABASE $db" || log "run $name: DROP DATABASE $db failed"; fi
  rm -rf "$data"

  jq -n --arg profile "$profile" --argjson n "$n" --arg build "$LABEL" --arg hostDll "$BENCH_HOST_DLL" \
    --argjson rssSetup "$(or_null "$rss_setup")" --argjson rssAfter "$(or_null "$rss_after")" \
    --argjson rssPause "$(or_null "$rss_pause")" --argjson rssRestart "$(or_null "$rss_restart")" --argjson pause "$PAUSE" --argjson cores "$(nproc)" \
    --argjson killedAtMs "$(or_null "$t_kill")" --argjson reapedMs "$(or_null "${t_kill:+$((t_reaped - t_kill))}")" \
    --slurpfile bench "$(or_empty_file "$raw.bench.json")" --slurpfile rec "$(or_empty_file "$raw.recovery.json")" '
    ($bench[0] // {}) as $b | ($rec[0] // {}) as $r |
    {
      profile: $profile, n: $n, "label": $build, hostDll: $hostDll, campaignId: $r.campaignId,
      load: {
        donationsAccepted: $b.donationsAccepted, donationsPerSecond: $b.donationsPerSecond, elapsedSeconds: $b.elapsedSeconds,
        requests: $b.requests, retries: $b.retries, replays: $b.replays, rejected: $b.donationsRejected,
        unknownOutcomes: $b.unknownOutcomes, errors: $b.errors, latencyMs: $b.latencyMs, hostMetrics: $b.host,
        cpuSeconds: ($b.machine // {} | {host: .hostCpuSeconds, db: .treeCpuSeconds, generator: .generatorCpuSeconds, others: .otherCpuSeconds,
          available: (if .elapsedSeconds == null then null else .elapsedSeconds * $cores end)})
      },
      rssMb: {
        afterSetup: $rssSetup, loadStart: $b.machine.startRssMb, peakDuringLoad: $b.machine.peakRssMb, endOfLoad: $b.machine.endRssMb,
        afterVerify: $rssAfter, afterPause: $rssPause, pauseSeconds: $pause, vmHwm: $b.machine.vmHwmMb,
        afterRecovery: $rssRestart, timeline: $b.machine.timeline
      },
      restart: {
        killedAtMs: $killedAtMs, killToReapedSeconds: (if $reapedMs == null then null else $reapedMs / 1000 end), killToReadySeconds: $r.readySeconds,
        killToFirstAnswerSeconds: $r.firstAnswerSeconds, killToFirst201Seconds: $r.firstAcceptedSeconds,
        first201SentAtSeconds: $r.firstAcceptedSentSeconds, probes: $r.probes, outcomes: $r.outcomes
      },
      totals: {
        ok: ($b.passed == true and $r.passed == true),
        beforeKill: {passed: $b.passed, checks: $b.checks},
        afterRestart: {passed: $r.passed, expectedDonations: $r.expectedDonations, expectedRaisedFen: $r.expectedRaisedFen,
          expectedMatchedFen: $r.expectedMatchedFen, checks: $r.checks}
      }
    }' >"$OUT/$name.json"
  if ((rc != 0 || rc2 != 0)); then
    FAILED_RUNS=$((FAILED_RUNS + 1))
    log "run $name FAILED (bench exit $rc, recovery exit $rc2): see $raw.bench.log, $raw.recovery.log"
  fi
  log "run $name: $(jq -r '"\(.load.donationsPerSecond) donations/s, RSS \(.rssMb.endOfLoad) MB at the end of the load, kill -> ready \(.restart.killToReadySeconds) s, kill -> first 201 \(.restart.killToFirst201Seconds) s, totals ok: \(.totals.ok)"' "$OUT/$name.json")"
}

summary() {
  local -a runs=()
  local f
  for f in "$OUT"/*.json; do [[ -f $f ]] && runs+=("$f"); done
  ((${#runs[@]})) || { echo "no runs"; return; }
  jq -rs '
    def mb: if . == null then "–" else (. | round | tostring) end;
    def s: if . == null then "never" else ((. * 100 | round) / 100 | tostring) end;
    def num: if . == null then "–" else (. | round | tostring) end;
    def cpu: if . == null then "–" else ((. * 10 | round) / 10 | tostring) end;
    sort_by(.label, .profile, .n) as $runs |
    "# Day scenario (issue 18)",
    "",
    "N donations from N new donors into one campaign of 1,000 projects (1:1 pool, perDonationCap 500, perDonorDailyCap 1000), batches of 100 over 16 connections; then kill -9 and an immediate restart on the same storage. RSS in MB; times in seconds from the kill. Totals ok = raised, donationCount and matched (= Σ min(amount, 500) over the acknowledged) exact before the kill and again after the restart (with the probe donations).",
    "",
    "| build | profile | N | donations/s | CPU-s host / db / generator / others | RSS after setup | RSS end of load | RSS after pause | peak RSS | kill → ready | kill → first 201 | RSS after recovery | errors | totals ok |",
    "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ($runs[] | "| \(.label) | \(.profile) | \(.n) | \(.load.donationsPerSecond | num) | \(.load.cpuSeconds | [.host, .db, .generator, .others] | map(cpu) | join(" / ")) of \(.load.cpuSeconds.available | cpu) | \(.rssMb.afterSetup | mb) | \(.rssMb.endOfLoad | mb) | \(.rssMb.afterPause | mb) | \(.rssMb.peakDuringLoad | mb) | \(.restart.killToReadySeconds | s) | \(.restart.killToFirst201Seconds | s) | \(.rssMb.afterRecovery | mb) | \([.load.errors // {} | .[]] | add // 0) | \(if .totals.ok then "yes" else "**NO**" + (if .totals.beforeKill.passed != true then " (before kill)" else "" end) + (if .totals.afterRestart.passed != true then " (after restart)" else "" end) end) |"),
    "",
    ( $runs | group_by([.label, .profile])[] | select(length > 1) | (min_by(.n)) as $lo | (max_by(.n)) as $hi |
      if ($lo.restart.killToFirst201Seconds != null and $hi.restart.killToFirst201Seconds != null and $lo.restart.killToFirst201Seconds > 0)
      then "- \($hi.label) \($hi.profile): kill → first 201 at \($hi.n) / at \($lo.n) = \(($hi.restart.killToFirst201Seconds / $lo.restart.killToFirst201Seconds * 100 | round) / 100) (target ≤ 1.5)"
      else empty end ),
    "",
    "Targets (issue 18, embedded): RSS ≤ 1,024 MB after 5 million; kill → first 201 ≤ 5 s, and at 10 million within 1.5× of that at 1 million; batch throughput no lower than the current main build in the same run."
  ' "${runs[@]}"
}

for profile in $PROFILES; do
  case $profile in
    embedded) sizes=$SIZES ;;
    postgres) sizes=$POSTGRES_SIZES ;;
    *) log "unknown profile $profile (embedded or postgres)"; continue ;;
  esac
  for n in $sizes; do run_day "$profile" "$n"; done
done

echo "finished $(date -u +%FT%TZ); uptime: $(uptime)" >>"$OUT/machine.txt"
summary | tee "$OUT/summary.md"
log "results in $OUT (summary.md); $FAILED_RUNS run(s) failed"
exit $((FAILED_RUNS > 0))
