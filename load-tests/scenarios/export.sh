#!/usr/bin/env bash
# Scenario "export" (issue 14): a million-row daily export streams without holding the day in memory.
#
#   bash load-tests/scenarios/export.sh                       # 1,000,000 rows, 5 runs per format
#   ROWS=100000 RUNS=3 bash load-tests/scenarios/export.sh    # a small run
#
# 1. start the embedded host (Release build) on a fresh data dir; create one campaign (Asia/Shanghai), one
#    project, one partner through the API; stop the host;
# 2. write ROWS donations of one campaign-local day straight into the ledger file (sqlite3, one statement:
#    posting a million donations over HTTP would measure ingest, not the export), each with one match, every
#    tenth refunded, so rows, matches, statuses and the summary all have something to do;
# 3. start the host again; for each format (csv, jsonl) export the day RUNS times with curl to /dev/null,
#    reading the host's peak RSS (VmHWM) before the first export and after each one, and the download time;
#    check the row count and that the summary's count matches;
# 4. print one line per run and the medians (rows/s, peak RSS growth) into OUT/summary.md.
#
# Environment: ROWS [1000000]  RUNS [5]  OUT [load-tests/reports/export-<utc timestamp>]  SKIP_BUILD [unset]
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh
# shellcheck source=load-tests/scenarios/lib.sh
source load-tests/scenarios/lib.sh

ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
OUT=${OUT:-$ROOT/load-tests/reports/export-$(date -u +%Y%m%d-%H%M%S)}
MANAGER_KEY=bench-manager-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
# A day far from today: the export reads the stored local day, whatever the clock says.
DAY=2026-09-09
DAY_NUMBER=$(python3 -c "import datetime;print((datetime.date(2026,9,9)-datetime.date(1,1,1)).days)")
# 2026-09-09 00:00 in Shanghai (UTC+8) as Unix milliseconds: rows are spread over that local day.
DAY_START_MS=$(python3 -c "import datetime;print(int(datetime.datetime(2026,9,8,16,tzinfo=datetime.timezone.utc).timestamp()*1000))")

trap 'bench_stop_all' EXIT
mkdir -p "$OUT"
DATA=$OUT/data

if [[ -z ${SKIP_BUILD:-} ]]; then
  dotnet build src/CharityDay.Host/CharityDay.Host.csproj -c Release -nologo -v q >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log"; exit 1; }
fi

api() { # METHOD PATH [BODY]
  curl -fsS -X "$1" -H "Authorization: Bearer $MANAGER_KEY" -H 'Content-Type: application/json' ${3:+--data "$3"} "$BENCH_HOST_URL$2"
}

start_host() {
  bench_host_start_on export "$OUT" "$HTTP" "$SILO" "$GW" CharityDay__DataDir="$DATA" CharityDay__BootstrapManagerKey="$MANAGER_KEY" \
    Logging__LogLevel__CharityDay.Exports=Information
  bench_wait_ready "$BENCH_HOST_URL" "$BENCH_HOST_PID" "$OUT/export.log" || exit 1
}

HTTP=$(svc_free_port) && SILO=$(svc_free_port) && GW=$(svc_free_port) || exit 1
start_host
api PUT /v1/admin/campaigns/bench-campaign '{"name":"Export bench","timeZone":"Asia/Shanghai"}' >/dev/null || exit 1
api PUT /v1/admin/projects/bench-project '{"campaignId":"bench-campaign","name":"Bench project"}' >/dev/null || exit 1
api PUT /v1/admin/partners/bench-partner '{"name":"Bench partner"}' >/dev/null || exit 1
PARTNER_KEY=$(api POST /v1/admin/keys '{"role":"partner","partnerId":"bench-partner"}' | python3 -c "import json,sys;print(json.load(sys.stdin)['secret'])") || exit 1
bench_host_stop "$BENCH_HOST_PID"

svc_log "writing $ROWS rows of $DAY into $DATA/charityday.db"
T0=$(svc_now_ms)
sqlite3 "$DATA/charityday.db" <<SQL || exit 1
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $ROWS)
INSERT INTO donations (partner_id, donation_id, campaign_id, project_id, donor_id, amount, currency, accepted_at, local_day, status, refunded_at)
SELECT 'bench-partner', 'd-' || i, 'bench-campaign', 'bench-project', 'donor-' || (i % 50000), 100 + i % 900, 'CNY',
       $DAY_START_MS + (i * 86400000 / $ROWS), $DAY_NUMBER,
       CASE WHEN i % 10 = 3 THEN 'refunded' ELSE 'accepted' END,
       CASE WHEN i % 10 = 3 THEN $DAY_START_MS + 86400000 ELSE NULL END
FROM n;
INSERT INTO matches (partner_id, donation_id, pool_id, campaign_id, project_id, donor_id, local_day, amount, ratio_bps, reversed_at, reversal, stack_order)
SELECT partner_id, donation_id, 'bench-pool', campaign_id, project_id, donor_id, local_day, amount / 2, 5000, refunded_at,
       CASE WHEN refunded_at IS NULL THEN NULL ELSE 'refund' END, 0
FROM donations WHERE campaign_id = 'bench-campaign';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
svc_log "rows written in $(( $(svc_now_ms) - T0 )) ms"

start_host
hwm() { awk '/VmHWM/ {print $2}' "/proc/$BENCH_HOST_PID/status"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$BENCH_HOST_PID/status"; }
IDLE_HWM=$(hwm)
RESULTS=$OUT/runs.tsv
printf 'format\trun\trows\tseconds\trows_per_s\thwm_before_kb\thwm_after_kb\trss_after_kb\n' >"$RESULTS"
# One warm-up export of a few rows so JIT and connection setup are not in the first measured run.
curl -fsS -o /dev/null -H "Authorization: Bearer $PARTNER_KEY" "$BENCH_HOST_URL/v1/exports/summary?campaignId=bench-campaign&day=$DAY" || exit 1
for format in csv jsonl; do
  for ((run = 1; run <= RUNS; run++)); do
    before=$(hwm)
    t0=$(svc_now_ms)
    rows=$(curl -fsS -H "Authorization: Bearer $PARTNER_KEY" "$BENCH_HOST_URL/v1/exports/donations?campaignId=bench-campaign&day=$DAY&format=$format" | wc -l) || exit 1
    t1=$(svc_now_ms)
    after=$(hwm)
    rss_after=$(rss)
    [[ $format == csv ]] && rows=$((rows - 1)) # the header line
    [[ $rows == "$ROWS" ]] || { svc_err "$format run $run: $rows rows, expected $ROWS"; exit 1; }
    secs=$(python3 -c "print(f'{($t1 - $t0) / 1000:.2f}')")
    rate=$(python3 -c "print(int($rows / max(($t1 - $t0) / 1000, 0.001)))")
    printf '%s\t%d\t%d\t%s\t%d\t%d\t%d\t%d\n' "$format" "$run" "$rows" "$secs" "$rate" "$before" "$after" "$rss_after" | tee -a "$RESULTS"
  done
done
summary_count=$(curl -fsS -H "Authorization: Bearer $PARTNER_KEY" "$BENCH_HOST_URL/v1/exports/summary?campaignId=bench-campaign&day=$DAY" |
  python3 -c "import json,sys;print(json.load(sys.stdin)['total']['count'])")
[[ $summary_count == "$ROWS" ]] || { svc_err "summary count $summary_count, expected $ROWS"; exit 1; }
bench_host_stop "$BENCH_HOST_PID"

{
  echo "# Export benchmark: $ROWS rows, $RUNS runs per format"
  echo
  echo "Host peak RSS when ready, before any export: $((IDLE_HWM / 1024)) MB"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)" MB"}' /proc/meminfo), $(uname -sr), .NET $(dotnet --version)"
  echo
  python3 - "$RESULTS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| format | median rows/s | median seconds | peak RSS before first export | peak RSS after last export |")
print("|---|---:|---:|---:|---:|")
for fmt in ("csv", "jsonl"):
    runs = [r for r in rows if r["format"] == fmt]
    print(f"| {fmt} | {int(statistics.median(int(r['rows_per_s']) for r in runs)):,} | {statistics.median(float(r['seconds']) for r in runs):.2f} "
          f"| {int(runs[0]['hwm_before_kb'])/1024:.0f} MB | {int(runs[-1]['hwm_after_kb'])/1024:.0f} MB |")
PY
} | tee "$OUT/summary.md"
rm -rf "$DATA"
