#!/usr/bin/env bash
# scripts/run on a fresh checkout without ../shared (scripts/serve: what it does after building):
# a copy of the checkout's scripts, web page, manifest and wasm builds in a folder with no
# ../shared next to it. With the model hub unreachable (DEPTHVIEW_MODEL_HUB: a port nothing
# listens on) it prints one message saying what to do and still serves the page; with a hub that
# answers it says the page downloads the default model on first use.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for f in simd relaxed single; do
  [ -f "$ROOT/build/web-$f/src/depthview_viewer.wasm" ] || { echo "SKIPPED: web builds missing (scripts/build web-simd web-relaxed web-single)"; exit 77; }
done
work=$(mktemp -d); checkout=$work/checkout
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$checkout/models" "$checkout/build"
cp -r "$ROOT/scripts" "$ROOT/web" "$ROOT/emsdk-config" "$checkout/"
cp "$ROOT/models/models.json" "$checkout/models/"
export XDG_DATA_HOME=$work/data  # no models downloaded by the CLI on this machine
for f in simd relaxed single; do mkdir -p "$checkout/build/web-$f/src"; cp "$ROOT/build/web-$f/src/depthview_viewer."{js,wasm} "$checkout/build/web-$f/src/"; done
[ ! -e "$work/shared" ] || { echo "FAIL: $work/shared exists"; exit 1; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
fails=0
check() { local name=$1; shift; if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi; }
one_message() { [ "$(grep -c "depthview: no model" "$work/serve.log")" = 1 ]; }
says() { grep -qF -- "$1" "$work/serve.log"; }
page_served() { curl -sf "http://127.0.0.1:$port/" | grep -q "<title>depthview"; }
manifest_has() { curl -sf "http://127.0.0.1:$port/models/models.json" | grep -qF -- "$1"; }

# Starts scripts/serve with hub $1 (assembling the site takes a while: brotli); waits until the
# page answers; its output in $work/serve.log.
serve() {
  port=$(free_port)
  DEPTHVIEW_MODEL_HUB=$1 "$checkout/scripts/serve" --port "$port" > "$work/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/" > /dev/null && return 0
    kill -0 "${pids[-1]}" 2> /dev/null || break
    sleep 0.5
  done
  echo "FAIL: the page is not served"; cat "$work/serve.log"; exit 1
}

dead=$(free_port)
serve "http://127.0.0.1:$dead"
cat "$work/serve.log"
check "no hub: one message" one_message
check "it says the hub cannot be reached" says "cannot be downloaded from 127.0.0.1:$dead (connection refused)"
check "it says exactly what to do" says "To get Depth Anything V2 Small (fp16, 49.6 MB): put depth_anything_v2_small_fp16.onnx into $checkout/models/ (on a machine with network: depthview models --fetch depth-anything-v2-small --variant fp16"
check "the page is still served" page_served
check "and its manifest, with the hub as download_base (the page says the same when it cannot reach it)" \
  manifest_has "\"download_base\":\"http://127.0.0.1:$dead\""
kill "${pids[-1]}"

# A hub that answers: the page downloads the default model on first use.
mkdir -p "$work/hub"; head -c 1000 /dev/zero > "$work/hub/depth_anything_v2_small_fp16.onnx"
hub_port=$(free_port)
node "$ROOT/tests/support/hub_server.mjs" --dir "$work/hub" --port "$hub_port" > "$work/hub.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/hub.log" && break; sleep 0.1; done
serve "http://127.0.0.1:$hub_port"
cat "$work/serve.log"
check "hub reachable: the page downloads the default model on first use" \
  says "depthview: no model in $checkout/models; the page downloads Depth Anything V2 Small (fp16, 49.6 MB) from 127.0.0.1:$hub_port on first use"
check "the page is served" page_served
[ "$fails" = 0 ]
