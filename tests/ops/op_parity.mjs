// Every operator case of make_op_models.py, run by the depthview engine and by ONNX Runtime on
// the same seeded input; one line per run, like llama.cpp's test-backend-ops.
//   node op_parity.mjs --ort DIR --models DIR [-o OP]... [--case SUBSTRING]... -- RUNNER...
// -o: only the cases that test these operators (repeatable, or a comma list); --case: only the
// cases whose name contains one of these. All selected runs go to one dv_run process (--batch).
//
// A run is OK when its normalised squared error, NMSE = sum((ours - ref)^2) / sum(ref^2), is at
// most the case's bound (manifest: nmse, and int8_nmse for the int8 run of a quantizable case);
// WRONG when it is not (or the output differs in size); NOT SUPPORTED when the engine refuses
// the model with a message saying what it does not support. A refusal passes only for a case the
// manifest marks `unsupported` (the refusal must then match its pattern: the message is the
// test); an unmarked refusal fails, and so does a marked case that runs. A case marked `invalid`
// is a broken model: it passes only when the engine refuses it with an error matching its pattern
// (INVALID), and fails when the engine runs it (ACCEPTED). The test also fails when an operator of
// the engine's registry (dv_run --list-ops) has no case.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts, positionals: runner } = parseArgs({
  allowPositionals: true,
  options: {
    ort: { type: 'string' },
    models: { type: 'string' },
    op: { type: 'string', short: 'o', multiple: true },
    case: { type: 'string', multiple: true },
  },
});
const list = (values) => (values ?? []).flatMap((v) => v.split(',')).filter(Boolean);
const onlyOps = list(opts.op), onlyNames = list(opts.case);
const ort = createRequire(join(opts.ort, 'package.json'))('onnxruntime-node');
const manifest = JSON.parse(readFileSync(join(opts.models, 'manifest.json'), 'utf8'));
const SEED = '11';
// How the engine says it refuses a model (an operator, attribute or layout it does not support).
const REFUSAL = /\b(un)?supported\b/i;

const selected = manifest.filter((c) => (!onlyOps.length || c.ops.some((op) => onlyOps.includes(op))) &&
                                        (!onlyNames.length || onlyNames.some((s) => c.name.includes(s))));
// One run per case, and one more in int8 for the quantizable ones.
const runs = selected.flatMap((c) => [{ c, int8: false }, ...('int8_nmse' in c ? [{ c, int8: true }] : [])]);

function dvRun(args) {
  return spawnSync(runner[0], [...runner.slice(1), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

// The engine's registry: NAME → runs on activations (1) or only folds (0).
function registryOps() {
  const r = dvRun(['--list-ops']);
  if (r.status !== 0) throw new Error(`dv_run --list-ops failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => line.split('\t')).map(([name, computed]) => ({ name, computed: computed === '1' }));
}

// Runs every run in dv_run --batch and returns one result line per run (the engine's "model=…
// error=…" for a refused model, or an error of the harness's making when the process died on it).
// A process that dies (not a model it refuses) is started again after the run it died on; a run
// it dies on twice is reported as an error.
function engineResults(dir) {
  const quote = (p) => `"${p}"`;
  const results = new Array(runs.length);
  const deaths = new Array(runs.length).fill(0);
  let next = 0;
  while (next < runs.length) {
    const lines = runs.slice(next).map((r, i) =>
      [quote(r.c.file), '--seed', SEED, ...(r.int8 ? ['--int8'] : []), '--input-out', quote(join(dir, `${next + i}.in`)),
       '--output-out', quote(join(dir, `${next + i}.out`))].join(' '));
    const batch = join(dir, 'batch.txt');
    writeFileSync(batch, lines.join('\n') + '\n');
    const p = dvRun(['--batch', batch]);
    for (const line of (p.stdout ?? '').split('\n'))
      if (next < runs.length && line.startsWith(`model=${runs[next].c.file} `)) results[next++] = line;
    if (next === runs.length) break;  // every result is in (whatever the exit status)
    const why = `dv_run --batch stopped (status ${p.status}, signal ${p.signal}) before the result of ${runs[next].c.name}: ` +
                ((p.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || 'no message');
    if (++deaths[next] < 2) {
      console.log(`note: ${why}; starting it again there`);
    } else {
      results[next] = `model=${runs[next].c.file} crash=${why}`;
      next++;
    }
  }
  return results;
}

const floats = (f) => { const b = readFileSync(f); return new Float32Array(b.buffer, b.byteOffset, b.length / 4); };

// ONNX Runtime's outputs for a case, one after the other (as dv_run writes them).
const references = new Map();
async function reference(c, input) {
  if (!references.has(c.name)) {
    const session = await ort.InferenceSession.create(c.file);
    const res = await session.run({ x: new ort.Tensor('float32', input, c.input) });
    const outs = c.outputs.map((name) => res[name]);
    const data = new Float32Array(outs.reduce((n, t) => n + t.data.length, 0));
    outs.reduce((offset, t) => (data.set(t.data, offset), offset + t.data.length), 0);
    references.set(c.name, { data, dims: outs.map((t) => t.dims.join('x')).join(',') });
  }
  return references.get(c.name);
}

// NMSE and max |diff|; a NaN on either side only where the other has one too. With an all-zero
// reference the NMSE is the plain sum of squares.
function compare(ours, ref) {
  let err = 0, norm = 0, maxDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(ref[i]) && Number.isNaN(ours[i])) continue;
    const d = ours[i] - ref[i];
    if (Number.isNaN(d)) return { nmse: Infinity, maxDiff: Infinity };
    err += d * d;
    norm += ref[i] * ref[i];
    maxDiff = Math.max(maxDiff, Math.abs(d));
  }
  return { nmse: norm > 0 ? err / norm : err, maxDiff };
}

async function judge(run, result, dir, index) {
  const { c, int8 } = run;
  const label = `${c.name}${int8 ? ' int8' : ''}`.padEnd(48);
  const [, failure, error] = /^(error|crash)=(.*)$/.exec(result.slice(`model=${c.file} `.length)) ?? [];
  // The patterns are matched without the model's path, whose name could hold the words they look for.
  const message = error?.startsWith(`${c.file}: `) ? error.slice(c.file.length + 2) : error;
  if (c.invalid !== undefined) {
    if (failure === undefined)
      return { kind: 'invalid_accepted', line: `ACCEPTED      ${label} an invalid model ran (expected an error matching /${c.invalid}/)` };
    if (failure === 'error' && new RegExp(c.invalid).test(message))
      return { kind: 'invalid_expected', line: `INVALID       ${label} (expected) ${error}` };
    return { kind: 'error', line: `ERROR         ${label} (expected an error matching /${c.invalid}/) ${error}` };
  }
  if (failure !== undefined) {
    if (failure === 'crash' || !REFUSAL.test(error)) return { kind: 'error', line: `ERROR         ${label} ${error}` };
    const expected = c.unsupported !== undefined && new RegExp(c.unsupported).test(message);
    const note = expected ? '(expected) ' : c.unsupported !== undefined ? `(expected a message matching /${c.unsupported}/) ` : '';
    return { kind: expected ? 'unsupported_expected' : 'unsupported', line: `NOT SUPPORTED ${label} ${note}${error}` };
  }
  const ref = await reference(c, floats(join(dir, `${index}.in`)));
  const ours = floats(join(dir, `${index}.out`));
  const shapes = `${c.input.join('x')} -> ${ref.dims}`.padEnd(24);
  if (ours.length !== ref.data.length)
    return { kind: 'wrong', line: `WRONG         ${label} ${shapes} ${ours.length} output values, ORT ${ref.data.length}` };
  const bound = int8 ? c.int8_nmse : c.nmse;
  const { nmse, maxDiff } = compare(ours, ref.data);
  const numbers = `nmse=${nmse.toExponential(2)} (<= ${bound.toExponential(0)}) max|diff|=${maxDiff.toExponential(2)}`;
  if (nmse > bound || Number.isNaN(nmse)) return { kind: 'wrong', line: `WRONG         ${label} ${shapes} ${numbers}` };
  if (c.unsupported !== undefined)
    return { kind: 'ran_but_marked', line: `UNEXPECTED OK ${label} ${shapes} ${numbers}: runs now, drop its "unsupported" mark` };
  return { kind: 'ok', line: `OK            ${label} ${shapes} ${numbers}` };
}

const registry = registryOps();
const dir = mkdtempSync(join(tmpdir(), 'dv-ops-'));
const counts = { ok: 0, wrong: 0, unsupported: 0, unsupported_expected: 0, invalid_expected: 0, invalid_accepted: 0, error: 0,
                 ran_but_marked: 0 };
const unexpectedRefusals = [];
try {
  const results = engineResults(dir);
  for (let i = 0; i < runs.length; i++) {
    let verdict;
    try {
      verdict = await judge(runs[i], results[i], dir, i);
    } catch (e) {
      verdict = { kind: 'error', line: `ERROR         ${runs[i].c.name.padEnd(48)} ${String(e.message).trim().split('\n').pop()}` };
    }
    counts[verdict.kind]++;
    if (verdict.kind === 'unsupported') unexpectedRefusals.push(runs[i].c.name);
    console.log(`op ${verdict.line}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const covered = new Set(manifest.flatMap((c) => c.ops));
const uncovered = registry.filter((op) => !covered.has(op.name));
const unregistered = [...covered].filter((name) => !registry.some((op) => op.name === name)).sort();
const refused = counts.unsupported + counts.unsupported_expected;
const ops = new Set(selected.flatMap((c) => c.ops));
console.log(`op parity: ${runs.length} runs (${selected.length} cases, ${runs.length - selected.length} of them also in int8) over ` +
            `${ops.size} operators: ${counts.ok} ok, ${counts.wrong} wrong, ${refused} not supported ` +
            `(${counts.unsupported_expected} expected), ${counts.invalid_expected} invalid refused` +
            (counts.error ? `, ${counts.error} errors` : '') +
            (counts.ran_but_marked ? `, ${counts.ran_but_marked} ran although marked unsupported` : '') +
            (counts.invalid_accepted ? `, ${counts.invalid_accepted} invalid accepted` : ''));
if (unexpectedRefusals.length) console.log(`op parity: refused unexpectedly: ${unexpectedRefusals.join(', ')}`);
if (unregistered.length) console.log(`note: operators with cases that the engine's registry does not list: ${unregistered.join(', ')}`);
if (uncovered.length)
  console.log(`op parity: FAIL: operators in the engine's registry with no case in the manifest: ` +
              uncovered.map((op) => `${op.name} (${op.computed ? 'computed' : 'folds only'})`).join(', '));
const failed = counts.wrong + counts.unsupported + counts.error + counts.ran_but_marked + counts.invalid_accepted + uncovered.length;
process.exitCode = failed ? 1 : 0;
