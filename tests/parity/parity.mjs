// Parity of the depthview engine with ONNX Runtime (onnxruntime-node) on one model and photo.
//   node parity.mjs --ort DIR --model M --photo P [--size HxW[,HxW...]] [--norm unit|imagenet]
//                   [--threads N] [--tolerance 1e-3] [--fp32 MODEL] [--int8] -- RUNNER...
// RUNNER is the dv_run command (native binary, or `node [flags] dv_run.js`). It writes the input
// tensor it built from the photo and its output; ORT runs on the same input. Several sizes run on
// one load of the model in dv_run (weights are not reloaded), each compared. Passes when
// max |ours - ORT| <= tolerance * (max - min of ORT's output). Exit 77 (skipped) when the
// model or photo is absent. --fp32: the float model a quantized or fp16 MODEL was made from; then
// ORT's and depthview's distances to it are printed too (how far each quantized arithmetic is from
// float, which bounds how close the two can be to each other). --int8: depthview runs in its int8 mode
// (dv_run --int8) against ORT's float result.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { asFloats } from './ort_values.mjs';
import { runDv } from './run_dv.mjs';

const { values: opts, positionals: runner } = parseArgs({
  allowPositionals: true,
  options: { ...Object.fromEntries(['ort', 'model', 'photo', 'size', 'norm', 'threads', 'tolerance', 'fp32'].map((k) => [k, { type: 'string' }])),
             int8: { type: 'boolean' } },
});
const tolerance = Number(opts.tolerance ?? 1e-3);

// max |a - b| and its ratio to the range of b.
function distance(a, b) {
  let lo = Infinity, hi = -Infinity, maxDiff = 0;
  for (let k = 0; k < b.length; k++) {
    lo = Math.min(lo, b[k]); hi = Math.max(hi, b[k]);
    const d = Math.abs(b[k] - a[k]);
    maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
  }
  return { ratio: maxDiff / (hi - lo), maxDiff, lo, hi };
}

for (const f of [opts.model, opts.photo, opts.fp32].filter(Boolean)) {
  if (!existsSync(f)) { console.log(`SKIPPED: ${f} not found`); process.exit(77); }
}
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const dir = mkdtempSync(join(tmpdir(), 'dv-parity-'));
try {
  const args = [opts.model, '--photo', opts.photo, '--norm', opts.norm ?? 'unit', '--threads', opts.threads ?? '1',
                '--input-out', join(dir, 'in.f32'), '--output-out', join(dir, 'ours.f32')];
  if (opts.size) args.push('--size', opts.size);
  if (opts.int8) args.push('--int8');
  const lines = runDv(runner, args).trim().split('\n').filter((l) => / input=/.test(l));
  const session = await ort.InferenceSession.create(opts.model, { intraOpNumThreads: 1 });
  const float = opts.fp32 ? await ort.InferenceSession.create(opts.fp32, { intraOpNumThreads: 1 }) : null;
  const floats = (f) => { const b = readFileSync(f); return new Float32Array(b.buffer, b.byteOffset, b.length / 4); };
  let failed = 0;
  for (const [i, line] of lines.entries()) {
    console.log(`depthview: ${line}`);
    const suffix = lines.length > 1 ? `.${i}` : '';  // dv_run numbers its files when it runs several sizes
    const input = floats(join(dir, `in.f32${suffix}`));
    const ours = floats(join(dir, `ours.f32${suffix}`));
    const shape = / input=(\S+)/.exec(line)[1].split('x').map(Number);
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
    const ref = asFloats(result[session.outputNames[0]]);
    if (ref.length !== ours.length) throw new Error(`output sizes differ: ORT ${ref.length}, depthview ${ours.length}`);
    const { ratio, maxDiff, lo, hi } = distance(ours, ref);
    const ok = ratio <= tolerance;
    failed += ok ? 0 : 1;
    console.log(`parity ${opts.model.split('/').pop()} ${shape.join('x')}: max|ours-ORT|=${maxDiff.toExponential(3)} ` +
                `ORT range=[${lo.toPrecision(5)}, ${hi.toPrecision(5)}] ratio=${ratio.toExponential(3)} (tolerance ${tolerance}) -> ${ok ? 'PASS' : 'FAIL'}`);
    if (float) {
      const exact = asFloats((await float.run({ [float.inputNames[0]]: new ort.Tensor('float32', input, shape) }))[float.outputNames[0]]);
      console.log(`  against the fp32 model in ORT (max |diff| / its range): ORT ${distance(ref, exact).ratio.toExponential(3)}, ` +
                  `depthview ${distance(ours, exact).ratio.toExponential(3)}`);
    }
  }
  if (lines.length === 0) throw new Error('dv_run printed no result line');
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
