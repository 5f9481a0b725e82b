// Plain-TypeScript warp with the kernel's exact f32 semantics (every step through Math.fround in
// the kernel's order), so WASM and JS agree bit for bit. Oracle for tests, benchmark baseline.
import { warpOut, warpParams, type WarpOptions } from '../warp.js';

const f = Math.fround;
const BIG = 4194304;

function reflect(i: number, n: number): number {
  if (i >= 0) {
    if (i < n) return i;
    if (i < 2 * n) return 2 * n - 1 - i;
  } else if (i >= -n) return -1 - i;
  const p = 2 * n;
  let m = i % p;
  if (m < 0) m += p;
  return m >= n ? p - 1 - m : m;
}

/** Reference `warp` (same contract and validation). */
export function warpJs<T extends Float32Array | Uint8Array>(
  src: T,
  width: number,
  height: number,
  options: WarpOptions = {},
): T {
  const p = warpParams(src, width, height, options);
  const dest = warpOut(src, p.outW * p.outH, options?.out);
  const { par, outW, outH, offX, offY, nearest, constant, dx, dy } = p;
  const [a, b, ox, c, d, oy, cval] = par as unknown as number[];
  const isF32 = src instanceof Float32Array;
  const out = (isF32 ? new Float32Array(outW * outH) : new Uint8Array(outW * outH)) as T;
  const cx = f((width - 1) * 0.5);
  const cy = f((height - 1) * 0.5);
  const tap = (ix: number, iy: number): number => {
    if (ix < 0 || ix >= width || iy < 0 || iy >= height) {
      if (constant) return cval!;
      ix = reflect(ix, width);
      iy = reflect(iy, height);
    }
    return src[iy * width + ix]!;
  };
  for (let y = 0; y < outH; y++) {
    const v = f(y + offY - cy);
    const rowX = f(f(b! * v) + ox!);
    const rowY = f(f(d! * v) + oy!);
    for (let x = 0; x < outW; x++) {
      const i = y * outW + x;
      const u = f(x + offX - cx);
      let sx = f(f(a! * u) + rowX);
      let sy = f(f(c! * u) + rowY);
      if (dx && dy) {
        sx = f(sx + dx[i]!);
        sy = f(sy + dy[i]!);
      }
      // NaN -> BIG, like f32x4.pmin(BIG, s) then pmax(-BIG, .).
      sx = sx < BIG ? sx : BIG;
      sx = -BIG < sx ? sx : -BIG;
      sy = sy < BIG ? sy : BIG;
      sy = -BIG < sy ? sy : -BIG;
      if (nearest) {
        // Round half up on the exact position (floor + fraction >= 0.5), not floor(f32(s + 0.5)).
        const rx = Math.floor(sx);
        const ry = Math.floor(sy);
        out[i] = tap(rx + (sx - rx >= 0.5 ? 1 : 0), ry + (sy - ry >= 0.5 ? 1 : 0));
        continue;
      }
      const fx0 = Math.floor(sx);
      const fy0 = Math.floor(sy);
      const fx = f(sx - fx0);
      const fy = f(sy - fy0);
      const p00 = tap(fx0, fy0);
      const p01 = tap(fx0 + 1, fy0);
      const p10 = tap(fx0, fy0 + 1);
      const p11 = tap(fx0 + 1, fy0 + 1);
      const top = f(p00 + f(fx * f(p01 - p00)));
      const bot = f(p10 + f(fx * f(p11 - p10)));
      const r = f(top + f(fy * f(bot - top)));
      out[i] = isF32 ? r : Math.min(255, Math.max(0, Math.floor(f(r + 0.5))));
    }
  }
  if (dest === undefined) return out;
  dest.set(out); // after the loop: dest may be src
  return dest;
}
