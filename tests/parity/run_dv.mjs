// Runs dv_run (native, or `node … dv_run.js`) and returns its stdout; a failure throws with the
// exit status, stdout and stderr. There is no retry: the wasm build's rare exit 1 after its result
// was an Emscripten 3.1.69 clean-up race, fixed at link time (cmake/wasm_cleanup_thread.js).
import { execFileSync } from 'node:child_process';

export function runDv(runner, args) {
  return execFileSync(runner[0], [...runner.slice(1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
