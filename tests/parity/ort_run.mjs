// dv_run's command line, answered by onnxruntime-node: the reference runner for bench/eval_depth.py.
//   node ort_run.mjs --ort DIR --dv-run DV_RUN MODEL --photo P [--norm N] [--threads T] --output-out OUT
// dv_run builds the input tensor from the photo (the same preprocessing as depthview); ORT runs the
// model on it and its output is written to OUT (as float32). Prints dv_run's line with ORT's output shape.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { runDv } from './run_dv.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: Object.fromEntries(['ort', 'dv-run', 'photo', 'norm', 'threads', 'output-out'].map((k) => [k, { type: 'string' }])),
});
const model = positionals[0];

// A float16 output (a model converted without keeping its output type) as float32, like depthview's.
function halfToFloat(bits) {
  const u16 = new Uint16Array(bits.buffer, bits.byteOffset, bits.length);
  return Float32Array.from(u16, (h) => {
    const sign = h & 0x8000 ? -1 : 1, exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
    if (exponent === 0) return sign * fraction * 2 ** -24;
    if (exponent === 31) return fraction ? NaN : sign * Infinity;
    return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  });
}
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const dir = mkdtempSync(join(tmpdir(), 'dv-ort-run-'));
try {
  const line = runDv([opts['dv-run']], [model, '--photo', opts.photo, '--norm', opts.norm ?? 'unit', '--threads', '1',
                                        '--input-out', join(dir, 'in.f32'), '--output-out', join(dir, 'ours.f32')]).trim();
  const bytes = readFileSync(join(dir, 'in.f32'));
  const input = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const shape = / input=(\S+)/.exec(line)[1].split('x').map(Number);
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: Number(opts.threads ?? 1) });
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
  const out = result[session.outputNames[0]];
  const data = out.type === 'float16' ? halfToFloat(out.data) : out.data;
  writeFileSync(opts['output-out'], Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  console.log(line.replace(/ output=\S+/, ` output=${out.dims.join('x')}`).replace(/ median_ms=.*/, ' runtime=onnxruntime-node'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
