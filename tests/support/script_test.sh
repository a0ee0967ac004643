# Sourced by the script tests in tests/scripts: paths, a scratch folder removed on exit, and
# `expect NAME CONDITION` that counts failures; `finish` prints the count and sets the exit status.
ROOT=$(cd "$(dirname "${BASH_SOURCE[1]}")/../.." && pwd)
SHARED=$ROOT/../shared
cli=$ROOT/build/native/src/depthview
# Skips (exit 77, as ctest's SKIP_RETURN_CODE) unless each named ../shared file exists.
need_shared() {
  local f
  for f in "$@"; do
    if [ ! -e "$SHARED/$f" ]; then echo "SKIPPED: ../shared/$f not found"; exit 77; fi
  done
}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fails=0
expect() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi; }
finish() { echo "$fails failure(s)"; [ "$fails" -eq 0 ]; }
