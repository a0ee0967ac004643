// What the ONNX Runtime harnesses share about its output tensors.

// An output as numbers: a float16 one decoded (float16.py leaves the output in fp16 when a blocked
// op such as Resize writes it, keep_io_types or not: PyDNet++'s fp16 file).
export function asFloats(tensor) {
  if (tensor.type !== 'float16') return tensor.data;
  const bits = new Uint16Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length);
  return Float32Array.from(bits, (h) => {
    const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 31, frac = h & 1023;
    if (exp === 0) return sign * frac * 2 ** -24;
    if (exp === 31) return frac ? NaN : sign * Infinity;
    return sign * (1 + frac / 1024) * 2 ** (exp - 15);
  });
}
