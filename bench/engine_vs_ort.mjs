// depthview engine vs ONNX Runtime on the same models and inputs, side by side in one run.
//   node bench/engine_vs_ort.mjs [--runs 7] [--threads 1,2] [--models fastdepth,pydnet,midas,dav2]
//                                [--wasm build/web-simd/tests/dv_run.js]
// Native: build/native/tests/dv_run vs onnxruntime-node. With --wasm, also the given wasm dv_run
// under node (same threads). Medians of RUNS timed runs after 2 warm-up runs; prints a table
// with the ratio ours/ORT (< 1 = faster). Needs scripts/setup (ORT) and scripts/build native.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { medianRunMs } from './ort_timing.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.replace(/^--/, ''), all[i + 1]]]), []));
const runs = Number(args.runs ?? 7);
const threadList = (args.threads ?? '1,2').split(',').map(Number);
const shared = resolve(root, '..', 'shared');
const models = {
  fastdepth: { file: join(shared, 'models/fastdepth.onnx'), photo: join(shared, 'eval/slambook2/ch5/rgbd/color/1.png'), norm: 'unit' },
  pydnet: { file: join(shared, 'models/pydnet.onnx'), photo: join(shared, 'photos/mobilepydnet_test_0.png'), norm: 'unit' },
  midas: { file: join(root, 'build/models/midas_small_seeded.onnx'), photo: join(shared, 'photos/da2/demo01.jpg'), norm: 'imagenet' },
  dav2: { file: join(root, 'build/models/dav2_small_seeded.onnx'), photo: join(shared, 'photos/da2/demo01.jpg'), norm: 'imagenet' },
};
const selected = (args.models ?? Object.keys(models).join(',')).split(',');

const tcDir = execFileSync('bash', ['-c', `source "${root}/scripts/env.sh" && echo "$DEPTHVIEW_TC"`], { encoding: 'utf8' }).trim();
const ort = createRequire(join(tcDir, 'node/node_modules/onnxruntime-node/package.json'))('onnxruntime-node');

function ours(runner, m, threads, dir) {
  const out = execFileSync(runner[0], [...runner.slice(1), m.file, '--photo', m.photo, '--norm', m.norm, '--threads', String(threads),
    '--runs', String(runs), '--warmup', '2', '--input-out', join(dir, 'in.f32')], { encoding: 'utf8' });
  return { ms: Number(/median_ms=([\d.]+)/.exec(out)[1]), shape: /input=(\S+)/.exec(out)[1].split('x').map(Number) };
}

async function reference(m, threads, shape, input) {
  const session = await ort.InferenceSession.create(m.file, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  return medianRunMs(session, { [session.inputNames[0]]: new ort.Tensor('float32', input, shape) }, runs);
}

const native = [join(root, 'build/native/tests/dv_run')];
const wasm = args.wasm ? ['node', ...(args.wasm.includes('relaxed') ? ['--experimental-wasm-relaxed-simd'] : []), resolve(args.wasm)] : null;
console.log(`depthview vs onnxruntime-node ${ort.env.versions?.common ?? ''}: median of ${runs} runs after 2 warm-ups (ms)`);
console.log(['model', 'thr', 'depthview', 'ORT-node', 'ratio', ...(wasm ? ['dv wasm(node)', 'wasm/ORT-node'] : [])].map((s) => s.padEnd(14)).join(''));
for (const name of selected) {
  const m = models[name];
  if (!m || !existsSync(m.file)) { console.log(`${name}: SKIPPED (model not found${m ? `: ${m.file}` : ''})`); continue; }
  for (const threads of threadList) {
    const dir = mkdtempSync(join(tmpdir(), 'dv-bench-'));
    try {
      // Alternate ours / ORT so machine noise hits both alike.
      const a = ours(native, m, threads, dir);
      const b = readFileSync(join(dir, 'in.f32'));
      const input = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
      const r = await reference(m, threads, a.shape, input);
      const w = wasm ? ours(wasm, m, threads, dir).ms : null;
      const row = [name, threads, a.ms.toFixed(1), r.toFixed(1), (a.ms / r).toFixed(2) + 'x'];
      if (wasm) row.push(w.toFixed(1), (w / r).toFixed(2) + 'x');
      console.log(row.map((s) => String(s).padEnd(14)).join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
