// Median time of an ONNX Runtime session (node or web) on fixed feeds, after warm-up runs.
// Shared by bench/engine_vs_ort.mjs (onnxruntime-node) and bench/web/bench.html (onnxruntime-web).
export async function medianRunMs(session, feeds, runs, warmup = 2) {
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
}
