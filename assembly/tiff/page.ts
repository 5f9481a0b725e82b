// Decodes one TIFF page (all its strips or tiles) into an interleaved, row-major, little-endian
// sample buffer: decompression, byte swapping, predictor, then placing each chunk (edge tiles
// cropped, planar-separate planes interleaved, 1-bit samples unpacked to 0/1 bytes).
import { E_PARAMS, E_SHORT } from './errors';
import { inflateInto } from './inflate';
import { lzwInto } from './lzw';
import { packBitsInto } from './packbits';
import { swapBytes, undoPredictor2, undoPredictor3 } from './predictor';

// Layout of the i32 parameter block shared with src/kernels/tiff.ts.
const P_WIDTH = 0;
const P_HEIGHT = 1;
const P_SPP = 2;
const P_BPS = 3;
const P_COMPRESSION = 5;
const P_PREDICTOR = 6;
const P_BIG_ENDIAN = 7;
const P_PLANAR = 8;
const P_TILE_W = 9;
const P_TILE_H = 10;
const P_TILED = 11;
const P_ACROSS = 12;
const P_DOWN = 13;
const P_FAILED_CHUNK = 14;
const P_FAILED_BYTES = 15;

function param(params: usize, i: i32): i32 {
  return load<i32>(params + ((<usize>i) << 2));
}

/** Decompresses one chunk; returns bytes produced or a negative error code. */
function decompress(comp: i32, src: usize, srcLen: usize, dst: usize, expected: usize): isize {
  if (comp == 1) {
    const n = srcLen < expected ? srcLen : expected;
    memory.copy(dst, src, n);
    return <isize>n;
  }
  if (comp == 5) return lzwInto(src, srcLen, dst, expected);
  if (comp == 8) return inflateInto(src, srcLen, dst, expected, true);
  if (comp == 32773) return packBitsInto(src, srcLen, dst, expected);
  return E_PARAMS;
}

/**
 * Kernel. `data` holds the page's compressed chunks; `chunks` is nChunks pairs of u32 (offset into
 * data, byte count), in TIFF order (planes, then rows of chunks, then columns). `out` receives
 * width*height*spp samples of max(1, bps/8) bytes plus 16 bytes of slack; `scratch` holds one
 * decoded chunk plus 16 bytes, then (16-aligned) one row for the float predictor. The caller has
 * validated all sizes and that every chunk lies inside `data`. Returns 0 or a negative error code,
 * with the failing chunk index stored in params[14].
 */
export function tiffDecodePage(
  data: usize,
  dataLen: usize,
  chunks: usize,
  nChunks: u32,
  params: usize,
  out: usize,
  scratch: usize,
): i32 {
  const width = <usize>param(params, P_WIDTH);
  const height = <usize>param(params, P_HEIGHT);
  const spp = <usize>param(params, P_SPP);
  const bps = param(params, P_BPS);
  const comp = param(params, P_COMPRESSION);
  const predictor = param(params, P_PREDICTOR);
  const bigEndian = param(params, P_BIG_ENDIAN) != 0;
  const separate = param(params, P_PLANAR) == 2;
  const tileW = <usize>param(params, P_TILE_W);
  const tileH = <usize>param(params, P_TILE_H);
  const tiled = param(params, P_TILED) != 0;
  const across = <usize>param(params, P_ACROSS);
  const down = <usize>param(params, P_DOWN);
  const size: usize = bps == 1 ? 1 : <usize>(bps >> 3);
  const sppC: usize = separate ? 1 : spp;
  const perPlane = across * down;
  if (perPlane == 0 || <usize>nChunks != perPlane * (separate ? spp : 1)) return E_PARAMS;
  const rowSamples = tileW * sppC;
  const rowBytes: usize = bps == 1 ? (rowSamples + 7) >> 3 : rowSamples * size;
  const pixelBytes = spp * size;
  const outRowBytes = width * pixelBytes;
  const tmpRow = (scratch + tileH * rowBytes + 16 + 15) & ~(<usize>15);
  const direct = !tiled && !separate && bps != 1;

  for (let ci: usize = 0; ci < <usize>nChunks; ci++) {
    const plane = ci / perPlane;
    const k = ci - plane * perPlane;
    const ty = k / across;
    const tx = k - ty * across;
    const x0 = tx * tileW;
    const y0 = ty * tileH;
    if (x0 >= width || y0 >= height) return E_PARAMS;
    const rows: usize = tiled ? tileH : min(tileH, height - y0);
    const expected = rows * rowBytes;
    const dst = direct ? out + y0 * outRowBytes : scratch;
    const off = <usize>load<u32>(chunks + ci * 8);
    const len = <usize>load<u32>(chunks + ci * 8 + 4);
    if (off > dataLen || len > dataLen - off) return E_PARAMS;
    const got = decompress(comp, data + off, len, dst, expected);
    if (got < 0 || <usize>got < expected) {
      store<i32>(params + P_FAILED_CHUNK * 4, <i32>ci);
      store<i32>(params + P_FAILED_BYTES * 4, got < 0 ? 0 : <i32>got);
      return got < 0 ? <i32>got : E_SHORT;
    }
    if (predictor == 3) {
      undoPredictor3(dst, <u32>rows, rowBytes, sppC, <u32>size, tmpRow);
    } else {
      if (bigEndian && size > 1) swapBytes(dst, expected, <u32>size);
      if (predictor == 2) undoPredictor2(dst, <u32>rows, rowBytes, rowSamples, sppC, <u32>size);
    }
    if (direct) continue;
    const cw = min(tileW, width - x0);
    const ch = min(rows, height - y0);
    if (bps == 1) {
      for (let r: usize = 0; r < ch; r++) {
        const srow = dst + r * rowBytes;
        const orow = out + (y0 + r) * outRowBytes + x0 * spp;
        const n = cw * sppC;
        for (let i: usize = 0; i < n; i++) {
          const bit = (load<u8>(srow + (i >> 3)) >> (<u8>(7 - (i & 7)))) & 1;
          if (separate) store<u8>(orow + i * spp + plane, bit);
          else store<u8>(orow + i, bit);
        }
      }
    } else if (!separate) {
      for (let r: usize = 0; r < ch; r++) {
        memory.copy(out + (y0 + r) * outRowBytes + x0 * pixelBytes, dst + r * rowBytes, cw * pixelBytes);
      }
    } else {
      for (let r: usize = 0; r < ch; r++) {
        const srow = dst + r * rowBytes;
        const orow = out + (y0 + r) * outRowBytes + x0 * pixelBytes + plane * size;
        if (size == 1)
          for (let x: usize = 0; x < cw; x++) store<u8>(orow + x * pixelBytes, load<u8>(srow + x));
        else if (size == 2)
          for (let x: usize = 0; x < cw; x++) store<u16>(orow + x * pixelBytes, load<u16>(srow + x * 2));
        else if (size == 4)
          for (let x: usize = 0; x < cw; x++) store<u32>(orow + x * pixelBytes, load<u32>(srow + x * 4));
        else for (let x: usize = 0; x < cw; x++) store<u64>(orow + x * pixelBytes, load<u64>(srow + x * 8));
      }
    }
  }
  return 0;
}
