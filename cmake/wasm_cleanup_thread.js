// Emscripten JS library, linked into the threaded programs of dv_wasm_program: Emscripten 3.1.69's
// cleanupThread (it returns a finished pthread's worker to the pool), run as a user callback.
//
// Why: cleanupThread frees the thread's data with wasm free(). When the proxied main thread frees
// memory at the same moment (dv_run tearing down its model and pool at exit), the lock is contended
// and the browser-main thread, while it waits, runs the calls queued for it, which by then include
// exitOnMainThread. That throws ExitStatus, which nothing catches inside a worker's message handler:
// node exits with status 1 and prints nothing (29 of 1,850 runs of `dv_run --threads 4` on
// FastDepth, 4 at once on 2 loaded cores; 0 of 900 with this). callUserCallback catches it, as at
// Emscripten's other entry points into wasm. Upstream made the same fix later:
// emscripten-core/emscripten#24711 (issues #22490, #24500); drop this file with a toolchain that has it.
addToLibrary({
  $cleanupThread__deps: ['$callUserCallback'],
  $cleanupThread: (pthread_ptr) => callUserCallback(() => PThread.returnWorkerToPool(PThread.pthreads[pthread_ptr])),
});
