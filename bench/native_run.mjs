// One timed run of a model file by depthview (dv_run, native or its wasm build under node) and by
// onnxruntime-node on the input tensor depthview built: shared by bench/engine_vs_ort.mjs and
// bench/variants.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runDv } from '../tests/parity/run_dv.mjs';
import { root } from './common.mjs';
import { medianRunMs } from './ort_timing.mjs';

export const nativeRunner = [join(root, 'build/native/tests/dv_run')];
export const wasmRunner = (js) => ['node', ...(js.includes('relaxed') ? ['--experimental-wasm-relaxed-simd'] : []), js];

// dv_run's result line as numbers: ms (median), loadMs (load + prepare), loadMiB / peakMiB (memory
// high-water mark after loading / after the runs: wasm heap, or natively the peak resident set).
export function parseDvLine(out) {
  const field = (name) => Number(new RegExp(`${name}=([\\d.]+)`).exec(out)?.[1]);
  return { ms: field('median_ms'), loadMs: field('load\\+prepare_ms'), loadMiB: field('load_memory_mib'),
    peakMiB: field('peak_memory_mib'), shape: / input=(\S+)/.exec(out)[1].split('x').map(Number) };
}

// dv_run on `file` with the photo; the input tensor it built comes back as `input` (for ORT).
// Throws with dv_run's message when the model does not load or run.
export function timeDv(runner, { file, photo, norm, threads, runs, warmup, dir }) {
  const inputFile = join(dir, 'in.f32');
  const out = runDv(runner, [file, '--photo', photo, '--norm', norm, '--threads', String(threads), '--runs', String(runs),
    '--warmup', String(warmup), '--input-out', inputFile]);
  const bytes = readFileSync(inputFile);
  return { ...parseDvLine(out), input: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
}

// onnxruntime-node on the same file and input: ms (median), loadMs (session creation).
export async function timeOrtNode(ort, file, threads, input, shape, runs, warmup) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const loadMs = performance.now() - t0;
  const ms = await medianRunMs(session, { [session.inputNames[0]]: new ort.Tensor('float32', input, shape) }, runs, warmup);
  await session.release();
  return { ms, loadMs };
}
