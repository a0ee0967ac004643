// depthview wasm vs onnxruntime-web (wasm backend) in headless Debian Chromium, side by side:
// the same page runs both on the same input tensor (bench/web/bench.html).
//   node bench/web_vs_ort.mjs [--runs 5] [--threads 1,2] [--flavour relaxed|simd] [--models fastdepth,pydnet,midas,dav2] [--int8 1] [--profile 1]
//   [--js-flags --no-enable-avx-vnni]
// --int8 1 runs depthview in its int8 mode (ORT stays fp32). --profile 1 prints depthview's time per
// XNNPACK operator kind in the browser (the last timed run).
// Needs scripts/setup (ORT-web, playwright-core, chromium) and scripts/build web-simd web-relaxed;
// seeded models come from tests/tools/seed_models.sh (ctest makes them).
import { benchModels, parseOptions } from './common.mjs';
import { openBenchSite } from './web_site.mjs';

const args = parseOptions();
const runs = args.runs ?? '5', flavour = args.flavour ?? 'relaxed';
const threadList = (args.threads ?? '1,2').split(',');

const site = await openBenchSite({ port: Number(args.port ?? 8765), jsFlags: args['js-flags'] });
try {
  console.log(`depthview wasm (${flavour}${args.int8 ? ', int8' : ''}) vs onnxruntime-web in Chromium ${site.version}${args['js-flags'] ? ' ' + args['js-flags'] : ''}: median of ${runs} runs after 2 warm-ups (ms)`);
  console.log(['model', 'threads', 'depthview', 'ORT-web', 'ratio', 'dv heap MiB', 'dv min-max'].map((s) => s.padEnd(13)).join(''));
  for (const name of (args.models ?? Object.keys(benchModels).join(',')).split(',')) {
    const { file, photo, norm } = benchModels[name];
    if (!site.has(file)) { console.log(`${name}: SKIPPED (${file} not found)`); continue; }
    for (const threads of threadList) {
      const r = await site.run({ model: file, photo, norm, threads, runs, flavour,
        ...(args.int8 ? { int8: 1 } : {}), ...(args.profile ? { profile: 1 } : {}) });
      if (r.error || r.ortError) { console.log(`${name} ${threads}: ERROR ${r.error ?? r.ortError}`); continue; }
      console.log([name, threads, r.dvMs.toFixed(1), r.ortMs.toFixed(1), (r.dvMs / r.ortMs).toFixed(2) + 'x', r.peak,
        `${r.dvMinMs.toFixed(1)}-${r.dvMaxMs.toFixed(1)}`].map((s) => String(s).padEnd(13)).join(''));
      if (r.int8) console.log('    ' + r.int8);
      if (args.profile) for (const line of r.profile) console.log('    ' + line.replaceAll('\t', '  '));
    }
  }
} finally {
  await site.close();
}
