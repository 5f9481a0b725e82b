import { mixSeed, Rng } from '../random/index.js';
import { DataInputError } from './errors.js';

/** Options of {@link syntheticEM}. */
export interface SyntheticEMOptions {
  /** Number of slices. Default 8. */
  count?: number;
  /** Slice width in pixels. Default 256. */
  width?: number;
  /** Slice height in pixels. Default 256. */
  height?: number;
  /** Seed: the same seed always gives the same stack. Default 0. */
  seed?: number;
  /** Mean distance between cell centres, in pixels. Default 34 (≈ ISBI at half resolution). */
  cellSize?: number;
  /** Standard deviation of the additive Gaussian noise, in grey levels. Default 12. */
  noise?: number;
}

/** An EM-like stack with exact labels: 8-bit images, labels 255 = cell, 0 = membrane (as ISBI 2012). */
export interface SyntheticEM {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  width: number;
  height: number;
}

/** Smooth value noise in [-1, 1]: random values on a coarse grid, smoothstep-interpolated. */
class ValueNoise {
  private readonly gw: number;
  private readonly values: Float32Array;
  constructor(
    rng: Rng,
    width: number,
    height: number,
    private readonly spacing: number,
  ) {
    this.gw = Math.ceil(width / spacing) + 2;
    const gh = Math.ceil(height / spacing) + 2;
    this.values = new Float32Array(this.gw * gh);
    for (let i = 0; i < this.values.length; i++) this.values[i] = rng.uniform(-1, 1);
  }
  /** The field at every pixel of the image, times `scale` (row-major). */
  render(width: number, height: number, scale: number, transpose = false): Float32Array {
    const out = new Float32Array(width * height);
    const sp = this.spacing;
    const ixs = new Int32Array(width);
    const txs = new Float32Array(width);
    for (let x = 0; x < width; x++) {
      const fx = x / sp;
      const ix = Math.floor(fx);
      const t = fx - ix;
      ixs[x] = ix;
      txs[x] = t * t * (3 - 2 * t);
    }
    const col = new Float32Array(this.gw);
    const v = this.values;
    for (let y = 0; y < height; y++) {
      const fy = y / sp;
      const iy = Math.floor(fy);
      let ty = fy - iy;
      ty = ty * ty * (3 - 2 * ty);
      const r0 = iy * this.gw;
      const r1 = r0 + this.gw;
      for (let i = 0; i < this.gw; i++) col[i] = v[r0 + i]! + (v[r1 + i]! - v[r0 + i]!) * ty;
      for (let x = 0; x < width; x++) {
        const ix = ixs[x]!;
        const a = col[ix]!;
        const val = scale * (a + (col[ix + 1]! - a) * txs[x]!);
        if (transpose) out[x * height + y] = val;
        else out[y * width + x] = val;
      }
    }
    return out;
  }
}

/** Separable 5-tap Gaussian blur (σ given), clamped at the borders, in place. */
function blur(img: Float32Array, width: number, height: number, sigma: number): void {
  const k = [0, 1, 2].map((d) => Math.exp(-(d * d) / (2 * sigma * sigma)));
  const s = k[0]! + 2 * (k[1]! + k[2]!);
  const k0 = k[0]! / s;
  const k1 = k[1]! / s;
  const k2 = k[2]! / s;
  const tmp = new Float32Array(img.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const xm2 = row + Math.max(0, x - 2);
      const xm1 = row + Math.max(0, x - 1);
      const xp1 = row + Math.min(width - 1, x + 1);
      const xp2 = row + Math.min(width - 1, x + 2);
      tmp[row + x] = k0 * img[row + x]! + k1 * (img[xm1]! + img[xp1]!) + k2 * (img[xm2]! + img[xp2]!);
    }
  }
  for (let y = 0; y < height; y++) {
    const ym2 = Math.max(0, y - 2) * width;
    const ym1 = Math.max(0, y - 1) * width;
    const yp1 = Math.min(height - 1, y + 1) * width;
    const yp2 = Math.min(height - 1, y + 2) * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      img[row + x] =
        k0 * tmp[row + x]! + k1 * (tmp[ym1 + x]! + tmp[yp1 + x]!) + k2 * (tmp[ym2 + x]! + tmp[yp2 + x]!);
    }
  }
}

interface Seed {
  x: number;
  y: number;
  /** Additive weight: larger = bigger cell. */
  w: number;
}

/** One slice: fills `img` (grey levels) and `lab` (255 / 0). */
function drawSlice(
  rng: Rng,
  width: number,
  height: number,
  cellSize: number,
  noiseSigma: number,
  img: Uint8Array,
  lab: Uint8Array,
): void {
  // Cell centres: a jittered grid, with some cells dropped (large merged cells) and some split.
  const gs = cellSize;
  const gw = Math.ceil(width / gs) + 2;
  const gh = Math.ceil(height / gs) + 2;
  const seeds: Seed[] = [];
  const bucketOf: number[] = [];
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      // Mostly one cell per grid cell; some empty (large cells), some split, a few bundles of small
      // round profiles packed around a point (like axon bundles).
      const bundle = rng.chance(0.07);
      const n = bundle ? 4 + rng.int(4) : rng.chance(0.1) ? 0 : rng.chance(0.3) ? 2 + rng.int(2) : 1;
      const bx = (gx - 0.5) * gs;
      const by = (gy - 0.5) * gs;
      for (let k = 0; k < n; k++) {
        const x = bundle ? bx + rng.uniform(-0.35, 0.35) * gs : (gx - 1 + rng.next()) * gs;
        const y = bundle ? by + rng.uniform(-0.35, 0.35) * gs : (gy - 1 + rng.next()) * gs;
        const w = bundle ? 0 : rng.chance(0.2) ? rng.uniform(0.1, 0.4) * gs : rng.uniform(0, 0.08) * gs;
        bucketOf.push(gy * gw + gx);
        seeds.push({ x, y, w });
      }
    }
  }
  // Seeds are generated bucket by bucket, so bucket b holds seeds bucketStart[b] … bucketStart[b+1]-1.
  const bucketStart = new Int32Array(gw * gh + 1);
  for (const b of bucketOf) bucketStart[b + 1]!++;
  for (let b = 0; b < gw * gh; b++) bucketStart[b + 1]! += bucketStart[b]!;
  const sx = Float64Array.from(seeds, (s) => s.x);
  const sy = Float64Array.from(seeds, (s) => s.y);
  const sw = Float64Array.from(seeds, (s) => s.w);
  // Per lookup cell (half a grid cell), the seeds that can be the nearest or second-nearest of a
  // point in it: `bound` bounds the second-nearest weighted distance from above, and a seed whose
  // weighted distance to the cell exceeds it can never be among the two nearest.
  const cs = gs / 2;
  const cw = 2 * gw;
  const ch = 2 * gh;
  const candStart = new Int32Array(cw * ch + 1);
  const cand: number[] = [];
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      const cx0 = (cx - 2) * cs;
      const cy0 = (cy - 2) * cs;
      const gx = cx >> 1;
      const gy = cy >> 1;
      const near: number[] = [];
      for (let by = Math.max(0, gy - 3); by <= Math.min(gh - 1, gy + 3); by++) {
        for (let bx = Math.max(0, gx - 3); bx <= Math.min(gw - 1, gx + 3); bx++) {
          for (let si = bucketStart[by * gw + bx]!; si < bucketStart[by * gw + bx + 1]!; si++) near.push(si);
        }
      }
      const far = near.map((si) => {
        const dx = Math.max(Math.abs(sx[si]! - cx0), Math.abs(sx[si]! - cx0 - cs));
        const dy = Math.max(Math.abs(sy[si]! - cy0), Math.abs(sy[si]! - cy0 - cs));
        return Math.sqrt(dx * dx + dy * dy) - sw[si]!;
      });
      const sorted = [...far].sort((a, b) => a - b);
      const bound = sorted.length >= 2 ? sorted[1]! : Infinity;
      for (const si of near) {
        const dx = Math.max(0, cx0 - sx[si]!, sx[si]! - cx0 - cs);
        const dy = Math.max(0, cy0 - sy[si]!, sy[si]! - cy0 - cs);
        if (Math.sqrt(dx * dx + dy * dy) - sw[si]! <= bound) cand.push(si);
      }
      candStart[cy * cw + cx + 1] = cand.length;
    }
  }
  const candidates = Int32Array.from(cand);
  const nSeeds = seeds.length;
  // Per-cell appearance and per-boundary thickness.
  const cellGrey = new Float32Array(nSeeds);
  for (let i = 0; i < nSeeds; i++) cellGrey[i] = rng.uniform(160, 200);
  const pairSalt = rng.nextU32();
  const pairThickness = (a: number, b: number): number => {
    // A cheap symmetric integer hash of the pair (called for every pixel).
    let h = Math.imul(Math.min(a, b) + 1, 0x9e3779b1) ^ Math.imul(Math.max(a, b) + 1, 0x85ebca6b) ^ pairSalt;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h ^= h >>> 13;
    return 1.1 + ((h >>> 0) / 4294967296) * 2.4; // 1.1 … 3.5 px
  };
  const warpAmp = 0.22 * cellSize;
  const warpX = new ValueNoise(rng, width, height, 28).render(width, height, warpAmp);
  const warpY = new ValueNoise(rng, width, height, 28).render(width, height, warpAmp);
  const thickMod = new ValueNoise(rng, width, height, 14).render(width, height, 0.35);
  const texFine = new ValueNoise(rng, width, height, 2).render(width, height, 15);
  const texMidNoise = new ValueNoise(rng, Math.max(width, height), Math.max(width, height), 9);
  const texMid = texMidNoise.render(width, height, 9);
  const texMem = texMidNoise.render(height, width, 14, true);
  const shade = new ValueNoise(rng, width, height, 120).render(width, height, 12);

  const n = width * height;
  const owner = new Int32Array(n);
  const grey = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Wavy membranes: look the nearest centres up at a smoothly displaced position.
      const p = y * width + x;
      const px = x + warpX[p]!;
      const py = y + warpY[p]!;
      const bx = Math.floor(px / cs) + 2;
      const by = Math.floor(py / cs) + 2;
      let d1 = Infinity;
      let d2 = Infinity;
      let i1 = 0;
      let i2 = 0;
      const b = Math.min(ch - 1, Math.max(0, by)) * cw + Math.min(cw - 1, Math.max(0, bx));
      const end = candStart[b + 1]!;
      for (let c = candStart[b]!; c < end; c++) {
        const si = candidates[c]!;
        const dx = px - sx[si]!;
        const dy = py - sy[si]!;
        const d = Math.sqrt(dx * dx + dy * dy) - sw[si]!;
        if (d < d1) {
          d2 = d1;
          i2 = i1;
          d1 = d;
          i1 = si;
        } else if (d < d2) {
          d2 = d;
          i2 = si;
        }
      }
      owner[p] = i1;
      const thick = pairThickness(i1, i2) * (1 + thickMod[p]!);
      // (d2 − d1) is about twice the distance to the boundary between the two cells.
      const e = d2 - d1 - thick;
      const tex = texFine[p]! + texMid[p]!;
      if (e < 0) {
        lab[p] = 0;
        grey[p] = 68 + texMem[p]! + 0.5 * tex;
      } else {
        lab[p] = 255;
        const halo = e < 3 ? (3 - e) * 10 : 0; // membranes fade into the cytoplasm
        grey[p] = cellGrey[i1]! + tex - halo;
      }
    }
  }

  // Organelles (image only: ISBI labels keep them as cell): mitochondria-like ellipses and vesicles.
  const paint = (
    cx: number,
    cy: number,
    r: number,
    cell: number,
    f: (dx: number, dy: number) => number | null,
  ): void => {
    const x0 = Math.max(0, Math.floor(cx - r));
    const x1 = Math.min(width - 1, Math.ceil(cx + r));
    const y0 = Math.max(0, Math.floor(cy - r));
    const y1 = Math.min(height - 1, Math.ceil(cy + r));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const p = y * width + x;
        if (owner[p] !== cell || lab[p] === 0) continue;
        const v = f(x - cx, y - cy);
        if (v !== null) grey[p] = v;
      }
    }
  };
  for (let i = 0; i < nSeeds; i++) {
    const s = seeds[i]!;
    if (s.x < -gs || s.y < -gs || s.x > width + gs || s.y > height + gs) continue;
    if (rng.chance(0.35)) {
      const a = rng.uniform(4, 10);
      const b = rng.uniform(2.5, 4.5);
      const ang = rng.uniform(0, Math.PI);
      const cx = s.x + rng.uniform(-0.25, 0.25) * gs;
      const cy = s.y + rng.uniform(-0.25, 0.25) * gs;
      const ca = Math.cos(ang);
      const sa = Math.sin(ang);
      paint(cx, cy, a + 1, i, (dx, dy) => {
        const u = dx * ca + dy * sa;
        const v = -dx * sa + dy * ca;
        const q = (u * u) / (a * a) + (v * v) / (b * b);
        if (q > 1) return null;
        if (q > 0.6) return 70; // dark double membrane
        return 105 + 25 * Math.sin(u * 1.6); // cristae
      });
    }
    const vesicles = rng.chance(0.5) ? 1 + rng.int(8) : 0;
    for (let k = 0; k < vesicles; k++) {
      const r = rng.uniform(1.5, 3.2);
      const cx = s.x + rng.uniform(-0.4, 0.4) * gs;
      const cy = s.y + rng.uniform(-0.4, 0.4) * gs;
      paint(cx, cy, r + 1, i, (dx, dy) => {
        const d = Math.hypot(dx, dy);
        if (d > r) return null;
        return d > r - 1.1 ? 95 : 175;
      });
    }
  }

  blur(grey, width, height, rng.uniform(0.7, 1.1));
  // Near-Gaussian noise, cheaply: the sum of four uniform bytes of one draw (Irwin–Hall, unit variance).
  for (let p = 0; p < n; p++) {
    const r = rng.nextU32();
    const g = ((r & 255) + ((r >>> 8) & 255) + ((r >>> 16) & 255) + (r >>> 24) - 510) * (Math.sqrt(3) / 255);
    const v = grey[p]! + shade[p]! + noiseSigma * g;
    img[p] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
}

/**
 * An embedded EM-like dataset, generated rather than downloaded: Voronoi-like cells of varying size
 * (jittered centres with additive weights, domain-warped so membranes wave) separated by dark
 * membranes of varying thickness (1.1–3.5 px, modulated along each membrane), textured cytoplasm
 * with mitochondria-like ellipses and vesicles, a soft halo along membranes, Gaussian blur, uneven
 * illumination and near-Gaussian noise (sum of four uniforms). Labels are exact: 0 exactly where a membrane is drawn, 255
 * elsewhere (organelles are cell, as in ISBI 2012). Deterministic in `seed`; each slice `i` uses
 * `mixSeed(seed, i)`, so slices do not depend on `count`.
 */
export function syntheticEM(options: SyntheticEMOptions = {}): SyntheticEM {
  const count = options.count ?? 8;
  const width = options.width ?? 256;
  const height = options.height ?? 256;
  const seed = options.seed ?? 0;
  const cellSize = options.cellSize ?? 34;
  const noise = options.noise ?? 12;
  for (const [k, v] of [
    ['count', count],
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 8192)
      throw new DataInputError(`${k} must be an integer in [1, 8192], got ${v}`);
  }
  if (count * width * height > 2 ** 28)
    throw new DataInputError(`stack of ${count}x${height}x${width} is too large`);
  if (!Number.isFinite(seed)) throw new DataInputError(`seed must be a finite number, got ${seed}`);
  if (!(cellSize >= 8 && cellSize <= 512))
    throw new DataInputError(`cellSize must be in [8, 512], got ${cellSize}`);
  if (!(noise >= 0 && noise <= 100)) throw new DataInputError(`noise must be in [0, 100], got ${noise}`);
  const n = width * height;
  const images = new Uint8Array(count * n);
  const labels = new Uint8Array(count * n);
  for (let i = 0; i < count; i++) {
    drawSlice(
      new Rng(mixSeed(seed, i)),
      width,
      height,
      cellSize,
      noise,
      images.subarray(i * n, (i + 1) * n),
      labels.subarray(i * n, (i + 1) * n),
    );
  }
  return { images, labels, count, width, height };
}
