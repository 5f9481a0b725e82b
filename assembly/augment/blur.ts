// Separable Gaussian blur: Deriche's 4th-order recursive approximation, exact
// half-sample-symmetric ('reflect') borders, cost O(1) per sample whatever sigma.
// The filter runs as two 2nd-order sections in parallel (one per conjugate pole pair), causal
// and anticausal: in f32 the 4th-order direct form loses too much precision for large sigma.
// Coefficients come from JS (src/augment/deriche.ts) as 16 floats, for sections k = 1, 2:
//   [b10 b11 c11 c12 | b20 b21 c21 c22 | a11 a12 a21 a22 | g1 g2 0 0]
//   causal      p_k[n] = bk0 x[n] + bk1 x[n-1] - ak1 p_k[n-1] - ak2 p_k[n-2]
//   anticausal  q_k[n] = ck1 x[n+1] + ck2 x[n+2] - ak1 q_k[n+1] - ak2 q_k[n+2]
//   output      y = p_1 + p_2 + q_1 + q_2;   g_k = DC gain of p_k.
// Four lines are filtered at once, one per f32x4 lane.
//
// Borders, exact for the reflected signal (x[-1-m] = x[m], x[N+m] = x[N-1-m]), per section:
//   p_k[-1-m] = q_k[m] + bk0 x[m]          q_k[N+m] = p_k[N-1-m] - bk0 x[N-1-m].
// Pass A runs the causal sections from the steady state of a constant x[0] (a guess), pass B
// runs the anticausal sections from their exact right state (p_k at the right end has long
// forgotten pass A's guess), and pass C adds the homogeneous response to the error of the
// guess over the `settle` samples where it is not yet negligible.
// Lines shorter than max(settle, 4) are lengthened by the caller to a multiple of their length
// (the periodic continuation of the reflected line), which keeps the borders exact.
import { E_ARGS, E_MEMORY, inMemory, validSize, reflectIndex } from './util';
import { noise4 } from './xoshiro';

function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * Coefficient tables of the two passes, one f32x4 splat per coefficient in the `co` layout (the
 * a's negated), written once per blur: V8 keeps a loaded v128 in a register (or reloads it from
 * the stack), where it would rebuild a splat in every loop iteration.
 */
const SPLAT_H: usize = memory.data(256, 16);
const SPLAT_V: usize = memory.data(256, 16);

/** Fills a splat table from 16 coefficients (see the file header). */
function splatCoefficients(co: usize, table: usize): void {
  for (let k: usize = 0; k < 16; k++) {
    const c = load<f32>(co + (k << 2));
    v128.store(table + (k << 4), f32x4.splat(k >= 8 && k < 12 ? -c : c));
  }
}

/**
 * Filters `n` f32x4 samples from `xp` (stride bytes apart) into `yp`; requires n >= 4. `cs` is a
 * splat table. The loops run two samples per iteration, the second with the roles of the two
 * state registers swapped, so no state is copied between iterations.
 */
function filterLine4(xp: usize, yp: usize, stride: usize, n: i32, cs: usize, settle: i32): void {
  const a11 = v128.load(cs, 128);
  const a12 = v128.load(cs, 144);
  const a21 = v128.load(cs, 160);
  const a22 = v128.load(cs, 176);
  const b10 = v128.load(cs, 0);
  const b20 = v128.load(cs, 64);

  // Pass A: causal sections from the steady state of constant x[0]; y = p_1 + p_2.
  // pN is section k's newest state, pO the one before.
  const x0 = v128.load(xp);
  let p1N = f32x4.mul(x0, v128.load(cs, 192));
  let p1O = p1N;
  let p2N = f32x4.mul(x0, v128.load(cs, 208));
  let p2O = p2N;
  {
    const b11 = v128.load(cs, 16);
    const b21 = v128.load(cs, 80);
    let xm = x0; // x[-1] = x[0]
    let px = xp;
    let py = yp;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const x = v128.load(px);
      p1O = madd(madd(madd(f32x4.mul(b10, x), b11, xm), a12, p1O), a11, p1N);
      p2O = madd(madd(madd(f32x4.mul(b20, x), b21, xm), a22, p2O), a21, p2N);
      v128.store(py, f32x4.add(p1O, p2O));
      const x2 = v128.load(px + stride);
      p1N = madd(madd(madd(f32x4.mul(b10, x2), b11, x), a12, p1N), a11, p1O);
      p2N = madd(madd(madd(f32x4.mul(b20, x2), b21, x), a22, p2N), a21, p2O);
      v128.store(py + stride, f32x4.add(p1N, p2N));
      xm = x2;
      px += stride << 1;
      py += stride << 1;
    }
    if (i < n) {
      const x = v128.load(px);
      const p1 = madd(madd(madd(f32x4.mul(b10, x), b11, xm), a12, p1O), a11, p1N);
      const p2 = madd(madd(madd(f32x4.mul(b20, x), b21, xm), a22, p2O), a21, p2N);
      v128.store(py, f32x4.add(p1, p2));
      p1O = p1N;
      p1N = p1;
      p2O = p2N;
      p2N = p2;
    }
  }

  // Pass B: anticausal sections from the exact right state, accumulated into y; qN = q_k[i+1],
  // qO = q_k[i+2] when sample i is computed.
  const last = <usize>(n - 1) * stride;
  let xp1 = v128.load(xp + last); // x[N] = x[N-1]
  let xp2 = v128.load(xp + last - stride); // x[N+1] = x[N-2]
  let q1N = f32x4.sub(p1N, f32x4.mul(b10, xp1));
  let q1O = f32x4.sub(p1O, f32x4.mul(b10, xp2));
  let q2N = f32x4.sub(p2N, f32x4.mul(b20, xp1));
  let q2O = f32x4.sub(p2O, f32x4.mul(b20, xp2));
  {
    const c11 = v128.load(cs, 32);
    const c12 = v128.load(cs, 48);
    const c21 = v128.load(cs, 96);
    const c22 = v128.load(cs, 112);
    let px = xp + last;
    let py = yp + last;
    let i = n - 1;
    for (; i >= 1; i -= 2) {
      q1O = madd(madd(madd(f32x4.mul(c11, xp1), c12, xp2), a12, q1O), a11, q1N);
      q2O = madd(madd(madd(f32x4.mul(c21, xp1), c22, xp2), a22, q2O), a21, q2N);
      v128.store(py, f32x4.add(v128.load(py), f32x4.add(q1O, q2O)));
      xp2 = v128.load(px);
      q1N = madd(madd(madd(f32x4.mul(c11, xp2), c12, xp1), a12, q1N), a11, q1O);
      q2N = madd(madd(madd(f32x4.mul(c21, xp2), c22, xp1), a22, q2N), a21, q2O);
      v128.store(py - stride, f32x4.add(v128.load(py - stride), f32x4.add(q1N, q2N)));
      xp1 = v128.load(px - stride);
      px -= stride << 1;
      py -= stride << 1;
    }
    if (i == 0) {
      const q1 = madd(madd(madd(f32x4.mul(c11, xp1), c12, xp2), a12, q1O), a11, q1N);
      const q2 = madd(madd(madd(f32x4.mul(c21, xp1), c22, xp2), a22, q2O), a21, q2N);
      v128.store(py, f32x4.add(v128.load(py), f32x4.add(q1, q2)));
      q1O = q1N;
      q1N = q1;
      q2O = q2N;
      q2N = q2;
    }
  }
  // Now q_kN = q_k[0], q_kO = q_k[1].

  // Pass C: homogeneous correction of pass A's start-state error.
  const x1 = v128.load(xp + stride);
  const ss1 = f32x4.mul(x0, v128.load(cs, 192));
  const ss2 = f32x4.mul(x0, v128.load(cs, 208));
  let d1N = f32x4.sub(f32x4.add(q1N, f32x4.mul(b10, x0)), ss1);
  let d1O = f32x4.sub(f32x4.add(q1O, f32x4.mul(b10, x1)), ss1);
  let d2N = f32x4.sub(f32x4.add(q2N, f32x4.mul(b20, x0)), ss2);
  let d2O = f32x4.sub(f32x4.add(q2O, f32x4.mul(b20, x1)), ss2);
  const m = settle < n ? settle : n;
  let py = yp;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    d1O = madd(f32x4.mul(a12, d1O), a11, d1N);
    d2O = madd(f32x4.mul(a22, d2O), a21, d2N);
    v128.store(py, f32x4.add(v128.load(py), f32x4.add(d1O, d2O)));
    d1N = madd(f32x4.mul(a12, d1N), a11, d1O);
    d2N = madd(f32x4.mul(a22, d2N), a21, d2O);
    v128.store(py + stride, f32x4.add(v128.load(py + stride), f32x4.add(d1N, d2N)));
    py += stride << 1;
  }
  if (i < m) {
    const d1 = madd(f32x4.mul(a12, d1O), a11, d1N);
    const d2 = madd(f32x4.mul(a22, d2O), a21, d2N);
    v128.store(py, f32x4.add(v128.load(py), f32x4.add(d1, d2)));
  }
}

/** One row of the vertical pass (inlined; a decorated static method keeps prettier happy). */
abstract class RowPass {
  /** One f32x4 of `run` at byte offset o (see there). */
  @inline static one(
    xa: usize,
    xb: usize,
    yr: usize,
    s1older: usize,
    s1newer: usize,
    s2older: usize,
    s2newer: usize,
    k10: v128,
    k11: v128,
    k20: v128,
    k21: v128,
    a11: v128,
    a12: v128,
    a21: v128,
    a22: v128,
    accumulate: bool,
  ): void {
    const x0 = v128.load(xa);
    const x1 = v128.load(xb);
    const r1 = madd(
      madd(madd(f32x4.mul(k10, x0), k11, x1), a12, v128.load(s1older)),
      a11,
      v128.load(s1newer),
    );
    const r2 = madd(
      madd(madd(f32x4.mul(k20, x0), k21, x1), a22, v128.load(s2older)),
      a21,
      v128.load(s2newer),
    );
    v128.store(s1older, r1);
    v128.store(s2older, r2);
    const sum = f32x4.add(r1, r2);
    v128.store(yr, accumulate ? f32x4.add(v128.load(yr), sum) : sum);
  }

  /**
   * For every f32x4 of the row: r_k = k_k0 xa + k_k1 xb + a_k2 r_k[older] + a_k1 r_k[newer] (the a's
   * negated by the caller) for sections k = 1, 2, each stored over its older state; then y = r_1 + r_2,
   * or y += r_1 + r_2 with `accumulate`. Four f32x4 per iteration (fewer loop checks and address
   * sums: the other three use immediate offsets); wb is a multiple of 16.
   */
  @inline static run(
    xa: usize,
    xb: usize,
    yr: usize,
    wb: usize,
    s1older: usize,
    s1newer: usize,
    s2older: usize,
    s2newer: usize,
    k10: v128,
    k11: v128,
    k20: v128,
    k21: v128,
    a11: v128,
    a12: v128,
    a21: v128,
    a22: v128,
    accumulate: bool,
  ): void {
    let o: usize = 0;
    for (; o + 64 <= wb; o += 64) {
      RowPass.one(
        xa + o,
        xb + o,
        yr + o,
        s1older + o,
        s1newer + o,
        s2older + o,
        s2newer + o,
        k10,
        k11,
        k20,
        k21,
        a11,
        a12,
        a21,
        a22,
        accumulate,
      );
      RowPass.one(
        xa + o + 16,
        xb + o + 16,
        yr + o + 16,
        s1older + o + 16,
        s1newer + o + 16,
        s2older + o + 16,
        s2newer + o + 16,
        k10,
        k11,
        k20,
        k21,
        a11,
        a12,
        a21,
        a22,
        accumulate,
      );
      RowPass.one(
        xa + o + 32,
        xb + o + 32,
        yr + o + 32,
        s1older + o + 32,
        s1newer + o + 32,
        s2older + o + 32,
        s2newer + o + 32,
        k10,
        k11,
        k20,
        k21,
        a11,
        a12,
        a21,
        a22,
        accumulate,
      );
      RowPass.one(
        xa + o + 48,
        xb + o + 48,
        yr + o + 48,
        s1older + o + 48,
        s1newer + o + 48,
        s2older + o + 48,
        s2newer + o + 48,
        k10,
        k11,
        k20,
        k21,
        a11,
        a12,
        a21,
        a22,
        accumulate,
      );
    }
    for (; o < wb; o += 16) {
      RowPass.one(
        xa + o,
        xb + o,
        yr + o,
        s1older + o,
        s1newer + o,
        s2older + o,
        s2newer + o,
        k10,
        k11,
        k20,
        k21,
        a11,
        a12,
        a21,
        a22,
        accumulate,
      );
    }
  }
}

/**
 * The vertical pass over columns 0..w4-1 (w4 a multiple of 4), row by row: each f32x4 is 4
 * adjacent columns and the recursions' states live in `ring` (4 rows of w4 floats: p_1 and p_2
 * at rows n-1 and n-2, reused for q and for pass C's correction). Streaming whole rows keeps
 * every access sequential; walking one column block down a power-of-two row stride instead maps
 * all its rows onto a few cache sets. The same arithmetic as filterLine4, per column.
 * Requires n >= max(settle, 4) (no lengthening).
 */
function filterColumns(
  xp: usize,
  yp: usize,
  rowBytes: usize,
  w4: i32,
  n: i32,
  cs: usize,
  settle: i32,
  ring: usize,
): void {
  const b10 = v128.load(cs, 0);
  const b11 = v128.load(cs, 16);
  const c11 = v128.load(cs, 32);
  const c12 = v128.load(cs, 48);
  const b20 = v128.load(cs, 64);
  const b21 = v128.load(cs, 80);
  const c21 = v128.load(cs, 96);
  const c22 = v128.load(cs, 112);
  const a11 = v128.load(cs, 128);
  const a12 = v128.load(cs, 144);
  const a21 = v128.load(cs, 160);
  const a22 = v128.load(cs, 176);
  const g1 = v128.load(cs, 192);
  const g2 = v128.load(cs, 208);
  const wb = (<usize>w4) << 2;
  // Ring rows: section k's state of row parity j at ring + (2k + j) * wb.
  const r10 = ring;
  const r11 = ring + wb;
  const r20 = ring + 2 * wb;
  const r21 = ring + 3 * wb;

  // Pass A. p_k[-1] = p_k[-2] = g_k x[0] (steady state of a constant x[0]).
  for (let o: usize = 0; o < wb; o += 16) {
    const x0 = v128.load(xp + o);
    const s1 = f32x4.mul(x0, g1);
    const s2 = f32x4.mul(x0, g2);
    v128.store(r10 + o, s1);
    v128.store(r11 + o, s1);
    v128.store(r20 + o, s2);
    v128.store(r21 + o, s2);
  }
  for (let i = 0; i < n; i++) {
    const xr = xp + <usize>i * rowBytes;
    const xm = i > 0 ? xr - rowBytes : xr; // x[-1] = x[0]
    const yr = yp + <usize>i * rowBytes;
    const odd = (i & 1) != 0;
    const p1new = odd ? r11 : r10; // holds p_1[i-2], receives p_1[i]
    const p1old = odd ? r10 : r11; // p_1[i-1]
    const p2new = odd ? r21 : r20;
    const p2old = odd ? r20 : r21;
    RowPass.run(xr, xm, yr, wb, p1new, p1old, p2new, p2old, b10, b11, b20, b21, a11, a12, a21, a22, false);
  }

  // Pass B from the exact right state: q_k[N] = p_k[N-1] - bk0 x[N-1], q_k[N+1] = p_k[N-2] - bk0 x[N-2];
  // q_k[m] goes to the slot of parity m, so the two rows swap slots.
  {
    const last = xp + <usize>(n - 1) * rowBytes;
    const nOdd = (n & 1) != 0;
    const sN1 = nOdd ? r11 : r10; // parity of N: receives q_1[N]; holds p_1[N-2]
    const sN11 = nOdd ? r10 : r11; // parity of N+1 = N-1: holds p_1[N-1]
    const sN2 = nOdd ? r21 : r20;
    const sN21 = nOdd ? r20 : r21;
    for (let o: usize = 0; o < wb; o += 16) {
      const xa = v128.load(last + o);
      const xb = v128.load(last - rowBytes + o);
      const pa1 = v128.load(sN11 + o);
      const pb1 = v128.load(sN1 + o);
      const pa2 = v128.load(sN21 + o);
      const pb2 = v128.load(sN2 + o);
      v128.store(sN1 + o, f32x4.sub(pa1, f32x4.mul(b10, xa)));
      v128.store(sN11 + o, f32x4.sub(pb1, f32x4.mul(b10, xb)));
      v128.store(sN2 + o, f32x4.sub(pa2, f32x4.mul(b20, xa)));
      v128.store(sN21 + o, f32x4.sub(pb2, f32x4.mul(b20, xb)));
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    // x[N] = x[N-1], x[N+1] = x[N-2]
    const j1 = i + 1 < n ? i + 1 : 2 * n - 1 - (i + 1);
    const j2 = i + 2 < n ? i + 2 : 2 * n - 1 - (i + 2);
    const x1r = xp + <usize>j1 * rowBytes;
    const x2r = xp + <usize>j2 * rowBytes;
    const yr = yp + <usize>i * rowBytes;
    const odd = (i & 1) != 0;
    const q1new = odd ? r11 : r10; // holds q_1[i+2], receives q_1[i]
    const q1old = odd ? r10 : r11; // q_1[i+1]
    const q2new = odd ? r21 : r20;
    const q2old = odd ? r20 : r21;
    RowPass.run(x1r, x2r, yr, wb, q1new, q1old, q2new, q2old, c11, c12, c21, c22, a11, a12, a21, a22, true);
  }

  // Pass C: d_k[-1] = q_k[0] + bk0 x[0] - g_k x[0] and d_k[-2] = q_k[1] + bk0 x[1] - g_k x[0];
  // q_k[0] sits in slot 0 and d_k[-1] belongs in slot 1, so the rows swap again.
  const m = settle < n ? settle : n;
  if (m == 0) return;
  for (let o: usize = 0; o < wb; o += 16) {
    const x0 = v128.load(xp + o);
    const x1 = v128.load(xp + rowBytes + o);
    const s1 = f32x4.mul(x0, g1);
    const s2 = f32x4.mul(x0, g2);
    const q10 = v128.load(r10 + o);
    const q11 = v128.load(r11 + o);
    const q20 = v128.load(r20 + o);
    const q21 = v128.load(r21 + o);
    v128.store(r11 + o, f32x4.sub(f32x4.add(q10, f32x4.mul(b10, x0)), s1));
    v128.store(r10 + o, f32x4.sub(f32x4.add(q11, f32x4.mul(b10, x1)), s1));
    v128.store(r21 + o, f32x4.sub(f32x4.add(q20, f32x4.mul(b20, x0)), s2));
    v128.store(r20 + o, f32x4.sub(f32x4.add(q21, f32x4.mul(b20, x1)), s2));
  }
  for (let i = 0; i < m; i++) {
    const yr = yp + <usize>i * rowBytes;
    const odd = (i & 1) != 0;
    const d1new = odd ? r11 : r10;
    const d1old = odd ? r10 : r11;
    const d2new = odd ? r21 : r20;
    const d2old = odd ? r20 : r21;
    for (let o: usize = 0; o < wb; o += 16) {
      const d1 = madd(f32x4.mul(a12, v128.load(d1new + o)), a11, v128.load(d1old + o));
      const d2 = madd(f32x4.mul(a22, v128.load(d2new + o)), a21, v128.load(d2old + o));
      v128.store(d1new + o, d1);
      v128.store(d2new + o, d2);
      v128.store(yr + o, f32x4.add(v128.load(yr + o), f32x4.add(d1, d2)));
    }
  }
}

/**
 * Copies 4 lines (lane r starts at p_r, elements `step` bytes apart, length n) into `buf`
 * interleaved, lengthened to m samples by reflection.
 */
function gather4(buf: usize, p0: usize, p1: usize, p2: usize, p3: usize, step: usize, n: i32, m: i32): void {
  for (let i = 0; i < m; i++) {
    const j = <usize>(i < n ? i : reflectIndex(i, n)) * step;
    const q = buf + ((<usize>i) << 4);
    store<f32>(q, load<f32>(p0 + j));
    store<f32>(q, load<f32>(p1 + j), 4);
    store<f32>(q, load<f32>(p2 + j), 8);
    store<f32>(q, load<f32>(p3 + j), 12);
  }
}

/** Writes the first n samples of `lanes` lanes of the interleaved `buf` back to their lines. */
function scatter4(
  buf: usize,
  p0: usize,
  p1: usize,
  p2: usize,
  p3: usize,
  step: usize,
  n: i32,
  lanes: i32,
): void {
  for (let i = 0; i < n; i++) {
    const j = <usize>i * step;
    const q = buf + ((<usize>i) << 4);
    store<f32>(p0 + j, load<f32>(q));
    if (lanes > 1) store<f32>(p1 + j, load<f32>(q, 4));
    if (lanes > 2) store<f32>(p2 + j, load<f32>(q, 8));
    if (lanes > 3) store<f32>(p3 + j, load<f32>(q, 12));
  }
}

/** Fast gather for 4 full rows of a width divisible by 4: 4x4 transposes in registers. */
function gatherRows4(buf: usize, r0: usize, r1: usize, r2: usize, r3: usize, step: usize, w: i32): void {
  for (let x = 0; x < w; x += 4) {
    const o = (<usize>x) << 2;
    const a = v128.load(r0 + o);
    const b = v128.load(r1 + o);
    const c = v128.load(r2 + o);
    const d = v128.load(r3 + o);
    const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
    const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
    const cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
    const cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
    const q = buf + <usize>x * step;
    v128.store(q, v128.shuffle<f64>(ab0, cd0, 0, 2));
    v128.store(q + step, v128.shuffle<f64>(ab0, cd0, 1, 3));
    v128.store(q + 2 * step, v128.shuffle<f64>(ab1, cd1, 0, 2));
    v128.store(q + 3 * step, v128.shuffle<f64>(ab1, cd1, 1, 3));
  }
}

/** Inverse of gatherRows4. */
function scatterRows4(buf: usize, r0: usize, r1: usize, r2: usize, r3: usize, step: usize, w: i32): void {
  for (let x = 0; x < w; x += 4) {
    const q = buf + <usize>x * step;
    const a = v128.load(q);
    const b = v128.load(q + step);
    const c = v128.load(q + 2 * step);
    const d = v128.load(q + 3 * step);
    const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
    const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
    const cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
    const cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
    const o = (<usize>x) << 2;
    v128.store(r0 + o, v128.shuffle<f64>(ab0, cd0, 0, 2));
    v128.store(r1 + o, v128.shuffle<f64>(ab0, cd0, 1, 3));
    v128.store(r2 + o, v128.shuffle<f64>(ab1, cd1, 0, 2));
    v128.store(r3 + o, v128.shuffle<f64>(ab1, cd1, 1, 3));
  }
}

/** Line length after lengthening: n itself, or the smallest multiple of n >= max(settle, 4). */
export function paddedLength(n: i32, settle: i32): i32 {
  const need = settle > 4 ? settle : 4;
  if (n >= need) return n;
  return n * ((need + n - 1) / n);
}

/**
 * Scratch bytes gaussianBlur needs for a w x h image: two interleaved line buffers of 4 lanes,
 * plus 4 rows for the noise source of elastic fields (reused by the vertical pass for its states).
 */
export function augBlurScratchBytes(w: i32, h: i32, settle: i32): i32 {
  if (!validSize(w, h) || settle < 0 || settle > 1 << 20) return E_ARGS;
  return (longestLine(w, h, settle) << 5) + (w << 4);
}

/**
 * Scratch layout of the passes below: two interleaved line buffers of m samples (m = the longest
 * lengthened line of the blur), then the rows area (the vertical pass's ring of 4 rows, or noise).
 */
function rowsArea(scratch: usize, m: i32): usize {
  return scratch + ((<usize>m) << 5);
}

/**
 * Horizontal pass of the blur, src -> tmp (tmp may equal src: each block of 4 rows is read whole
 * before it is written). With noiseStates != 0 the source is not read: its rows are drawn block
 * by block from the 4-lane noise generators at noiseStates (row-major order, as noise4 would fill
 * the image) into the rows area, so the noise never travels through memory. m: see rowsArea.
 */
export function horizontalPass(
  src: usize,
  tmp: usize,
  scratch: usize,
  w: i32,
  h: i32,
  coH: usize,
  settle: i32,
  noiseStates: usize,
  m: i32,
): void {
  const rowBytes = (<usize>w) << 2;
  const bufA = scratch;
  const bufB = scratch + ((<usize>m) << 4);
  const rows = rowsArea(scratch, m);
  const mw = paddedLength(w, settle);
  splatCoefficients(coH, SPLAT_H);
  // Blocks of 4 rows, interleaved into the scratch line by 4x4 transposes; lanes of a short last
  // block repeat its first row and are not written back. (Blocks of 8 rows, two f32x4 per
  // sample, ran slower: V8 spills their 20-odd live vectors.)
  const fastRows = mw == w && (w & 3) == 0;
  for (let y = 0; y < h; y += 4) {
    const lanes = h - y < 4 ? h - y : 4;
    let base = src + <usize>y * rowBytes;
    if (noiseStates != 0) {
      noise4(noiseStates, rows, w * lanes);
      base = rows;
    }
    const r0 = base;
    const r1 = base + <usize>(lanes > 1 ? 1 : 0) * rowBytes;
    const r2 = base + <usize>(lanes > 2 ? 2 : 0) * rowBytes;
    const r3 = base + <usize>(lanes > 3 ? 3 : 0) * rowBytes;
    if (fastRows && lanes == 4) gatherRows4(bufA, r0, r1, r2, r3, 16, w);
    else gather4(bufA, r0, r1, r2, r3, 4, w, mw);
    filterLine4(bufA, bufB, 16, mw, SPLAT_H, settle);
    const t0 = tmp + <usize>y * rowBytes;
    if (fastRows && lanes == 4)
      scatterRows4(bufB, t0, t0 + rowBytes, t0 + 2 * rowBytes, t0 + 3 * rowBytes, 16, w);
    else scatter4(bufB, t0, t0 + rowBytes, t0 + 2 * rowBytes, t0 + 3 * rowBytes, 4, w, lanes);
  }
}

/**
 * Vertical pass of the blur, tmp -> dst (distinct): 4 adjacent columns per f32x4, row by row, no
 * transpose; columns past the last multiple of 4 (and columns shorter than the settle length)
 * go through the interleaved line buffers. m: see rowsArea.
 */
export function verticalPass(
  tmp: usize,
  dst: usize,
  scratch: usize,
  w: i32,
  h: i32,
  coV: usize,
  settle: i32,
  m: i32,
): void {
  const rowBytes = (<usize>w) << 2;
  const bufA = scratch;
  const bufB = scratch + ((<usize>m) << 4);
  const mh = paddedLength(h, settle);
  splatCoefficients(coV, SPLAT_V);
  let x = 0;
  if (mh == h && w >= 4) {
    x = w & ~3;
    filterColumns(tmp, dst, rowBytes, x, h, SPLAT_V, settle, rowsArea(scratch, m));
  }
  for (; x < w; x += 4) {
    const lanes = w - x < 4 ? w - x : 4;
    const c0 = (<usize>x) << 2;
    const c1 = (<usize>(lanes > 1 ? x + 1 : x)) << 2;
    const c2 = (<usize>(lanes > 2 ? x + 2 : x)) << 2;
    const c3 = (<usize>(lanes > 3 ? x + 3 : x)) << 2;
    gather4(bufA, tmp + c0, tmp + c1, tmp + c2, tmp + c3, rowBytes, h, mh);
    filterLine4(bufA, bufB, 16, mh, SPLAT_V, settle);
    scatter4(bufB, dst + c0, dst + c0 + 4, dst + c0 + 8, dst + c0 + 12, rowBytes, h, lanes);
  }
}

/** Longest lengthened line of a w x h blur (see rowsArea). */
export function longestLine(w: i32, h: i32, settle: i32): i32 {
  const mw = paddedLength(w, settle);
  const mh = paddedLength(h, settle);
  return mw > mh ? mw : mh;
}

/**
 * Blur src -> dst (dst may equal src) through tmp (w*h floats); coH and coV are the coefficients
 * of the horizontal and vertical passes (coV may carry an output scale). noiseStates: see
 * horizontalPass.
 */
export function blurImage(
  src: usize,
  dst: usize,
  tmp: usize,
  scratch: usize,
  w: i32,
  h: i32,
  coH: usize,
  coV: usize,
  settle: i32,
  noiseStates: usize,
): void {
  const m = longestLine(w, h, settle);
  horizontalPass(src, tmp, scratch, w, h, coH, settle, noiseStates, m);
  verticalPass(tmp, dst, scratch, w, h, coV, settle, m);
}

/** Validates the common blur arguments; 0 if fine. */
export function checkBlurArgs(
  src: usize,
  dst: usize,
  tmp: usize,
  scratch: usize,
  w: i32,
  h: i32,
  co: usize,
  settle: i32,
): i32 {
  if (!validSize(w, h) || settle < 0 || settle > 1 << 20) return E_ARGS;
  const bytes = <u64>w * <u64>h * 4;
  const sb = augBlurScratchBytes(w, h, settle);
  if (!inMemory(src, bytes) || !inMemory(dst, bytes) || !inMemory(tmp, bytes)) return E_MEMORY;
  if (!inMemory(scratch, <u64>sb) || !inMemory(co, 64)) return E_MEMORY;
  return 0;
}

/** gaussianBlur kernel: src (w*h f32) -> dst; tmp is w*h f32, scratch augBlurScratchBytes bytes. */
export function augGaussianBlurF32(
  src: usize,
  dst: usize,
  tmp: usize,
  scratch: usize,
  w: i32,
  h: i32,
  co: usize,
  settle: i32,
): i32 {
  const err = checkBlurArgs(src, dst, tmp, scratch, w, h, co, settle);
  if (err != 0) return err;
  blurImage(src, dst, tmp, scratch, w, h, co, co, settle, 0);
  return 0;
}
