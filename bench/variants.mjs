// Model files side by side (a model's fp32, fp16, 8-bit and 4-bit variants: tests/tools/make_variants.py):
// per file its size, load time, memory high-water mark and time per run, depthview against ONNX Runtime
// on the same file and input tensor, natively (dv_run vs onnxruntime-node) and, with --web, in headless
// Chromium (dv_run_web vs onnxruntime-web's wasm backend, bench/web/bench.html). One row per file.
//   node bench/variants.mjs --models FILE_OR_DIR[,...] [--threads 1,2] [--runs 5] [--warmup 2]
//                           [--web] [--web-only] [--flavour relaxed|simd]
// A folder stands for its .onnx files in variant order (fp32, fp16, quantized, int8, uint8, q4, q4f16,
// bnb4, qdq). Each file is run on its benchmark model's photo and normalisation (bench/common.mjs),
// found from its name (fastdepth*, pydnet*, midas*, dav2*). Memory: depthview's, after loading and
// after the runs (wasm heap size; natively the peak resident set of dv_run). The ratio is
// depthview / ORT measured in the same run (< 1: depthview faster): on a shared machine only the
// ratios compare across runs.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { benchModelOf, benchModels, localPath, requireTool } from './common.mjs';
import { nativeRunner, timeDv, timeOrtNode } from './native_run.mjs';
import { openBenchSite } from './web_site.mjs';

const { values: opts } = parseArgs({ options: {
  models: { type: 'string' }, threads: { type: 'string', default: '1,2' }, runs: { type: 'string', default: '5' },
  warmup: { type: 'string', default: '2' }, web: { type: 'boolean' }, 'web-only': { type: 'boolean' },
  flavour: { type: 'string', default: 'relaxed' }, port: { type: 'string', default: '8765' } } });
if (!opts.models) throw new Error('--models FILE_OR_DIR[,...] is needed (see the head of bench/variants.mjs)');
const threadList = opts.threads.split(',').map(Number);
const runs = Number(opts.runs), warmup = Number(opts.warmup);

const VARIANT_ORDER = ['fp16', 'quantized', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4', 'qdq'];
const variantRank = (file) => VARIANT_ORDER.findIndex((v) => basename(file, '.onnx').endsWith(`_${v}`));

function modelFiles(list) {
  return list.split(',').flatMap((path) => {
    if (!statSync(path).isDirectory()) return [resolve(path)];
    return readdirSync(path).filter((f) => f.endsWith('.onnx')).map((f) => resolve(path, f))
      .sort((a, b) => variantRank(a) - variantRank(b) || a.localeCompare(b));
  });
}

const files = modelFiles(opts.models).map((file) => ({ file, mb: statSync(file).size / 1e6, model: benchModels[benchModelOf(file)] }));
const short = (message) => String(message).replace(/\s+/g, ' ').slice(0, 160);
const cell = (dv, ort) => `${dv.toFixed(1)} / ${ort.toFixed(1)} ${(dv / ort).toFixed(2)}x`;

function header(platform, reference) {
  console.log(`\n${platform}: depthview vs ${reference}, median of ${runs} runs after ${warmup} warm-ups`);
  const cols = ['file', 'MB', 'load ms dv / ORT', 'dv MiB load / peak', ...threadList.map((t) => `${t} thr ms dv / ORT, ratio`)];
  console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
}

// One row from the per-thread results [{ dv: {ms, loadMs, loadMiB, peakMiB} | {error}, ort: {ms, loadMs} | {error} }].
function printRow({ file, mb }, results) {
  const first = results[0];
  const row = [basename(file), mb.toFixed(1)];
  if (first.dv.error) {
    row.push(`depthview: ${short(first.dv.error)}`);
  } else {
    row.push(`${first.dv.loadMs.toFixed(0)} / ${first.ort.error ? '-' : first.ort.loadMs.toFixed(0)}`,
      `${first.dv.loadMiB} / ${Math.max(...results.map((r) => r.dv.peakMiB ?? 0))}`);
    row.push(...results.map(({ dv, ort }) => (ort.error ? `${dv.ms.toFixed(1)} / ORT: ${short(ort.error)}` : cell(dv.ms, ort.ms))));
  }
  console.log(`| ${row.join(' | ')} |`);
}

async function nativeTable() {
  const ort = requireTool('onnxruntime-node');
  header('native', `onnxruntime-node ${ort.env.versions?.common ?? ''}`);
  for (const entry of files) {
    const { file, model } = entry;
    const results = [];
    for (const threads of threadList) {
      const dir = mkdtempSync(join(tmpdir(), 'dv-variants-'));
      try {
        let dv, ortResult;
        try {
          dv = timeDv(nativeRunner, { file, photo: localPath(model.photo), norm: model.norm, threads, runs, warmup, dir });
        } catch (e) {
          results.push({ dv: { error: e.stderr || e.message }, ort: {} });
          break;
        }
        try {
          ortResult = await timeOrtNode(ort, file, threads, dv.input, dv.shape, runs, warmup);
        } catch (e) {
          ortResult = { error: e.message };
        }
        results.push({ dv, ort: ortResult });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    printRow(entry, results);
  }
}

async function webTable() {
  // Each model file's folder is served as d0, d1, ...
  const folders = Object.fromEntries([...new Set(files.map((f) => dirname(f.file)))].map((d, i) => [`d${i}`, d]));
  const served = Object.fromEntries(Object.entries(folders).map(([name, d]) => [d, name]));
  const site = await openBenchSite({ port: Number(opts.port), folders });
  try {
    header(`Chromium ${site.version} (${opts.flavour} build)`, 'onnxruntime-web (wasm)');
    for (const entry of files) {
      const { file, model } = entry;
      const results = [];
      for (const threads of threadList) {
        const r = await site.run({ model: `${served[dirname(file)]}/${basename(file)}`, photo: model.photo, norm: model.norm,
          threads, runs, warmup, flavour: opts.flavour });
        if (r.error) { results.push({ dv: { error: r.error }, ort: {} }); break; }
        results.push({ dv: { ms: r.dvMs, loadMs: r.dvLoadMs, loadMiB: r.loadHeap, peakMiB: r.peak },
          ort: r.ortError ? { error: r.ortError } : { ms: r.ortMs, loadMs: r.ortLoadMs } });
      }
      printRow(entry, results);
    }
  } finally {
    await site.close();
  }
}

for (const { file, model } of files) if (!model) throw new Error(`${file}: not a variant of ${Object.keys(benchModels).join(', ')} (by its name)`);
if (!opts['web-only']) await nativeTable();
if (opts.web || opts['web-only']) await webTable();
