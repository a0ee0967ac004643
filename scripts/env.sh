# Source me: puts the pinned toolchain (Emscripten, binaryen, XNNPACK builds) in the environment.
#   DEPTHVIEW_TC   the toolchain cache made by scripts/setup
_dv_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
source "$_dv_root/emsdk-config/versions.env"
export DEPTHVIEW_TC=${DEPTHVIEW_CACHE:-$HOME/.cache/depthview}/$DEPTHVIEW_TOOLCHAIN
export EM_CONFIG=$DEPTHVIEW_TC/emscripten.config
# Emscripten's tools are Python: use Debian's interpreter, not whatever python3 is first on PATH.
export EMSDK_PYTHON=/usr/bin/python3
case ":$PATH:" in *":$DEPTHVIEW_TC/emscripten/usr/share/emscripten:"*) ;;
  *) export PATH="$DEPTHVIEW_TC/emscripten/usr/share/emscripten:$PATH" ;; esac
export NODE_PATH=$DEPTHVIEW_TC/node/node_modules${NODE_PATH:+:$NODE_PATH}
unset _dv_root
