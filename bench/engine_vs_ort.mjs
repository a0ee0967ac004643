// depthview engine vs ONNX Runtime on the same models and inputs, side by side in one run.
//   node bench/engine_vs_ort.mjs [--runs 7] [--threads 1,2] [--models fastdepth,pydnet,midas,dav2]
//                                [--rounds 3] [--wasm build/web-simd/tests/dv_run.js]
// Native: build/native/tests/dv_run vs onnxruntime-node. With --wasm, also the given wasm dv_run
// under node (same threads). Medians of RUNS timed runs after 2 warm-up runs, ROUNDS times in
// turn (ours, ORT, ours, ORT...), the best median of each kept: a busy moment of the machine
// then costs neither side. Prints a table with the ratio ours/ORT (< 1 = faster). Needs
// scripts/setup (ORT) and scripts/build native.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

import { benchModels, localPath, parseOptions, requireTool } from './common.mjs';
import { nativeRunner, timeDv, timeOrtNode, wasmRunner } from './native_run.mjs';

const args = parseOptions();
const runs = Number(args.runs ?? 7), rounds = Number(args.rounds ?? 3);
const threadList = (args.threads ?? '1,2').split(',').map(Number);
const selected = (args.models ?? Object.keys(benchModels).join(',')).split(',');
const ort = requireTool('onnxruntime-node');

const wasm = args.wasm ? wasmRunner(resolve(args.wasm)) : null;
console.log(`depthview vs onnxruntime-node ${ort.env.versions?.common ?? ''}: best of ${rounds} medians of ${runs} runs after 2 warm-ups (ms)`);
console.log(['model', 'thr', 'depthview', 'ORT-node', 'ratio', ...(wasm ? ['dv wasm(node)', 'wasm/ORT-node'] : [])].map((s) => s.padEnd(14)).join(''));
for (const name of selected) {
  const m = benchModels[name];
  const file = m && localPath(m.file);
  if (!m || !existsSync(file)) { console.log(`${name}: SKIPPED (model not found${m ? `: ${file}` : ''})`); continue; }
  for (const threads of threadList) {
    const dir = mkdtempSync(resolve(tmpdir(), 'dv-bench-'));
    try {
      const options = { file, photo: localPath(m.photo), norm: m.norm, threads, runs, warmup: 2, dir };
      let a = null, r = null, w = null;
      for (let round = 0; round < rounds; ++round) {
        const da = timeDv(nativeRunner, options);
        const dr = await timeOrtNode(ort, file, threads, da.input, da.shape, runs, 2);
        if (!a || da.ms < a.ms) a = da;
        if (!r || dr.ms < r.ms) r = dr;
        if (wasm) w = Math.min(w ?? Infinity, timeDv(wasm, options).ms);
      }
      const row = [name, threads, a.ms.toFixed(1), r.ms.toFixed(1), (a.ms / r.ms).toFixed(2) + 'x'];
      if (wasm) row.push(w.toFixed(1), (w / r.ms).toFixed(2) + 'x');
      console.log(row.map((s) => String(s).padEnd(14)).join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
