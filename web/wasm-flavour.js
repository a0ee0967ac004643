// Which depthview WebAssembly build this browser can run: 'relaxed' (SIMD128 + relaxed SIMD),
// 'simd' (SIMD128), or null. Each probe is a tiny module that only validates when the browser
// supports the instructions in it.
export function wasmFlavour() {
  // (func (result v128) i32.const 0 i8x16.splat)
  const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
    10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
  // (func (result v128) i32.const 0 i8x16.splat i32.const 0 i8x16.splat i8x16.relaxed_swizzle)
  const relaxed = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
    10, 15, 1, 13, 0, 65, 0, 253, 15, 65, 0, 253, 15, 253, 128, 2, 11]);
  if (WebAssembly.validate(relaxed)) return 'relaxed';
  if (WebAssembly.validate(simd)) return 'simd';
  return null;
}
