// Shared constants and the Felzenszwalb–Huttenlocher lower envelope used by the EDT and the
// weight map. Distances are kept squared and integral, so every value they produce is exact.

/** Error codes returned (never thrown) by the weights kernels; src/kernels/weights.ts maps them. */
export const ERR_SIZE: i32 = -1;
export const ERR_OPTION: i32 = -2;
export const ERR_LABEL: i32 = -3;

/** Largest accepted side: keeps every squared distance (≤ 2·16383²) inside i32. */
export const MAX_SIDE: i32 = 16384;

/** "No feature pixel in this column": larger than any real column distance, and +1 cannot overflow. */
export const INF: i32 = 1 << 30;

/** True when width × height is a valid image for these kernels. */
export function validSize(w: i32, h: i32): bool {
  return w >= 1 && h >= 1 && w <= MAX_SIDE && h <= MAX_SIDE;
}

/**
 * Adds the parabolas (x - q)² + g[q]² for q in [qs, qe) with g[q] <= cutoff to the lower envelope
 * whose top index is k (-1 when empty), in increasing q; returns the new top index. Positions go to
 * v and h = g[q]² + q² to hv. Division-free: "the new parabola's crossing with the top one is left of
 * the top one's left end" is tested by cross-multiplying in i64 (products < 2^45), so it is exact.
 */
export function pushParabolas(g: usize, qs: i32, qe: i32, cutoff: i32, v: usize, hv: usize, k: i32): i32 {
  for (let q: i32 = qs; q < qe; q++) {
    const gq = load<i32>(g + ((<usize>q) << 2));
    if (gq > cutoff) continue;
    const hq = gq * gq + q * q;
    // Pop while crossing(q, v[k]) <= crossing(v[k], v[k-1]); crossing(a, b) = (h_a - h_b) / (2 (a - b)).
    while (k > 0) {
      const p = load<i32>(v + ((<usize>k) << 2));
      const hp = load<i32>(hv + ((<usize>k) << 2));
      const pp = load<i32>(v + ((<usize>(k - 1)) << 2));
      const hpp = load<i32>(hv + ((<usize>(k - 1)) << 2));
      if (<i64>(hq - hp) * <i64>(p - pp) > <i64>(hp - hpp) * <i64>(q - p)) break;
      k--;
    }
    k++;
    store<i32>(v + ((<usize>k) << 2), q);
    store<i32>(hv + ((<usize>k) << 2), hq);
  }
  return k;
}

/** Lower envelope of all parabolas of g[0..n) with g[q] <= cutoff; returns their number m. */
export function buildEnvelope(g: usize, n: i32, cutoff: i32, v: usize, hv: usize): i32 {
  return pushParabolas(g, 0, n, cutoff, v, hv, -1) + 1;
}

// The envelope value at x of parabola k, up to the common x² term: h - 2xp.
function level(k: i32, x: i32, v: usize, hv: usize): i32 {
  return load<i32>(hv + ((<usize>k) << 2)) - 2 * x * load<i32>(v + ((<usize>k) << 2));
}

/**
 * Index of the envelope parabola that is lowest at x, starting the search at k (x must not decrease
 * between calls). Consecutive envelope parabolas cross once, at strictly increasing breakpoints, so
 * stepping while the next one is at least as low is the same as comparing x with the breakpoints.
 */
export function advance(k: i32, m: i32, x: i32, v: usize, hv: usize): i32 {
  let cur = level(k, x, v, hv);
  while (k + 1 < m) {
    const nxt = level(k + 1, x, v, hv);
    if (nxt > cur) break;
    cur = nxt;
    k++;
  }
  return k;
}

/** Same result as advance, by binary search: for jumps over many parabolas. */
export function seek(k: i32, m: i32, x: i32, v: usize, hv: usize): i32 {
  let hi = m - 1;
  while (k < hi) {
    const mid = (k + hi) >>> 1;
    if (level(mid + 1, x, v, hv) > level(mid, x, v, hv)) hi = mid;
    else k = mid + 1;
  }
  return k;
}
