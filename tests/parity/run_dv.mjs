// Runs dv_run (native, or `node … dv_run.js`) and returns its stdout.
// Rarely (seen once in ~100 wasm runs under load), the wasm build prints its full result and then
// exits 1 with nothing on stderr, during the pthreads runtime shutdown. That one case is retried
// once, visibly; any other failure is raised as is.
import { execFileSync } from 'node:child_process';

export function runDv(runner, args) {
  for (let attempt = 1; ; attempt++) {
    try {
      return execFileSync(runner[0], [...runner.slice(1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const shutdownOnly = e.status !== null && / median_ms=/.test(e.stdout || '') && !(e.stderr || '').trim();
      if (attempt > 1 || !shutdownOnly) throw e;
      console.log(`note: dv_run exited ${e.status} after printing its result, with empty stderr; retrying once`);
    }
  }
}
