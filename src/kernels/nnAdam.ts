// JS wrapper of the fused Adam kernel (assembly/nn/adam.ts): one Adam step of one variable.
// The four inputs are copied into our module's memory (tfjs-wasm tensors live in another
// WebAssembly memory), updated there in place with SIMD, and the three results copied out.
import { kernel, view, withScope } from './memory.js';
import { NnKernelError } from './nn.js';

/** The float32 constants of one Adam step, as tfjs's AdamOptimizer's element-wise kernels see them. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  /** beta1^t and beta2^t of this step (the optimizer's accBeta1/accBeta2). */
  accBeta1: number;
  accBeta2: number;
  epsilon: number;
  learningRate: number;
}

type AdamFn = (x: number, m: number, v: number, g: number, n: number, ...constants: number[]) => number;

/** The kernel's constant arguments, in float32 as stock tfjs computes them. */
export function adamArgs(c: AdamConstants): number[] {
  const f = Math.fround;
  return [
    c.beta1,
    f(1 - c.beta1),
    c.beta2,
    f(1 - c.beta2),
    f(1 - c.accBeta1),
    f(1 - c.accBeta2),
    c.epsilon,
    -c.learningRate,
  ];
}

/**
 * One Adam step: m' = b1·m + (1−b1)·g, v' = b2·v + (1−b2)·g², x' = x − lr·(m'/(1−b1^t)) /
 * (√(v'/(1−b2^t)) + eps), every operation rounded to float32 in stock tfjs's order (bit-identical
 * to tf.train.adam on 'wasm'). Inputs `x`, `m`, `v`, `g` and outputs `out.x`, `out.m`, `out.v` all
 * have the same length; outputs may alias the inputs.
 */
export function adamUpdate(
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  c: AdamConstants,
  out: { x: Float32Array; m: Float32Array; v: Float32Array },
): void {
  const n = x.length;
  for (const [name, a] of [
    ['m', m],
    ['v', v],
    ['g', g],
    ['out.x', out.x],
    ['out.m', out.m],
    ['out.v', out.v],
  ] as const) {
    if (a.length !== n) throw new NnKernelError(`adamUpdate: ${name} has ${a.length} floats, x has ${n}`);
  }
  const run = kernel<AdamFn>('nnAdamUpdate');
  withScope((scope) => {
    const xp = scope.input(x);
    const mp = scope.input(m);
    const vp = scope.input(v);
    const gp = scope.input(g);
    const rc = run(xp, mp, vp, gp, n, ...adamArgs(c));
    if (rc !== 0) throw new NnKernelError(`nnAdamUpdate rejected its arguments (code ${rc})`);
    out.x.set(view(Float32Array, xp, n));
    out.m.set(view(Float32Array, mp, n));
    out.v.set(view(Float32Array, vp, n));
  });
}
