// Plain-TypeScript PackBits decoder: the test oracle for the WASM kernel (assembly/tiff/packbits.ts).

/** Decodes PackBits into at most `maxOut` bytes; runs past the output are cut, as libtiff does. */
export function packBitsDecodeJs(src: Uint8Array, maxOut: number): Uint8Array {
  const out: number[] = [];
  let p = 0;
  while (out.length < maxOut && p < src.length) {
    const n = (src[p++]! << 24) >> 24;
    if (n >= 0) {
      for (let i = 0; i <= n && p < src.length; i++, p++) if (out.length < maxOut) out.push(src[p]!);
    } else if (n !== -128) {
      if (p >= src.length) break;
      const v = src[p++]!;
      for (let i = 0; i < 1 - n && out.length < maxOut; i++) out.push(v);
    }
  }
  return Uint8Array.from(out);
}
