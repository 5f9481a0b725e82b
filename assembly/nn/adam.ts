// One Adam step of one variable, in place: x (value), m, v updated from g. Every operation is an
// IEEE float32 operation in the same order as tfjs's AdamOptimizer issues its element-wise kernels,
// so results are bit-identical to stock Adam (f32x4 div and sqrt are correctly rounded, as are the
// scalar ones). Scalar arguments are the float32 constants those kernels see.

import { NN_BAD_ARGS } from './errors';

/**
 * x, m, v, g: `n` floats each (may not overlap). b1, c1 = beta1, 1 − beta1; b2, c2 likewise;
 * oma1, oma2 = 1 − beta1^t, 1 − beta2^t; eps; nlr = −learning rate. Returns 0, or NN_BAD_ARGS.
 */
export function nnAdamUpdate(
  xPtr: usize,
  mPtr: usize,
  vPtr: usize,
  gPtr: usize,
  n: i32,
  b1: f32,
  c1: f32,
  b2: f32,
  c2: f32,
  oma1: f32,
  oma2: f32,
  eps: f32,
  nlr: f32,
): i32 {
  if (n < 0) return NN_BAD_ARGS;
  if (((xPtr | mPtr | vPtr | gPtr) & 3) != 0) return NN_BAD_ARGS;
  const end = (<u64>n) << 2;
  const mem = (<u64>memory.size()) << 16;
  if (<u64>xPtr + end > mem || <u64>mPtr + end > mem || <u64>vPtr + end > mem || <u64>gPtr + end > mem)
    return NN_BAD_ARGS;
  const vb1 = f32x4.splat(b1);
  const vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(b2);
  const vc2 = f32x4.splat(c2);
  const vo1 = f32x4.splat(oma1);
  const vo2 = f32x4.splat(oma2);
  const veps = f32x4.splat(eps);
  const vlr = f32x4.splat(nlr);
  const n4 = n & ~3;
  let i: i32 = 0;
  for (; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const g = v128.load(gPtr + o);
    const m1 = f32x4.add(f32x4.mul(v128.load(mPtr + o), vb1), f32x4.mul(g, vc1));
    const v1 = f32x4.add(f32x4.mul(v128.load(vPtr + o), vb2), f32x4.mul(f32x4.mul(g, g), vc2));
    v128.store(mPtr + o, m1);
    v128.store(vPtr + o, v1);
    const mh = f32x4.div(m1, vo1);
    const vh = f32x4.div(v1, vo2);
    const step = f32x4.mul(f32x4.div(mh, f32x4.add(f32x4.sqrt(vh), veps)), vlr);
    v128.store(xPtr + o, f32x4.add(step, v128.load(xPtr + o)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const g = load<f32>(gPtr + o);
    const m1 = load<f32>(mPtr + o) * b1 + g * c1;
    const v1 = load<f32>(vPtr + o) * b2 + g * g * c2;
    store<f32>(mPtr + o, m1);
    store<f32>(vPtr + o, v1);
    const mh = m1 / oma1;
    const vh = v1 / oma2;
    store<f32>(xPtr + o, (mh / (Mathf.sqrt(vh) + eps)) * nlr + load<f32>(xPtr + o));
  }
  return 0;
}
