// Runs dv_run (native, or `node … dv_run.js`) and returns its stdout; a failure throws with the
// exit status, stdout and stderr. The wasm build's rare exit 1 after its result was an Emscripten
// 3.1.69 clean-up race, fixed at link time (cmake/wasm_cleanup_thread.js): no retry for failures.
// A run that hangs (seen once, 2026-12-03: web-simd dv_run at 0 % CPU for 31 min under heavy load,
// passing alone in 8 s; not explained) is stopped after kHangSeconds and run once more, with a
// "note:" line that scripts/test shows, so a hang is reported instead of holding CI for ctest's
// 25-minute default.
import { execFileSync } from 'node:child_process';

const kHangSeconds = 600;

const run = (runner, args) => execFileSync(runner[0], [...runner.slice(1), ...args],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: kHangSeconds * 1000, killSignal: 'SIGKILL' });

export function runDv(runner, args) {
  try {
    return run(runner, args);
  } catch (e) {
    if (e.code !== 'ETIMEDOUT' && e.signal !== 'SIGKILL') throw e;
    console.log(`note: dv_run ${args.join(' ')} did not finish in ${kHangSeconds} s (a hang); running it once more`);
    return run(runner, args);
  }
}
