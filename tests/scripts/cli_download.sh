#!/usr/bin/env bash
# `depthview models --fetch` against the stand-in hub (tests/support/hub_server.mjs) on a free port,
# serving a real model (../shared/models/fastdepth.onnx) under a test manifest that pins its size
# and sha256: a plain download (sha256sum agrees); a connection cut halfway (the failure is
# reported, the rerun resumes with a Range request and fetches the other half); wrong bytes (one
# error, nothing installed, no .part left); a server that ignores Range (Python's http.server:
# starts over, the re-fetched bytes reported); an unreachable hub and a stalled one (a clear error,
# no hang); the 2% size rule of a variant without a sha256; the hub saw GETs of model files only,
# with no body, cookie or referer. Then `depthview PHOTO --model fastdepth` runs on the download.
# Timings are printed, not asserted.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared models/fastdepth.onnx photos/da2/demo01.jpg
model=$SHARED/models/fastdepth.onnx
photo=$SHARED/photos/da2/demo01.jpg
[ -x "$cli" ] || { echo "FAIL: $cli is not built (scripts/build native)"; exit 1; }
pids=()  # the servers started here, stopped on exit
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

# The hub's folder: the model under three names, one per variant of the test manifest.
mkdir -p "$work/hub"
for name in fastdepth_hub fastdepth_rounded fastdepth_wrong; do ln -s "$model" "$work/hub/$name.onnx"; done
node "$ROOT/tests/support/hub_server.mjs" --dir "$work/hub" --port 0 --log "$work/hub.log" >"$work/hub.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q "listening on" "$work/hub.out" && break; sleep 0.1; done
hub=$(sed -n 's|^hub: listening on \(http://[^ ]*\)/$|\1|p' "$work/hub.out")
[ -n "$hub" ] || { echo "FAIL: the hub did not start: $(cat "$work/hub.out")"; exit 1; }
mode() { curl -sf "$hub/__hub/mode?$1" >/dev/null; }

size=$(stat -L -c %s "$model")
sha=$(sha256sum "$model" | cut -d' ' -f1)
# fp32: pinned, from its url. rounded: no sha256, the published size rounded (within 2%). wrong:
# no sha256, a size 8% off. The last two have dead urls: they come through a --hub.
/usr/bin/python3 - "$work/models.json" "$hub" "$size" "$sha" <<'PY'
import json, sys
out, hub, size, sha = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
dead = "http://127.0.0.1:9/"
json.dump({"schema": 1, "download_base": None, "preference": ["fastdepth"], "models": [{
    "id": "fastdepth", "name": "FastDepth (hub test)", "license": "tests",
    "variants": {
        "fp32": {"file": "fastdepth_hub.onnx", "size": size, "sha256": sha, "url": hub + "/fastdepth_hub.onnx"},
        "rounded": {"file": "fastdepth_rounded.onnx", "size": round(size, -5), "sha256": None, "url": dead + "x.onnx"},
        "wrong": {"file": "fastdepth_wrong.onnx", "size": int(size * 0.92), "sha256": None, "url": dead + "y.onnx"}},
    "default_variant": {"native": "fp32", "web": "fp32"},
    "input": {"policy": "fixed", "height": 320, "width": 320},
    "normalization": {"mean": [0, 0, 0], "std": [1, 1, 1]}, "output": "metric_depth"}]}, open(out, "w"))
PY
export DEPTHVIEW_MODELS_JSON=$work/models.json XDG_DATA_HOME=$work/data
unset DEPTHVIEW_MODEL_HUB
dest=$work/data/depthview/models
fetch() { # fetch NAME ARGS...: runs the CLI, stdout/stderr/rc into $work/NAME.{out,err,rc}
  local name=$1; shift
  local rc=0
  "$cli" models --fetch fastdepth "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  echo "$rc" >"$work/$name.rc"
  grep -h "^depthview: installed" "$work/$name.out" || true
}
rc() { cat "$work/$1.rc"; }
log_lines() { wc -l <"$work/hub.log"; }

# 1. A plain download, from the manifest's url.
fetch plain
expect "plain download: installed, sha256sum agrees" '[ "$(rc plain)" = 0 ] && [ "$(sha256sum <"$dest/fastdepth_hub.onnx" | cut -d" " -f1)" = "$sha" ]'
expect "plain download: the whole file fetched, nothing re-fetched, digest checked" \
  'grep -q "fetched $size bytes, 0 re-fetched; sha256 $sha (matches the manifest)" "$work/plain.out"'
expect "no .part left" '[ ! -e "$dest/fastdepth_hub.onnx.part" ]'
before=$(log_lines)
fetch again
expect "a second fetch: installed already, no request" '[ "$(rc again)" = 0 ] && grep -q "is installed already: $dest/fastdepth_hub.onnx" "$work/again.out" && [ "$(log_lines)" = "$before" ]'

# 2. The connection cut halfway: reported, the .part kept; the rerun resumes with a Range request.
rm "$dest/fastdepth_hub.onnx"
mode "cut=0.5&cutTimes=1"
fetch cut
kept=$(stat -c %s "$dest/fastdepth_hub.onnx.part" 2>/dev/null || echo 0)
expect "cut: the CLI reports the failure and how to resume" '[ "$(rc cut)" = 1 ] && grep -q "failed: .*kept in $dest/fastdepth_hub.onnx.part: run the same download again to resume" "$work/cut.err"'
expect "cut: about half of the file kept in the .part ($kept bytes)" '[ "$kept" -gt $((size * 4 / 10)) ] && [ "$kept" -lt $((size * 6 / 10)) ]'
expect "cut: nothing installed" '[ ! -e "$dest/fastdepth_hub.onnx" ]'
fetch resumed
refetch=$((size - kept))
expect "rerun: resumed after the kept bytes, only the rest fetched" \
  'grep -q "fetched $refetch bytes, resumed after $kept kept, 0 re-fetched; sha256 $sha" "$work/resumed.out"'
expect "rerun: installed, sha256sum agrees" '[ "$(rc resumed)" = 0 ] && [ "$(sha256sum <"$dest/fastdepth_hub.onnx" | cut -d" " -f1)" = "$sha" ]'
expect "hub log: the rerun was a Range request from the kept bytes, answered 206 with the rest ($refetch bytes)" \
  '[ "$(tail -n 1 "$work/hub.log")" = "$(printf "{\"method\":\"GET\",\"url\":\"/fastdepth_hub.onnx\",\"range\":\"bytes=%s-\",\"body\":0,\"cookie\":null,\"referer\":null,\"origin\":null,\"sent\":%s,\"status\":206}" "$kept" "$refetch")" ]'

# 3. Wrong bytes: one clear error, nothing installed, no .part.
rm "$dest/fastdepth_hub.onnx"
mode "corrupt=1"
fetch corrupt
mode "corrupt=0"
expect "wrong bytes: one error line, the digests named, nothing installed" \
  '[ "$(rc corrupt)" = 1 ] && [ "$(grep -c "^depthview:" "$work/corrupt.err")" = 1 ] && grep -q "is not the published file: its sha256 is [0-9a-f]\{64\}, the manifest pins $sha; it was deleted, nothing was installed" "$work/corrupt.err"'
expect "wrong bytes: no file, no .part" '[ -z "$(ls -A "$dest")" ]'

# 4. A server that ignores Range (answers 200): the download starts over, the re-fetched bytes said.
py_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/hub" && exec /usr/bin/python3 -m http.server "$py_port" --bind 127.0.0.1 >"$work/py.log" 2>&1) &
pids+=($!)
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$py_port/" && break; sleep 0.1; done
head -c 1000000 "$model" >"$dest/fastdepth_hub.onnx.part"
fetch norange --hub "http://127.0.0.1:$py_port"
expect "no Range support: started over, 1000000 bytes re-fetched, installed" \
  '[ "$(rc norange)" = 0 ] && grep -q "fetched $size bytes, 1000000 re-fetched; sha256 $sha" "$work/norange.out"'
expect "no Range support: the file is right" '[ "$(sha256sum <"$dest/fastdepth_hub.onnx" | cut -d" " -f1)" = "$sha" ]'
rm "$dest/fastdepth_hub.onnx"

# 5. No hub: a clear error at once; a stalled hub: given up after --timeout.
t0=$(date +%s.%N)
fetch unreachable --hub http://127.0.0.1:9
t1=$(date +%s.%N)
echo "unreachable hub: error after $(/usr/bin/python3 -c "print(f'{$t1 - $t0:.2f}')") s"
expect "unreachable hub: one clear error, nothing installed, no .part" \
  '[ "$(rc unreachable)" = 1 ] && grep -q "failed: .*127.0.0.1 port 9.*; nothing was installed (offline? or name another hub with --hub URL)" "$work/unreachable.err" && [ -z "$(ls -A "$dest")" ]'
mode "rate=0.004"  # 500 bytes/s, under the 1 kB/s floor
t0=$(date +%s.%N)
fetch stalled --timeout 2
t1=$(date +%s.%N)
mode "rate=0"
echo "stalled hub (--timeout 2): error after $(/usr/bin/python3 -c "print(f'{$t1 - $t0:.2f}')") s"
expect "stalled hub: a clear error, the .part kept for a rerun" \
  '[ "$(rc stalled)" = 1 ] && grep -q "failed: Operation too slow.*run the same download again to resume" "$work/stalled.err"'
rm -f "$dest"/*.part

# 6. No sha256 pinned: the server's length and within 2% of the published size (through a hub
#    given by DEPTHVIEW_MODEL_HUB: the variants' own urls are dead).
fetch rounded --variant rounded
rounded_rc=$(rc rounded)
DEPTHVIEW_MODEL_HUB=$hub fetch rounded --variant rounded
expect "the variant's dead url: refused with the reason" '[ "$rounded_rc" = 1 ]'
expect "unpinned, within 2%: installed, the digest printed to pin" \
  '[ "$(rc rounded)" = 0 ] && grep -q "sha256 $sha (not pinned)" "$work/rounded.out" && grep -q "pin the value above" "$work/rounded.out"'
DEPTHVIEW_MODEL_HUB=$hub fetch wrong --variant wrong
expect "unpinned, 8% off the published size: refused, nothing installed" \
  '[ "$(rc wrong)" = 1 ] && grep -q "it is $size bytes, the manifest says about $((size * 92 / 100)) (within 2%); it was deleted, nothing was installed" "$work/wrong.err" && [ ! -e "$dest/fastdepth_wrong.onnx" ] && [ ! -e "$dest/fastdepth_wrong.onnx.part" ]'
fetch badvariant --variant fp8
expect "an unknown variant: exit 2, the variants listed" \
  '[ "$(rc badvariant)" = 2 ] && grep -qx "depthview: model '"'"'fastdepth'"'"' has no variant '"'"'fp8'"'"'; its variants: fp32, rounded, wrong" "$work/badvariant.err"'

# 7. What the hub saw: GETs of model files only, no body, no cookie, no referer.
log_rc=0
/usr/bin/python3 - "$work/hub.log" <<'PY' || log_rc=$?
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1])]
bad = [e for e in entries if e["method"] != "GET" or e["body"] or e["cookie"] or e["referer"]
       or not e["url"].startswith("/fastdepth_") or not e["url"].endswith(".onnx")]
print(f"hub log: {len(entries)} requests, {sum(1 for e in entries if e['range'])} with a Range")
for e in bad: print("  unexpected:", e)
sys.exit(1 if bad or not entries else 0)
PY
expect "hub log: GETs of model files only, no body, cookie or referer" '[ "$log_rc" = 0 ]'

# 8. The downloaded model runs: the catalog finds it in the user models folder.
fetch final
"$cli" models >"$work/list.out"
expect "depthview models: installed in the user models folder" 'grep -q "^  fp32 .*installed: $dest/fastdepth_hub.onnx  \[default\]" "$work/list.out"'
rc=0
"$cli" "$photo" --model fastdepth -o "$work/out" >"$work/run.out" 2>&1 || rc=$?
cat "$work/run.out"
expect "depthview PHOTO --model fastdepth runs on the download" '[ "$rc" = 0 ] && grep -q "FastDepth (hub test)" "$work/run.out" && [ -s "$work/out/demo01_depth.png" ]'

finish
