// The ONNX Runtime side of the operator cases (make_op_models.py), without the engine: every case
// must load and run in onnxruntime-node (com.microsoft operators included), except those marked
// `invalid`, which it must refuse (the case is really broken). For a case with a float_file (made by
// a conversion of tests/tools/quantize.py) it prints ONNX Runtime's NMSE between the case and its
// float source on the same input, the figures that size the cases' bounds, and fails when it
// exceeds the case's own bound (a bound too tight for ORT itself, or a conversion ORT reads
// differently: a 4-bit case's float source has the dequantized weights, so ORT must agree to ~0).
//   node ort_cases.mjs --ort DIR --models DIR [--case SUBSTRING]...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: { ort: { type: 'string' }, models: { type: 'string' }, case: { type: 'string', multiple: true } },
});
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const manifest = JSON.parse(readFileSync(join(opts.models, 'manifest.json'), 'utf8'));
const only = opts.case ?? [];
const selected = manifest.filter((c) => !only.length || only.some((s) => c.name.includes(s)));

// Uniform in [-1, 1] like dv_run's seeded input (another generator: the figures are statistical).
function seededInput(count, seed) {
  let state = seed >>> 0;
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state / 2 ** 32) * 2 - 1;
  }
  return data;
}

async function run(file, c, input) {
  const session = await ort.InferenceSession.create(file);
  const result = await session.run({ x: new ort.Tensor('float32', input, c.input) });
  return c.outputs.map((name) => result[name].data);
}

function nmse(ours, ref) {
  let err = 0, norm = 0;
  for (let i = 0; i < ref.length; i++) { err += (ours[i] - ref[i]) ** 2; norm += ref[i] ** 2; }
  return norm > 0 ? err / norm : err;
}

let failed = 0;
for (const c of selected) {
  const input = seededInput(c.input.reduce((a, b) => a * b, 1), 11);
  const label = c.name.padEnd(48);
  let line;
  try {
    const outs = await run(c.file, c, input);
    if (c.invalid !== undefined) {
      failed++;
      line = `FAIL ${label} ONNX Runtime runs it, but the case is marked invalid`;
    } else if (c.float_file) {
      const ref = await run(c.float_file, c, input);
      const e = Math.max(...outs.map((o, i) => nmse(o, ref[i])));
      const ok = e <= c.nmse;
      failed += ok ? 0 : 1;
      line = `${ok ? 'OK  ' : 'FAIL'} ${label} runs; nmse vs float ${e.toExponential(2)} (case bound ${c.nmse.toExponential(0)})`;
    } else {
      line = `OK   ${label} runs`;
    }
    if (outs.some((o) => o.some((v) => !Number.isFinite(v)))) { failed++; line = `FAIL ${label} non-finite output`; }
  } catch (e) {
    const why = String(e.message).trim().split('\n')[0];
    if (c.invalid !== undefined) line = `OK   ${label} refused as it must be: ${why}`;
    else { failed++; line = `FAIL ${label} ${why}`; }
  }
  console.log(line);
}
console.log(`ort cases: ${selected.length - failed} of ${selected.length} as expected in ONNX Runtime`);
process.exitCode = failed ? 1 : 0;
