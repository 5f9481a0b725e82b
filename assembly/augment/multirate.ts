// The two resampling steps of the multirate elastic field (see augElasticFieldMultirate):
// noise rows -> coarse rows (a quadratic B-spline prefilter, decimating by k), and coarse rows ->
// fine rows (4-point Lagrange interpolation). Both are weighted sums of whole rows, f32x4 across
// the columns. Coarse row j sits at fine position k j + (k - 1) / 2, so the coarse grid is
// half-sample symmetric at both ends whenever k divides the height, like the fine one.
import { noise4 } from './xoshiro';
import { reflectIndex } from './util';

/** Noise rows kept at once (a power of two): the prefilter's 3k - 2 taps span at most 3 blocks of 4. */
export const NOISE_RING_ROWS = 16;

/** Splatted weights (up to 10 taps or 4 interpolation weights), loaded once per output row. */
const WEIGHTS: usize = memory.data(160, 16);
/** Row pointers of the current output row's taps. */
const ROWS: usize = memory.data(40, 16);

/** Splats n weights from `src` (f32) into WEIGHTS. */
function splatWeights(src: usize, n: i32): void {
  for (let t = 0; t < n; t++) {
    v128.store(WEIGHTS + ((<usize>t) << 4), f32x4.splat(load<f32>(src + ((<usize>t) << 2))));
  }
}

/** Row t of ROWS. */
function rowAt(t: i32): usize {
  return load<usize>(ROWS + ((<usize>t) << 2));
}

/** dst = sum over 4 rows of WEIGHTS[t] * rows[t], for w floats. */
function sum4(dst: usize, w: i32): void {
  const w0 = v128.load(WEIGHTS, 0);
  const w1 = v128.load(WEIGHTS, 16);
  const w2 = v128.load(WEIGHTS, 32);
  const w3 = v128.load(WEIGHTS, 48);
  const r0 = rowAt(0);
  const r1 = rowAt(1);
  const r2 = rowAt(2);
  const r3 = rowAt(3);
  const wb = (<usize>(w & ~3)) << 2;
  for (let o: usize = 0; o < wb; o += 16) {
    const a = f32x4.add(f32x4.mul(w0, v128.load(r0 + o)), f32x4.mul(w1, v128.load(r1 + o)));
    const b = f32x4.add(f32x4.mul(w2, v128.load(r2 + o)), f32x4.mul(w3, v128.load(r3 + o)));
    v128.store(dst + o, f32x4.add(a, b));
  }
  for (let o = wb; o < (<usize>w) << 2; o += 4) {
    const a = f32x4.extract_lane(w0, 0) * load<f32>(r0 + o) + f32x4.extract_lane(w1, 0) * load<f32>(r1 + o);
    const b = f32x4.extract_lane(w2, 0) * load<f32>(r2 + o) + f32x4.extract_lane(w3, 0) * load<f32>(r3 + o);
    store<f32>(dst + o, a + b);
  }
}

/**
 * dst = sum over 10 rows of WEIGHTS[t] * rows[t], for w floats, with symmetric weights (WEIGHTS[t] =
 * WEIGHTS[9 - t], as the B-spline's): the mirrored rows are added first, so 5 weights stay live.
 */
function sum10(dst: usize, w: i32): void {
  const w0 = v128.load(WEIGHTS, 0);
  const w1 = v128.load(WEIGHTS, 16);
  const w2 = v128.load(WEIGHTS, 32);
  const w3 = v128.load(WEIGHTS, 48);
  const w4 = v128.load(WEIGHTS, 64);
  const r0 = rowAt(0);
  const r1 = rowAt(1);
  const r2 = rowAt(2);
  const r3 = rowAt(3);
  const r4 = rowAt(4);
  const r5 = rowAt(5);
  const r6 = rowAt(6);
  const r7 = rowAt(7);
  const r8 = rowAt(8);
  const r9 = rowAt(9);
  const wb = (<usize>(w & ~3)) << 2;
  for (let o: usize = 0; o < wb; o += 16) {
    const a = f32x4.add(
      f32x4.mul(w0, f32x4.add(v128.load(r0 + o), v128.load(r9 + o))),
      f32x4.mul(w1, f32x4.add(v128.load(r1 + o), v128.load(r8 + o))),
    );
    const b = f32x4.add(
      f32x4.mul(w2, f32x4.add(v128.load(r2 + o), v128.load(r7 + o))),
      f32x4.mul(w3, f32x4.add(v128.load(r3 + o), v128.load(r6 + o))),
    );
    const c = f32x4.mul(w4, f32x4.add(v128.load(r4 + o), v128.load(r5 + o)));
    v128.store(dst + o, f32x4.add(f32x4.add(a, b), c));
  }
  for (let o = wb; o < (<usize>w) << 2; o += 4) {
    let s: f32 = 0;
    for (let t = 0; t < 5; t++) {
      s += load<f32>(WEIGHTS + ((<usize>t) << 4)) * (load<f32>(rowAt(t) + o) + load<f32>(rowAt(9 - t) + o));
    }
    store<f32>(dst + o, s);
  }
}

/**
 * Coarse rows j = 0 .. h/k - 1 of the prefiltered noise: sum over t < 3k - 2 of taps[t] (symmetric) times noise
 * row reflect(k j - k + 1 + t), the noise drawn 4 rows at a time from `states` into a ring of
 * NOISE_RING_ROWS rows at `ring` (the same row-major stream as the full-rate field). k is 2 or 4
 * and divides h, and h >= 2k.
 */
export function prefilterNoise(
  states: usize,
  ring: usize,
  coarse: usize,
  w: i32,
  h: i32,
  k: i32,
  taps: usize,
): void {
  const rowBytes = (<usize>w) << 2;
  const n = 3 * k - 2;
  splatWeights(taps, n);
  let drawn = 0; // noise rows drawn so far, whole blocks of 4
  const hc = h / k;
  for (let j = 0; j < hc; j++) {
    const last = k * j + 2 * k - 2 < h - 1 ? k * j + 2 * k - 2 : h - 1;
    while (drawn <= last) {
      const lanes = h - drawn < 4 ? h - drawn : 4;
      noise4(states, ring + <usize>(drawn & (NOISE_RING_ROWS - 1)) * rowBytes, w * lanes);
      drawn += 4;
    }
    for (let t = 0; t < n; t++) {
      const r = reflectIndex(k * j - k + 1 + t, h);
      store<usize>(ROWS + ((<usize>t) << 2), ring + <usize>(r & (NOISE_RING_ROWS - 1)) * rowBytes);
    }
    const dst = coarse + <usize>j * rowBytes;
    if (k == 4) sum10(dst, w);
    else sum4(dst, w);
  }
}

/**
 * Fine rows y = 0 .. h - 1 from the coarse rows (hc = h / k of them): fine row y = k m + r sits at
 * coarse position u = m + (r - (k - 1) / 2) / k; the 4 nodes are floor(u) - 1 .. floor(u) + 2,
 * reflected into [0, hc), and their weights for phase r are weights[4 r .. 4 r + 3].
 */
export function interpolateRows(coarse: usize, dst: usize, w: i32, h: i32, k: i32, weights: usize): void {
  const rowBytes = (<usize>w) << 2;
  const hc = h / k;
  for (let r = 0; r < k; r++) {
    splatWeights(weights + ((<usize>r) << 4), 4);
    const below = 2 * r < k - 1 ? 1 : 0; // u < m: the base node is m - 1
    for (let y = r; y < h; y += k) {
      const j0 = y / k - below;
      for (let t = 0; t < 4; t++) {
        store<usize>(ROWS + ((<usize>t) << 2), coarse + <usize>reflectIndex(j0 - 1 + t, hc) * rowBytes);
      }
      sum4(dst + <usize>y * rowBytes, w);
    }
  }
}
