// Plain-TypeScript Adam step (test oracle and benchmark baseline of the fused UnetAdamUpdate
// kernel): the arithmetic of tfjs's AdamOptimizer, each operation rounded to float32 in its order.

/** Constants of one step; see src/kernels/nnAdam.ts. */
export interface AdamRefConstants {
  beta1: number;
  beta2: number;
  accBeta1: number;
  accBeta2: number;
  epsilon: number;
  learningRate: number;
}

/** Updates `x`, `m`, `v` in place from `g`. */
export function adamUpdateRef(
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  c: AdamRefConstants,
): void {
  const f = Math.fround;
  const b1 = f(c.beta1);
  const c1 = f(1 - c.beta1);
  const b2 = f(c.beta2);
  const c2 = f(1 - c.beta2);
  const oma1 = f(1 - c.accBeta1);
  const oma2 = f(1 - c.accBeta2);
  const eps = f(c.epsilon);
  const nlr = f(-c.learningRate);
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * b1) + f(gi * c1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
    m[i] = mi;
    v[i] = vi;
    const mh = f(mi / oma1);
    const vh = f(vi / oma2);
    x[i] = f(f(f(mh / f(f(Math.sqrt(vh)) + eps)) * nlr) + x[i]!);
  }
}
