// Batch normalisation in training mode over NHWC data seen as [n, c] (n = batch·H·W pixels), the
// fused replacement for tfjs's composed moments + batchNorm and their gradients.
//
//   forward:  mean = Σx/n, var = Σ(x − mean)²/n (biased, as tf.moments), invstd = 1/√(var + ε),
//             y = (x − mean)·invstd·γ + β, or max(0, that) with `relu`
//   backward: dβ = Σdy, dγ = Σdy·x̂ with x̂ = (x − mean)·invstd,
//             dx = γ·invstd·(dy − dβ/n − x̂·dγ/n); with `relu`, dy is first zeroed where y ≤ 0
//             (ReLU's gradient, as tfjs's step(x)·dy), so one kernel replaces four ops each way.
//
// SIMD runs across channels (4 per f32x4, scalar tail for any c). Per-channel sums are accumulated
// in f32 over chunks of CHUNK pixels, then added into f64 totals, so long reductions stay accurate.
//
// Scratch: the caller passes `scratch` of at least nnBatchNormScratchBytes(c) bytes.

import { NN_BAD_ARGS } from './errors';

const CHUNK: i32 = 64;
// n·c is capped so that every byte offset fits comfortably in 32 bits.
const MAX_ELEMENTS: i64 = 1 << 29;

function c4Of(c: i32): i32 {
  return (c + 3) & ~3;
}

/** Bytes of scratch the batch-norm kernels need for `c` channels (0 when c is out of range). */
export function nnBatchNormScratchBytes(c: i32): i32 {
  if (c <= 0 || c > 1 << 24) return 0;
  return 32 * c4Of(c);
}

function badSizes(n: i32, c: i32): bool {
  return n <= 0 || c <= 0 || c > 1 << 24 || <i64>n * <i64>c > MAX_ELEMENTS;
}

/** acc[k] += row[k] for k < c (SIMD body, scalar tail). */
function addRow(acc: usize, row: usize, c: i32): void {
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const o = (<usize>k) << 2;
    v128.store(acc + o, f32x4.add(v128.load(acc + o), v128.load(row + o)));
  }
  for (; k < c; k++) {
    const o = (<usize>k) << 2;
    store<f32>(acc + o, load<f32>(acc + o) + load<f32>(row + o));
  }
}

/** tot[k] += acc[k] (f64 += f32), then acc[k] = 0. */
function flush(tot: usize, acc: usize, c: i32): void {
  for (let k = 0; k < c; k++) {
    store<f64>(
      tot + ((<usize>k) << 3),
      load<f64>(tot + ((<usize>k) << 3)) + <f64>load<f32>(acc + ((<usize>k) << 2)),
    );
    store<f32>(acc + ((<usize>k) << 2), 0);
  }
}

/**
 * Training forward. Writes y [n, c] and the per-channel mean, variance (biased) and invstd [c].
 * Returns 0, or NN_BAD_ARGS when a size or pointer is out of range (nothing is written then).
 */
export function nnBatchNormForward(
  xPtr: usize,
  gammaPtr: usize,
  betaPtr: usize,
  yPtr: usize,
  meanPtr: usize,
  varPtr: usize,
  invstdPtr: usize,
  scratch: usize,
  n: i32,
  c: i32,
  epsilon: f32,
  relu: i32,
): i32 {
  if (badSizes(n, c)) return NN_BAD_ARGS;
  if (xPtr == 0 || gammaPtr == 0 || betaPtr == 0 || yPtr == 0) return NN_BAD_ARGS;
  if (meanPtr == 0 || varPtr == 0 || invstdPtr == 0 || scratch == 0) return NN_BAD_ARGS;
  if (!(epsilon >= 0) || !isFinite(epsilon)) return NN_BAD_ARGS;
  const c4 = c4Of(c);
  const tot = scratch; // f64[c4]
  const acc = scratch + ((<usize>c4) << 4); // f32[c4]
  const scale = acc + ((<usize>c4) << 2); // f32[c4]
  const rowBytes = (<usize>c) << 2;
  const inv = 1.0 / <f64>n;

  // Pass 1: mean.
  memory.fill(tot, 0, (<usize>c4) << 3);
  memory.fill(acc, 0, (<usize>c4) << 2);
  for (let p = 0; p < n; p++) {
    addRow(acc, xPtr + <usize>p * rowBytes, c);
    if ((p + 1) % CHUNK == 0) flush(tot, acc, c);
  }
  flush(tot, acc, c);
  for (let k = 0; k < c; k++) {
    const m = load<f64>(tot + ((<usize>k) << 3)) * inv;
    store<f32>(meanPtr + ((<usize>k) << 2), <f32>m);
    store<f32>(scale + ((<usize>k) << 2), <f32>m); // the mean, as f32, for pass 2
  }

  // Pass 2: variance about the mean (two-pass: no cancellation).
  memory.fill(tot, 0, (<usize>c4) << 3);
  for (let p = 0; p < n; p++) {
    const row = xPtr + <usize>p * rowBytes;
    let k = 0;
    for (; k + 4 <= c; k += 4) {
      const o = (<usize>k) << 2;
      const d = f32x4.sub(v128.load(row + o), v128.load(scale + o));
      v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(d, d)));
    }
    for (; k < c; k++) {
      const o = (<usize>k) << 2;
      const d = load<f32>(row + o) - load<f32>(scale + o);
      store<f32>(acc + o, load<f32>(acc + o) + d * d);
    }
    if ((p + 1) % CHUNK == 0) flush(tot, acc, c);
  }
  flush(tot, acc, c);
  for (let k = 0; k < c; k++) {
    const o = (<usize>k) << 2;
    const v = load<f64>(tot + ((<usize>k) << 3)) * inv;
    const is = 1.0 / Math.sqrt(v + <f64>epsilon);
    const s = <f64>load<f32>(gammaPtr + o) * is;
    store<f32>(varPtr + o, <f32>v);
    store<f32>(invstdPtr + o, <f32>is);
    store<f32>(scale + o, <f32>s);
  }

  // Pass 3: y = (x − mean)·scale + β (centring first keeps y exact when the mean is large),
  // clamped at 0 with `relu` (a NaN stays NaN either way: a select on y > 0 would zero it).
  const floor = f32x4.splat(relu != 0 ? 0 : -Infinity);
  const floor1: f32 = relu != 0 ? 0 : -Infinity;
  for (let p = 0; p < n; p++) {
    const off = <usize>p * rowBytes;
    const row = xPtr + off;
    const out = yPtr + off;
    let k = 0;
    for (; k + 4 <= c; k += 4) {
      const o = (<usize>k) << 2;
      const z = f32x4.add(
        f32x4.mul(f32x4.sub(v128.load(row + o), v128.load(meanPtr + o)), v128.load(scale + o)),
        v128.load(betaPtr + o),
      );
      v128.store(out + o, f32x4.max(z, floor));
    }
    for (; k < c; k++) {
      const o = (<usize>k) << 2;
      const z = (load<f32>(row + o) - load<f32>(meanPtr + o)) * load<f32>(scale + o) + load<f32>(betaPtr + o);
      store<f32>(out + o, z > floor1 || z != z ? z : floor1);
    }
  }
  return 0;
}

/** g[k] = y[k] > 0 ? g[k] : 0 for k < c (ReLU's gradient; a NaN y also gives 0). */
function maskRow(g: usize, y: usize, c: i32): void {
  const zero = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const o = (<usize>k) << 2;
    v128.store(g + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; k < c; k++) {
    const o = (<usize>k) << 2;
    if (!(load<f32>(y + o) > 0)) store<f32>(g + o, 0);
  }
}

/**
 * Training backward from dy, x and the forward's mean and invstd. Writes dx [n, c], dgamma and
 * dbeta [c]. With yPtr != 0 (the forward's output with `relu`), dy is first zeroed in place where
 * y ≤ 0. Returns 0, or NN_BAD_ARGS when a size or pointer is out of range.
 */
export function nnBatchNormBackward(
  dyPtr: usize,
  xPtr: usize,
  meanPtr: usize,
  invstdPtr: usize,
  gammaPtr: usize,
  dxPtr: usize,
  dgammaPtr: usize,
  dbetaPtr: usize,
  scratch: usize,
  n: i32,
  c: i32,
  yPtr: usize,
): i32 {
  if (badSizes(n, c)) return NN_BAD_ARGS;
  if (dyPtr == 0 || xPtr == 0 || meanPtr == 0 || invstdPtr == 0 || gammaPtr == 0) return NN_BAD_ARGS;
  if (dxPtr == 0 || dgammaPtr == 0 || dbetaPtr == 0 || scratch == 0) return NN_BAD_ARGS;
  const c4 = c4Of(c);
  const totB = scratch; // f64[c4]: Σdy
  const totG = scratch + ((<usize>c4) << 3); // f64[c4]: Σdy·(x − mean)
  const accB = scratch + ((<usize>c4) << 4); // f32[c4]
  const accG = accB + ((<usize>c4) << 2); // f32[c4]
  const rowBytes = (<usize>c) << 2;

  // Pass 1: Σdy and Σdy·(x − mean), after ReLU's mask when y is given (stored back for pass 2).
  memory.fill(totB, 0, (<usize>c4) << 4);
  memory.fill(accB, 0, (<usize>c4) << 3);
  for (let p = 0; p < n; p++) {
    const off = <usize>p * rowBytes;
    const g = dyPtr + off;
    const xr = xPtr + off;
    if (yPtr != 0) maskRow(g, yPtr + off, c);
    let k = 0;
    for (; k + 4 <= c; k += 4) {
      const o = (<usize>k) << 2;
      const d = v128.load(g + o);
      const xc = f32x4.sub(v128.load(xr + o), v128.load(meanPtr + o));
      v128.store(accB + o, f32x4.add(v128.load(accB + o), d));
      v128.store(accG + o, f32x4.add(v128.load(accG + o), f32x4.mul(d, xc)));
    }
    for (; k < c; k++) {
      const o = (<usize>k) << 2;
      const d = load<f32>(g + o);
      const xc = load<f32>(xr + o) - load<f32>(meanPtr + o);
      store<f32>(accB + o, load<f32>(accB + o) + d);
      store<f32>(accG + o, load<f32>(accG + o) + d * xc);
    }
    if ((p + 1) % CHUNK == 0) {
      flush(totB, accB, c);
      flush(totG, accG, c);
    }
  }
  flush(totB, accB, c);
  flush(totG, accG, c);

  // Per channel: dx = A·dy + B·(x − mean) + C with k = γ·invstd, A = k, B = −k·invstd·dγ/n,
  // C = −k·dβ/n. A, B, C overwrite the f32 accumulators (and the f32 area after them).
  const cA = accB;
  const cB = accB + ((<usize>c4) << 2);
  const cC = accB + ((<usize>c4) << 3);
  const inv = 1.0 / <f64>n;
  for (let k = 0; k < c; k++) {
    const o = (<usize>k) << 2;
    const is = <f64>load<f32>(invstdPtr + o);
    const db = load<f64>(totB + ((<usize>k) << 3));
    const dg = load<f64>(totG + ((<usize>k) << 3)) * is;
    store<f32>(dbetaPtr + o, <f32>db);
    store<f32>(dgammaPtr + o, <f32>dg);
    const kk = <f64>load<f32>(gammaPtr + o) * is;
    store<f32>(cA + o, <f32>kk);
    store<f32>(cB + o, <f32>(-kk * is * dg * inv));
    store<f32>(cC + o, <f32>(-kk * db * inv));
  }

  // Pass 2: dx.
  for (let p = 0; p < n; p++) {
    const off = <usize>p * rowBytes;
    const g = dyPtr + off;
    const xr = xPtr + off;
    const out = dxPtr + off;
    let k = 0;
    for (; k + 4 <= c; k += 4) {
      const o = (<usize>k) << 2;
      const xc = f32x4.sub(v128.load(xr + o), v128.load(meanPtr + o));
      const r = f32x4.add(
        f32x4.add(f32x4.mul(v128.load(g + o), v128.load(cA + o)), f32x4.mul(xc, v128.load(cB + o))),
        v128.load(cC + o),
      );
      v128.store(out + o, r);
    }
    for (; k < c; k++) {
      const o = (<usize>k) << 2;
      const xc = load<f32>(xr + o) - load<f32>(meanPtr + o);
      store<f32>(out + o, load<f32>(g + o) * load<f32>(cA + o) + xc * load<f32>(cB + o) + load<f32>(cC + o));
    }
  }
  return 0;
}
