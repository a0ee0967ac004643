// Calibration for QDQ models (tests/tools/make_variants.py --variants qdq): runs a model whose
// outputs include the tensors to measure on raw input tensors, and prints one JSON object
// {tensor: [min, max]} over all of them (onnxruntime's MinMax calibration).
//   node calibrate.mjs --ort DIR --model M --shape 1x3xHxW INPUT.f32...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts, positionals: inputs } = parseArgs({
  allowPositionals: true,
  options: { ort: { type: 'string' }, model: { type: 'string' }, shape: { type: 'string' } },
});
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const shape = opts.shape.split('x').map(Number);
const session = await ort.InferenceSession.create(opts.model, { intraOpNumThreads: 2 });
const ranges = {};
for (const file of inputs) {
  const bytes = readFileSync(file);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) });
  for (const name of session.outputNames) {
    let lo = Infinity, hi = -Infinity;
    for (const v of result[name].data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const [oldLo, oldHi] = ranges[name] ?? [Infinity, -Infinity];
    ranges[name] = [Math.min(oldLo, lo), Math.max(oldHi, hi)];
  }
}
console.log(JSON.stringify(ranges));
