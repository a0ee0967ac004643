// Parity of the depthview engine with ONNX Runtime (onnxruntime-node) on one model and photo.
//   node parity.mjs --ort DIR --model M --photo P [--size HxW] [--norm unit|imagenet]
//                   [--threads N] [--tolerance 1e-3] -- RUNNER...
// RUNNER is the dv_run command (native binary, or `node [flags] dv_run.js`). It writes the input
// tensor it built from the photo and its output; ORT runs on the same input. Passes when
// max |ours - ORT| <= tolerance * (max - min of ORT's output). Exit 77 (skipped) when the
// model or photo is absent.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { runDv } from './run_dv.mjs';

const { values: opts, positionals: runner } = parseArgs({
  allowPositionals: true,
  options: Object.fromEntries(['ort', 'model', 'photo', 'size', 'norm', 'threads', 'tolerance'].map((k) => [k, { type: 'string' }])),
});
const tolerance = Number(opts.tolerance ?? 1e-3);

for (const f of [opts.model, opts.photo]) {
  if (!existsSync(f)) { console.log(`SKIPPED: ${f} not found`); process.exit(77); }
}
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const dir = mkdtempSync(join(tmpdir(), 'dv-parity-'));
try {
  const args = [opts.model, '--photo', opts.photo, '--norm', opts.norm ?? 'unit', '--threads', opts.threads ?? '1',
                '--input-out', join(dir, 'in.f32'), '--output-out', join(dir, 'ours.f32')];
  if (opts.size) args.push('--size', opts.size);
  const line = runDv(runner, args).trim();
  console.log(`depthview: ${line}`);
  const floats = (f) => { const b = readFileSync(f); return new Float32Array(b.buffer, b.byteOffset, b.length / 4); };
  const input = floats(join(dir, 'in.f32'));
  const ours = floats(join(dir, 'ours.f32'));
  const shape = / input=(\S+)/.exec(line)[1].split('x').map(Number);

  const session = await ort.InferenceSession.create(opts.model, { intraOpNumThreads: 1 });
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
  const ref = result[session.outputNames[0]].data;
  if (ref.length !== ours.length) throw new Error(`output sizes differ: ORT ${ref.length}, depthview ${ours.length}`);
  let lo = Infinity, hi = -Infinity, maxDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    lo = Math.min(lo, ref[i]); hi = Math.max(hi, ref[i]);
    const d = Math.abs(ref[i] - ours[i]);
    maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
  }
  const ratio = maxDiff / (hi - lo);
  const ok = ratio <= tolerance;
  console.log(`parity ${opts.model.split('/').pop()}: max|ours-ORT|=${maxDiff.toExponential(3)} ORT range=[${lo.toPrecision(5)}, ${hi.toPrecision(5)}] ` +
              `ratio=${ratio.toExponential(3)} (tolerance ${tolerance}) -> ${ok ? 'PASS' : 'FAIL'}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
