# Step runner shared by scripts/setup, scripts/build and scripts/test (sourced, not run).
# Each step logs to its own file; on failure the user sees one message naming the step, the
# reason and what to do, instead of pages of apt/CMake output.

DV_T0=${DV_T0:-$(date +%s)}
DV_LOGDIR=${DV_LOGDIR:-${TMPDIR:-/tmp}/depthview-logs}
mkdir -p "$DV_LOGDIR"
DV_REASON_FILE="$DV_LOGDIR/.reason"

dv_elapsed() { echo $(( $(date +%s) - DV_T0 )); }

# fail "reason": called inside a step to state why it failed in plain words.
fail() { printf '%s\n' "$*" > "$DV_REASON_FILE"; return 1; }

# step ID "what to do if it fails" command [args...]
step() {
  local id=$1 hint=$2; shift 2
  local log="$DV_LOGDIR/$id.log"
  rm -f "$DV_REASON_FILE"
  printf '[%5ss] %-28s ' "$(dv_elapsed)" "$id"
  local t=$(date +%s)
  # Not inside `if`/`&&`: there bash ignores `set -e` in the step, and a failed command would
  # not stop it.
  local rc=0
  set +e
  ( set -euo pipefail; "$@" ) > "$log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    echo "ok ($(( $(date +%s) - t ))s)"
    return 0
  fi
  echo "FAILED"
  {
    echo "depthview: step '$id' failed."
    if [ -s "$DV_REASON_FILE" ]; then
      sed 's/^/  reason: /' "$DV_REASON_FILE"
    else
      # compiler/CMake errors if there are any, else the last lines
      local errors; errors=$(grep -m 8 -E 'error:|Error|FAILED:' "$log" | cut -c1-240 || true)
      echo "  last output:"; { [ -n "$errors" ] && echo "$errors" || grep -v '^\s*$' "$log" | tail -n 3 | cut -c1-240; } | sed 's/^/    /'
    fi
    echo "  what to do: $hint"
    echo "  full log: $log"
  } >&2
  exit 1
}

# stamp helpers: a step whose inputs (KEY) did not change since it last succeeded is skipped.
dv_stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
dv_stamp_set() { mkdir -p "$(dirname "$1")"; printf '%s' "$2" > "$1"; }

# have_cmd NAME: the command exists.
have_cmd() { command -v "$1" > /dev/null 2>&1; }
