#!/usr/bin/env bash
# A set-up step that fails stops with one short message naming the step, the reason and what to
# do, not pages of apt/CMake output. Each case uses its own empty cache, so nothing real is touched.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/emsdk-config/versions.env"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
failures=0

# expect_failure NAME PATTERN... -- ENV...: setup must fail, and its terminal output must be short
# and contain every PATTERN.
expect_failure() {
  local name=$1; shift
  local patterns=(); while [ "$1" != -- ]; do patterns+=("$1"); shift; done; shift
  local out rc=0
  out=$(env "$@" "$ROOT/scripts/setup" 2>&1) || rc=$?
  local errlines; errlines=$(sed -n '/FAILED$/,$p' <<<"$out" | wc -l)
  local ok=1
  [ "$rc" -ne 0 ] || { echo "[$name] setup succeeded but should have failed"; ok=0; }
  [ "$errlines" -le 8 ] || { echo "[$name] failure message is $errlines lines long"; ok=0; }
  for p in "${patterns[@]}"; do grep -qE "$p" <<<"$out" || { echo "[$name] missing: $p"; ok=0; }; done
  echo "--- $name (exit $rc):"; sed -n '/FAILED$/,$p' <<<"$out"
  [ "$ok" = 1 ] || failures=$((failures + 1))
}

# 1. No network: the Debian mirror does not answer.
expect_failure no-network "step 'fetch-trixie' failed" "no network" "what to do" -- \
  DEPTHVIEW_CACHE="$work/c1" DEPTHVIEW_DEBIAN_MIRROR=http://127.0.0.1:9/debian

# 2. Checksum mismatch: a cached download was altered.
mkdir -p "$work/c2/downloads"; echo "not an emscripten package" > "$work/c2/downloads/$EMSCRIPTEN_FILE"
expect_failure checksum "step 'fetch-trixie' failed" "checksum mismatch" "delete the file" -- \
  DEPTHVIEW_CACHE="$work/c2" DEPTHVIEW_DEBIAN_MIRROR=http://127.0.0.1:9/debian

# 3. A package that does not exist (as root apt is asked; otherwise the user is told to use sudo).
if [ "$(id -u)" = 0 ]; then pattern="no package named: depthview-no-such-package"; else pattern="not running as root"; fi
expect_failure missing-package "step 'apt-bookworm' failed" "$pattern" -- \
  DEPTHVIEW_CACHE="$work/c3" DEPTHVIEW_APT_EXTRA=depthview-no-such-package

echo "$failures case(s) failed"
[ "$failures" -eq 0 ]
