// dv_run's command line, answered by onnxruntime-node: the reference runner for bench/eval_depth.py.
//   node ort_run.mjs --ort DIR --dv-run DV_RUN MODEL --photo P [--norm N] [--threads T] --output-out OUT
// dv_run builds the input tensor from the photo (the same preprocessing as depthview); ORT runs the
// model on it and its output is written to OUT. Prints dv_run's line with ORT's output shape.
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
  writeFileSync(opts['output-out'], Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  console.log(line.replace(/ output=\S+/, ` output=${out.dims.join('x')}`).replace(/ median_ms=.*/, ' runtime=onnxruntime-node'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
