// Plain-TypeScript TIFF LZW decoder: the test oracle for the WASM kernel (assembly/tiff/lzw.ts).
// Written for clarity, with an explicit string table; same stopping rules as the kernel.
import { TiffError } from '../TiffError.js';

/** Decodes TIFF LZW into at most `maxOut` bytes (fewer if the data ends first). */
export function lzwDecodeJs(src: Uint8Array, maxOut: number): Uint8Array {
  if (src.length >= 2 && src[0] === 0 && (src[1]! & 1) !== 0) {
    throw new TiffError('LZW: old-style (pre-TIFF 6) LZW is not supported');
  }
  const out = new Uint8Array(maxOut);
  let n = 0;
  let table: Uint8Array[] = [];
  const reset = (): void => {
    table = [];
    for (let i = 0; i < 256; i++) table.push(Uint8Array.of(i));
    table.push(new Uint8Array(0), new Uint8Array(0)); // 256 clear, 257 end
  };
  reset();
  let width = 9;
  let bitPos = 0;
  let old: Uint8Array | undefined;
  const totalBits = src.length * 8;
  while (bitPos + width <= totalBits && n < maxOut) {
    let code = 0;
    for (let b = 0; b < width; b++, bitPos++)
      code = (code << 1) | ((src[bitPos >> 3]! >> (7 - (bitPos & 7))) & 1);
    if (code === 256) {
      reset();
      width = 9;
      old = undefined;
      continue;
    }
    if (code === 257) break;
    let str: Uint8Array;
    if (code < table.length) {
      str = table[code]!;
      if (code > 257 && !old) throw new TiffError('LZW: invalid LZW code');
    } else if (code === table.length && old) {
      str = new Uint8Array(old.length + 1);
      str.set(old);
      str[old.length] = old[0]!;
    } else {
      throw new TiffError('LZW: invalid LZW code');
    }
    const k = Math.min(str.length, maxOut - n);
    out.set(str.subarray(0, k), n);
    n += k;
    if (old && table.length < 4096) {
      const entry = new Uint8Array(old.length + 1);
      entry.set(old);
      entry[old.length] = str[0]!;
      table.push(entry);
      if (table.length + 1 >= 1 << width && width < 12) width++;
    }
    old = str;
  }
  return out.slice(0, n);
}
