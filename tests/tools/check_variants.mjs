// Runs an fp32 model and its variants (tests/tools/make_variants.py) with onnxruntime-node on one
// input and compares each variant's output with the fp32 model's: one line per file.
//   node check_variants.mjs --ort DIR --reference FP32.onnx --input IN.f32 --shape 1x3xHxW
//        [--max-ratio SUFFIX=R,...] VARIANT.onnx...
// ratio = max|variant - fp32| / (max - min of fp32), nmse = sum((variant - fp32)^2) / sum(fp32^2).
// Fails when a file does not load or run (every variant must, com.microsoft ops included), gives
// an output of another size or a non-finite value, or its ratio exceeds the bound given for its
// suffix (the part of the file name after the reference's stem, e.g. "q4f16"). Exit 77 (skipped)
// when the reference model or the input is absent.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

import { asFloats } from '../parity/ort_values.mjs';

const { values: opts, positionals: variants } = parseArgs({
  allowPositionals: true,
  options: Object.fromEntries(['ort', 'reference', 'input', 'shape', 'max-ratio'].map((k) => [k, { type: 'string' }])),
});
for (const f of [opts.reference, opts.input]) {
  if (!existsSync(f)) { console.log(`SKIPPED: ${f} not found`); process.exit(77); }
}
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const shape = opts.shape.split('x').map(Number);
const bytes = readFileSync(opts.input);
const input = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
const bounds = Object.fromEntries((opts['max-ratio'] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
const stem = basename(opts.reference, '.onnx');

async function run(file) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 2 });
  const t1 = performance.now();
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
  const t2 = performance.now();
  const out = result[session.outputNames[0]];
  return { data: asFloats(out), type: out.type, loadMs: t1 - t0, runMs: t2 - t1 };
}

function stats(data) {
  let lo = Infinity, hi = -Infinity, finite = true;
  for (const v of data) { lo = Math.min(lo, v); hi = Math.max(hi, v); finite &&= Number.isFinite(v); }
  return { lo, hi, finite };
}

const ref = await run(opts.reference);
const refStats = stats(ref.data);
const range = refStats.hi - refStats.lo;
console.log(`${basename(opts.reference)}: output [${refStats.lo.toPrecision(5)}, ${refStats.hi.toPrecision(5)}] ` +
            `load ${ref.loadMs.toFixed(0)} ms, run ${ref.runMs.toFixed(0)} ms`);
let failed = 0;
for (const file of variants) {
  const suffix = basename(file, '.onnx').slice(stem.length + 1);
  let line;
  try {
    const v = await run(file);
    const s = stats(v.data);
    if (v.data.length !== ref.data.length) throw new Error(`${v.data.length} output values, fp32 ${ref.data.length}`);
    let maxDiff = 0, err = 0, norm = 0;
    for (let i = 0; i < v.data.length; i++) {
      const d = v.data[i] - ref.data[i];
      maxDiff = Math.max(maxDiff, Math.abs(d));
      err += d * d;
      norm += ref.data[i] * ref.data[i];
    }
    const ratio = maxDiff / range;
    const bound = bounds[suffix];
    const ok = s.finite && !(ratio > bound);
    failed += ok ? 0 : 1;
    line = `${ok ? 'OK  ' : 'FAIL'} ${basename(file)}: output [${s.lo.toPrecision(5)}, ${s.hi.toPrecision(5)}] ` +
           `max|diff|=${maxDiff.toExponential(2)} ratio=${ratio.toExponential(2)}${bound ? ` (<= ${bound})` : ''} ` +
           `nmse=${(err / norm).toExponential(2)}${v.type === 'float32' ? '' : ` (${v.type} output)`} ` +
           `load ${v.loadMs.toFixed(0)} ms, run ${v.runMs.toFixed(0)} ms` +
           (s.finite ? '' : ' NON-FINITE OUTPUT');
  } catch (e) {
    failed++;
    line = `FAIL ${basename(file)}: ${String(e.message).trim().split('\n')[0]}`;
  }
  console.log(line);
}
console.log(`check_variants: ${variants.length - failed} of ${variants.length} variants ok`);
process.exitCode = failed ? 1 : 0;
