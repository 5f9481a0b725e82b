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

/** Filters `n` f32x4 samples from `xp` (stride bytes apart) into `yp`; requires n >= 4. */
function filterLine4(xp: usize, yp: usize, stride: usize, n: i32, co: usize, settle: i32): void {
  const b10 = f32x4.splat(load<f32>(co, 0));
  const b11 = f32x4.splat(load<f32>(co, 4));
  const c11 = f32x4.splat(load<f32>(co, 8));
  const c12 = f32x4.splat(load<f32>(co, 12));
  const b20 = f32x4.splat(load<f32>(co, 16));
  const b21 = f32x4.splat(load<f32>(co, 20));
  const c21 = f32x4.splat(load<f32>(co, 24));
  const c22 = f32x4.splat(load<f32>(co, 28));
  const a11 = f32x4.splat(-load<f32>(co, 32));
  const a12 = f32x4.splat(-load<f32>(co, 36));
  const a21 = f32x4.splat(-load<f32>(co, 40));
  const a22 = f32x4.splat(-load<f32>(co, 44));
  const x0v = v128.load(xp);
  const x1v = v128.load(xp + stride);
  const ss1 = f32x4.mul(x0v, f32x4.splat(load<f32>(co, 48)));
  const ss2 = f32x4.mul(x0v, f32x4.splat(load<f32>(co, 52)));

  // Pass A: causal sections from the steady state of constant x[0]; y = p_1 + p_2.
  let p11 = ss1;
  let p12 = ss1;
  let p21 = ss2;
  let p22 = ss2;
  let xm1 = x0v; // x[-1] = x[0]
  let px = xp;
  let py = yp;
  for (let i = 0; i < n; i++) {
    const x = v128.load(px);
    const p1 = madd(madd(madd(f32x4.mul(b10, x), b11, xm1), a12, p12), a11, p11);
    const p2 = madd(madd(madd(f32x4.mul(b20, x), b21, xm1), a22, p22), a21, p21);
    v128.store(py, f32x4.add(p1, p2));
    xm1 = x;
    p12 = p11;
    p11 = p1;
    p22 = p21;
    p21 = p2;
    px += stride;
    py += stride;
  }

  // Pass B: anticausal sections from the exact right state, accumulated into y.
  const last = <usize>(n - 1) * stride;
  let xp1 = v128.load(xp + last); // x[N] = x[N-1]
  let xp2 = v128.load(xp + last - stride); // x[N+1] = x[N-2]
  let q11 = f32x4.sub(p11, f32x4.mul(b10, xp1));
  let q12 = f32x4.sub(p12, f32x4.mul(b10, xp2));
  let q21 = f32x4.sub(p21, f32x4.mul(b20, xp1));
  let q22 = f32x4.sub(p22, f32x4.mul(b20, xp2));
  px = xp + last;
  py = yp + last;
  for (let i = n - 1; i >= 0; i--) {
    const q1 = madd(madd(madd(f32x4.mul(c11, xp1), c12, xp2), a12, q12), a11, q11);
    const q2 = madd(madd(madd(f32x4.mul(c21, xp1), c22, xp2), a22, q22), a21, q21);
    v128.store(py, f32x4.add(v128.load(py), f32x4.add(q1, q2)));
    xp2 = xp1;
    xp1 = v128.load(px);
    q12 = q11;
    q11 = q1;
    q22 = q21;
    q21 = q2;
    px -= stride;
    py -= stride;
  }
  // Now q_k1 = q_k[0], q_k2 = q_k[1].

  // Pass C: homogeneous correction of pass A's start-state error.
  let d11 = f32x4.sub(f32x4.add(q11, f32x4.mul(b10, x0v)), ss1);
  let d12 = f32x4.sub(f32x4.add(q12, f32x4.mul(b10, x1v)), ss1);
  let d21 = f32x4.sub(f32x4.add(q21, f32x4.mul(b20, x0v)), ss2);
  let d22 = f32x4.sub(f32x4.add(q22, f32x4.mul(b20, x1v)), ss2);
  const m = settle < n ? settle : n;
  py = yp;
  for (let i = 0; i < m; i++) {
    const d1 = madd(f32x4.mul(a12, d12), a11, d11);
    const d2 = madd(f32x4.mul(a22, d22), a21, d21);
    v128.store(py, f32x4.add(v128.load(py), f32x4.add(d1, d2)));
    d12 = d11;
    d11 = d1;
    d22 = d21;
    d21 = d2;
    py += stride;
  }
}

/** As filterLine4 for 8 lanes: a sample is two f32x4 (bytes 0..15 and 16..31), two chains each. */
function filterLine8(xp: usize, yp: usize, stride: usize, n: i32, co: usize, settle: i32): void {
  const b10 = f32x4.splat(load<f32>(co, 0));
  const b11 = f32x4.splat(load<f32>(co, 4));
  const c11 = f32x4.splat(load<f32>(co, 8));
  const c12 = f32x4.splat(load<f32>(co, 12));
  const b20 = f32x4.splat(load<f32>(co, 16));
  const b21 = f32x4.splat(load<f32>(co, 20));
  const c21 = f32x4.splat(load<f32>(co, 24));
  const c22 = f32x4.splat(load<f32>(co, 28));
  const a11 = f32x4.splat(-load<f32>(co, 32));
  const a12 = f32x4.splat(-load<f32>(co, 36));
  const a21 = f32x4.splat(-load<f32>(co, 40));
  const a22 = f32x4.splat(-load<f32>(co, 44));
  const g1 = f32x4.splat(load<f32>(co, 48));
  const g2 = f32x4.splat(load<f32>(co, 52));
  const x0a = v128.load(xp);
  const x0b = v128.load(xp, 16);
  const x1a = v128.load(xp + stride);
  const x1b = v128.load(xp + stride, 16);
  const s1a = f32x4.mul(x0a, g1);
  const s1b = f32x4.mul(x0b, g1);
  const s2a = f32x4.mul(x0a, g2);
  const s2b = f32x4.mul(x0b, g2);

  // Pass A.
  let p11a = s1a,
    p12a = s1a,
    p21a = s2a,
    p22a = s2a,
    xm1a = x0a;
  let p11b = s1b,
    p12b = s1b,
    p21b = s2b,
    p22b = s2b,
    xm1b = x0b;
  let px = xp;
  let py = yp;
  for (let i = 0; i < n; i++) {
    const xa = v128.load(px);
    const xb = v128.load(px, 16);
    const p1a = madd(madd(madd(f32x4.mul(b10, xa), b11, xm1a), a12, p12a), a11, p11a);
    const p2a = madd(madd(madd(f32x4.mul(b20, xa), b21, xm1a), a22, p22a), a21, p21a);
    const p1b = madd(madd(madd(f32x4.mul(b10, xb), b11, xm1b), a12, p12b), a11, p11b);
    const p2b = madd(madd(madd(f32x4.mul(b20, xb), b21, xm1b), a22, p22b), a21, p21b);
    v128.store(py, f32x4.add(p1a, p2a));
    v128.store(py, f32x4.add(p1b, p2b), 16);
    xm1a = xa;
    xm1b = xb;
    p12a = p11a;
    p11a = p1a;
    p22a = p21a;
    p21a = p2a;
    p12b = p11b;
    p11b = p1b;
    p22b = p21b;
    p21b = p2b;
    px += stride;
    py += stride;
  }

  // Pass B.
  const last = <usize>(n - 1) * stride;
  let xp1a = v128.load(xp + last);
  let xp1b = v128.load(xp + last, 16);
  let xp2a = v128.load(xp + last - stride);
  let xp2b = v128.load(xp + last - stride, 16);
  let q11a = f32x4.sub(p11a, f32x4.mul(b10, xp1a));
  let q12a = f32x4.sub(p12a, f32x4.mul(b10, xp2a));
  let q21a = f32x4.sub(p21a, f32x4.mul(b20, xp1a));
  let q22a = f32x4.sub(p22a, f32x4.mul(b20, xp2a));
  let q11b = f32x4.sub(p11b, f32x4.mul(b10, xp1b));
  let q12b = f32x4.sub(p12b, f32x4.mul(b10, xp2b));
  let q21b = f32x4.sub(p21b, f32x4.mul(b20, xp1b));
  let q22b = f32x4.sub(p22b, f32x4.mul(b20, xp2b));
  px = xp + last;
  py = yp + last;
  for (let i = n - 1; i >= 0; i--) {
    const q1a = madd(madd(madd(f32x4.mul(c11, xp1a), c12, xp2a), a12, q12a), a11, q11a);
    const q2a = madd(madd(madd(f32x4.mul(c21, xp1a), c22, xp2a), a22, q22a), a21, q21a);
    const q1b = madd(madd(madd(f32x4.mul(c11, xp1b), c12, xp2b), a12, q12b), a11, q11b);
    const q2b = madd(madd(madd(f32x4.mul(c21, xp1b), c22, xp2b), a22, q22b), a21, q21b);
    v128.store(py, f32x4.add(v128.load(py), f32x4.add(q1a, q2a)));
    v128.store(py, f32x4.add(v128.load(py, 16), f32x4.add(q1b, q2b)), 16);
    xp2a = xp1a;
    xp2b = xp1b;
    xp1a = v128.load(px);
    xp1b = v128.load(px, 16);
    q12a = q11a;
    q11a = q1a;
    q22a = q21a;
    q21a = q2a;
    q12b = q11b;
    q11b = q1b;
    q22b = q21b;
    q21b = q2b;
    px -= stride;
    py -= stride;
  }

  // Pass C.
  let d11a = f32x4.sub(f32x4.add(q11a, f32x4.mul(b10, x0a)), s1a);
  let d12a = f32x4.sub(f32x4.add(q12a, f32x4.mul(b10, x1a)), s1a);
  let d21a = f32x4.sub(f32x4.add(q21a, f32x4.mul(b20, x0a)), s2a);
  let d22a = f32x4.sub(f32x4.add(q22a, f32x4.mul(b20, x1a)), s2a);
  let d11b = f32x4.sub(f32x4.add(q11b, f32x4.mul(b10, x0b)), s1b);
  let d12b = f32x4.sub(f32x4.add(q12b, f32x4.mul(b10, x1b)), s1b);
  let d21b = f32x4.sub(f32x4.add(q21b, f32x4.mul(b20, x0b)), s2b);
  let d22b = f32x4.sub(f32x4.add(q22b, f32x4.mul(b20, x1b)), s2b);
  const m = settle < n ? settle : n;
  py = yp;
  for (let i = 0; i < m; i++) {
    const d1a = madd(f32x4.mul(a12, d12a), a11, d11a);
    const d2a = madd(f32x4.mul(a22, d22a), a21, d21a);
    const d1b = madd(f32x4.mul(a12, d12b), a11, d11b);
    const d2b = madd(f32x4.mul(a22, d22b), a21, d21b);
    v128.store(py, f32x4.add(v128.load(py), f32x4.add(d1a, d2a)));
    v128.store(py, f32x4.add(v128.load(py, 16), f32x4.add(d1b, d2b)), 16);
    d12a = d11a;
    d11a = d1a;
    d22a = d21a;
    d21a = d2a;
    d12b = d11b;
    d11b = d1b;
    d22b = d21b;
    d21b = d2b;
    py += stride;
  }
}

/** One row of the vertical pass (inlined; a decorated static method keeps prettier happy). */
abstract class RowPass {
  /**
   * For every f32x4 of the row: r_k = k_k0 xa + k_k1 xb + a_k2 r_k[older] + a_k1 r_k[newer] (the a's
   * negated by the caller) for sections k = 1, 2, each stored over its older state; then y = r_1 + r_2,
   * or y += r_1 + r_2 with `accumulate`.
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
    for (let o: usize = 0; o < wb; o += 16) {
      const x0 = v128.load(xa + o);
      const x1 = v128.load(xb + o);
      const r1 = madd(
        madd(madd(f32x4.mul(k10, x0), k11, x1), a12, v128.load(s1older + o)),
        a11,
        v128.load(s1newer + o),
      );
      const r2 = madd(
        madd(madd(f32x4.mul(k20, x0), k21, x1), a22, v128.load(s2older + o)),
        a21,
        v128.load(s2newer + o),
      );
      v128.store(s1older + o, r1);
      v128.store(s2older + o, r2);
      const sum = f32x4.add(r1, r2);
      v128.store(yr + o, accumulate ? f32x4.add(v128.load(yr + o), sum) : sum);
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
  co: usize,
  settle: i32,
  ring: usize,
): void {
  const b10 = f32x4.splat(load<f32>(co, 0));
  const b11 = f32x4.splat(load<f32>(co, 4));
  const c11 = f32x4.splat(load<f32>(co, 8));
  const c12 = f32x4.splat(load<f32>(co, 12));
  const b20 = f32x4.splat(load<f32>(co, 16));
  const b21 = f32x4.splat(load<f32>(co, 20));
  const c21 = f32x4.splat(load<f32>(co, 24));
  const c22 = f32x4.splat(load<f32>(co, 28));
  const a11 = f32x4.splat(-load<f32>(co, 32));
  const a12 = f32x4.splat(-load<f32>(co, 36));
  const a21 = f32x4.splat(-load<f32>(co, 40));
  const a22 = f32x4.splat(-load<f32>(co, 44));
  const g1 = f32x4.splat(load<f32>(co, 48));
  const g2 = f32x4.splat(load<f32>(co, 52));
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

/** Gathers 8 consecutive rows (w divisible by 4) into 32-byte interleaved samples. */
function gatherRows8(buf: usize, r: usize, rowBytes: usize, w: i32): void {
  gatherRows4(buf, r, r + rowBytes, r + 2 * rowBytes, r + 3 * rowBytes, 32, w);
  const r4 = r + 4 * rowBytes;
  gatherRows4(buf + 16, r4, r4 + rowBytes, r4 + 2 * rowBytes, r4 + 3 * rowBytes, 32, w);
}

/** Inverse of gatherRows8. */
function scatterRows8(buf: usize, r: usize, rowBytes: usize, w: i32): void {
  scatterRows4(buf, r, r + rowBytes, r + 2 * rowBytes, r + 3 * rowBytes, 32, w);
  const r4 = r + 4 * rowBytes;
  scatterRows4(buf + 16, r4, r4 + rowBytes, r4 + 2 * rowBytes, r4 + 3 * rowBytes, 32, w);
}

/** Line length after lengthening: n itself, or the smallest multiple of n >= max(settle, 4). */
function paddedLength(n: i32, settle: i32): i32 {
  const need = settle > 4 ? settle : 4;
  if (n >= need) return n;
  return n * ((need + n - 1) / n);
}

/**
 * Scratch bytes gaussianBlur needs for a w x h image: two interleaved line buffers of 8 lanes,
 * plus 8 rows for the noise source of elastic fields (reused by the vertical pass for its states).
 */
export function augBlurScratchBytes(w: i32, h: i32, settle: i32): i32 {
  if (!validSize(w, h) || settle < 0 || settle > 1 << 20) return E_ARGS;
  const mw = paddedLength(w, settle);
  const mh = paddedLength(h, settle);
  const m = mw > mh ? mw : mh;
  return (m << 6) + (w << 5);
}

/**
 * Blur in place-safe form: src -> dst (dst may equal src) through tmp (w*h floats); coH and coV
 * are the coefficients of the horizontal and vertical passes (coV may carry an output scale).
 * With noiseStates != 0 the source is not read: its rows are drawn block by block from the
 * 4-lane noise generators at noiseStates (row-major order, as noise4 would fill the image) into
 * scratch, so the noise never travels through memory.
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
  const rowBytes = (<usize>w) << 2;
  const bufA = scratch;
  const mw = paddedLength(w, settle);
  const mh = paddedLength(h, settle);
  const m = mw > mh ? mw : mh;
  const bufB = scratch + ((<usize>m) << 5);
  const rows = scratch + ((<usize>m) << 6); // 8 rows of noise
  const co = coH;

  // Horizontal pass: blocks of 8 (then 4) rows, interleaved into the scratch line by 4x4
  // transposes; lanes of a short last block repeat its first row and are not written back.
  const fastRows = mw == w && (w & 3) == 0;
  let y = 0;
  if (fastRows) {
    for (; y + 8 <= h; y += 8) {
      let r = src + <usize>y * rowBytes;
      if (noiseStates != 0) {
        noise4(noiseStates, rows, w << 3);
        r = rows;
      }
      gatherRows8(bufA, r, rowBytes, w);
      filterLine8(bufA, bufB, 32, w, co, settle);
      scatterRows8(bufB, tmp + <usize>y * rowBytes, rowBytes, w);
    }
  }
  for (; y < h; y += 4) {
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
    filterLine4(bufA, bufB, 16, mw, co, settle);
    const t0 = tmp + <usize>y * rowBytes;
    if (fastRows && lanes == 4)
      scatterRows4(bufB, t0, t0 + rowBytes, t0 + 2 * rowBytes, t0 + 3 * rowBytes, 16, w);
    else scatter4(bufB, t0, t0 + rowBytes, t0 + 2 * rowBytes, t0 + 3 * rowBytes, 4, w, lanes);
  }

  // Vertical pass: 4 adjacent columns per f32x4, straight from tmp to dst (no transpose), row by row.
  let x = 0;
  if (mh == h && w >= 4) {
    x = w & ~3;
    filterColumns(tmp, dst, rowBytes, x, h, coV, settle, rows);
  }
  for (; x < w; x += 4) {
    const lanes = w - x < 4 ? w - x : 4;
    const c0 = (<usize>x) << 2;
    const c1 = (<usize>(lanes > 1 ? x + 1 : x)) << 2;
    const c2 = (<usize>(lanes > 2 ? x + 2 : x)) << 2;
    const c3 = (<usize>(lanes > 3 ? x + 3 : x)) << 2;
    gather4(bufA, tmp + c0, tmp + c1, tmp + c2, tmp + c3, rowBytes, h, mh);
    filterLine4(bufA, bufB, 16, mh, coV, settle);
    scatter4(bufB, dst + c0, dst + c0 + 4, dst + c0 + 8, dst + c0 + 12, rowBytes, h, lanes);
  }
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
