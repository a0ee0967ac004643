// Every operator case of make_op_models.py, run by the depthview engine and by ONNX Runtime on
// the same seeded input; one line per case, like llama.cpp's test-backend-ops.
//   node op_parity.mjs --ort DIR --models DIR [--tolerance 1e-4] -- RUNNER...
// Passes a case when max |ours - ORT| <= tolerance * max(1, max |ORT|).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { runDv } from '../parity/run_dv.mjs';

const { values: opts, positionals: runner } = parseArgs({
  allowPositionals: true,
  options: { ort: { type: 'string' }, models: { type: 'string' }, tolerance: { type: 'string' } },
});
const tolerance = Number(opts.tolerance ?? 1e-4);
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const manifest = JSON.parse(readFileSync(join(opts.models, 'manifest.json'), 'utf8'));
const floats = (f) => { const b = readFileSync(f); return new Float32Array(b.buffer, b.byteOffset, b.length / 4); };

const dir = mkdtempSync(join(tmpdir(), 'dv-ops-'));
let failed = 0;
try {
  for (const { name, file } of manifest) {
    let line;
    try {
      const out = runDv(runner, [file, '--seed', '11', '--input-out', join(dir, 'in.f32'), '--output-out', join(dir, 'out.f32')]);
      const shape = / input=(\S+)/.exec(out)[1].split('x').map(Number);
      const session = await ort.InferenceSession.create(file);
      const res = await session.run({ x: new ort.Tensor('float32', floats(join(dir, 'in.f32')), shape) });
      const ref = res.y.data;
      const ours = floats(join(dir, 'out.f32'));
      if (ref.length !== ours.length) throw new Error(`output has ${ours.length} values, ORT ${ref.length}`);
      let diff = 0, mag = 1;
      for (let i = 0; i < ref.length; i++) {
        const d = Math.abs(ref[i] - ours[i]);
        diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
        mag = Math.max(mag, Math.abs(ref[i]));
      }
      const ok = diff <= tolerance * mag;
      if (!ok) failed++;
      line = `${ok ? 'OK  ' : 'FAIL'} ${name.padEnd(36)} out=${res.y.dims.join('x').padEnd(12)} max|diff|=${diff.toExponential(2)}`;
    } catch (e) {
      failed++;
      line = `FAIL ${name.padEnd(36)} ${String(e.stderr || e.message).trim().split('\n').pop()}`;
    }
    console.log(`op ${line}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`op parity: ${manifest.length - failed} of ${manifest.length} cases match ONNX Runtime`);
process.exitCode = failed ? 1 : 0;
