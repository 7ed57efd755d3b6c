#!/usr/bin/env bash
# The project's one test command (CI runs it through .ci/run).
#
#   bash scripts/test.sh                                   # every test in CharityDay.sln
#   bash scripts/test.sh --filter "FullyQualifiedName~Migrations"   # extra args go to dotnet test
#
# 1. installs PostgreSQL, Redis, promtool, kubectl, chromium (for the console's browser tests), node and
#    npm from Debian if they are missing (needs root or sudo -n), and k8s/validate's pinned npm
#    packages (npm ci) when they are missing;
# 2. starts a throwaway PostgreSQL (initdb in a temp dir, 127.0.0.1, free port, fsync on,
#    max_connections=300) and a throwaway Redis (127.0.0.1, free port, no persistence);
# 3. exports  CHARITYDAY_TEST_POSTGRES="Host=127.0.0.1;Port=P;Username=postgres;Password=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
#             CHARITYDAY_TEST_REDIS="127.0.0.1:P"
#             CHARITYDAY_TEST_CHROMIUM=/usr/bin/chromium
# 4. runs dotnet test CharityDay.sln -c Release with a TRX logger;
# 5. stops both servers and removes the temp dirs (also on error, Ctrl-C, TERM);
# 6. prints, as the very last line, "N passed, N failed" (", N skipped" if any) counted from the
#    TRX files, and exits non-zero when anything failed, crashed or did not build.
#
# Optional environment:
#   CHARITYDAY_TEST_SOLUTION      solution to test (default CharityDay.sln)
#   CHARITYDAY_TEST_RESULTS_DIR   keep the TRX files in a new run-* dir under this dir
#   CHARITYDAY_TEST_VERBOSITY     console logger verbosity (default normal: one line per test)
#   CHARITYDAY_TEST_HANG_TIMEOUT  abort a test host when one test runs longer (default 15m, 0 = off)
set -uo pipefail
exec 2>&1 # one stream, so the closing summary line is last whatever reads the output

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

T_START=$(svc_now_ms)
SLN=${CHARITYDAY_TEST_SOLUTION:-CharityDay.sln}
WORK=""
SERVICES_STOPPED=""

stop_services() {
  [[ -n $SERVICES_STOPPED ]] && return 0
  SERVICES_STOPPED=1
  svc_redis_stop
  svc_pg_stop
}
cleanup() {
  stop_services
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
}
DOTNET_PID=""
# Ctrl-C / TERM: stop dotnet test and everything it started (its own process group), then
# the EXIT trap stops the servers and removes the temp dirs.
# shellcheck disable=SC2317 # invoked by the traps below
on_signal() {
  trap '' INT TERM
  printf '==> interrupted, stopping dotnet test and the servers\n'
  if [[ -n $DOTNET_PID ]]; then
    kill -TERM -- "-$DOTNET_PID" 2>/dev/null || kill -TERM "$DOTNET_PID" 2>/dev/null
    local i
    for ((i = 0; i < 50; i++)); do
      kill -0 -- "-$DOTNET_PID" 2>/dev/null || kill -0 "$DOTNET_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$DOTNET_PID" 2>/dev/null || kill -KILL "$DOTNET_PID" 2>/dev/null
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# Setup failed before any test ran: that is a failed run, say so on the closing line.
setup_failed() {
  svc_err "$1"
  cleanup
  printf '0 passed, 1 failed\n'
  exit 1
}

list_only=""
for a in "$@"; do
  case $a in -t | --list-tests) list_only=1 ;; esac
done

[[ -f $SLN ]] || setup_failed "solution $SLN not found in $PWD"

svc_ensure_packages || setup_failed "PostgreSQL/Redis/chromium/node are not installed"
svc_ensure_k8s_validator || true # its tests fail and say so

WORK=$(mktemp -d "${TMPDIR:-/tmp}/charityday-test.XXXXXX") || setup_failed "mktemp failed"
chmod 0755 "$WORK" # the postgres user must reach its data dir inside
if ((EUID == 0)) && ! runuser -u postgres -- test -x "$WORK" 2>/dev/null; then
  rm -rf "$WORK" # TMPDIR is not reachable by 'postgres' (e.g. under /root): use /tmp
  WORK=$(mktemp -d /tmp/charityday-test.XXXXXX) || setup_failed "mktemp failed"
  chmod 0755 "$WORK"
fi

svc_pg_start "$WORK/pg" || setup_failed "could not start PostgreSQL: tests that need it cannot run"
svc_redis_start "$WORK/redis" || setup_failed "could not start Redis: tests that need it cannot run"

export CHARITYDAY_TEST_POSTGRES="Host=127.0.0.1;Port=$SVC_PG_PORT;Username=postgres;Password=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
export CHARITYDAY_TEST_REDIS="127.0.0.1:$SVC_REDIS_PORT"
svc_log "CHARITYDAY_TEST_POSTGRES=$CHARITYDAY_TEST_POSTGRES"
export CHARITYDAY_TEST_CHROMIUM=$SVC_CHROMIUM
svc_log "CHARITYDAY_TEST_REDIS=$CHARITYDAY_TEST_REDIS"
svc_log "CHARITYDAY_TEST_CHROMIUM=$CHARITYDAY_TEST_CHROMIUM"

if [[ -n ${CHARITYDAY_TEST_RESULTS_DIR:-} ]]; then
  if ! mkdir -p "$CHARITYDAY_TEST_RESULTS_DIR" ||
     ! RESULTS=$(mktemp -d "$CHARITYDAY_TEST_RESULTS_DIR/run-$(date +%Y%m%d-%H%M%S)-XXXX"); then
    setup_failed "cannot create a results dir under $CHARITYDAY_TEST_RESULTS_DIR"
  fi
else
  RESULTS=$WORK/results
  mkdir -p "$RESULTS"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}

hang=()
hang_timeout=${CHARITYDAY_TEST_HANG_TIMEOUT:-15m}
if [[ $hang_timeout != 0 && -z $list_only ]]; then
  hang=(--blame-hang-timeout "$hang_timeout" --blame-hang-dump-type none)
fi

svc_log "dotnet test $SLN -c Release${*:+ $*} (results in $RESULTS)"
t_test=$(svc_now_ms)
# In the background (own process group via setsid) so a signal reaches our trap at once.
setsid=()
command -v setsid >/dev/null 2>&1 && setsid=(setsid -w)
"${setsid[@]}" dotnet test "$SLN" -c Release \
  --logger trx --logger "console;verbosity=${CHARITYDAY_TEST_VERBOSITY:-normal}" \
  --results-directory "$RESULTS" "${hang[@]}" "$@" &
DOTNET_PID=$!
wait "$DOTNET_PID"
rc=$?
DOTNET_PID=""
svc_log "dotnet test exited with code $rc after $(svc_elapsed "$t_test")"

stop_services

if [[ -n $list_only ]]; then
  exit "$rc"
fi

svc_log "total time $(svc_elapsed "$T_START")"
# Last line of output: "N passed, N failed[, N skipped]".
svc_python scripts/trx-summary.py "$RESULTS" --solution "$SLN" --dotnet-exit "$rc"
summary_rc=$?
if ((summary_rc != 0 && summary_rc != 1)); then # python3 missing or killed: still end with the line
  printf '0 passed, 1 failed\n'
  exit 1
fi
if ((rc != 0 || summary_rc != 0)); then
  exit 1
fi
exit 0
