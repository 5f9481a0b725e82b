// FusedAdamOptimizer (one UnetAdamUpdate kernel per variable on 'wasm') against stock tf.AdamOptimizer
// over several steps, across a checkpoint save/restore, and its stock fallback on 'cpu'; the SIMD
// kernel against its plain-TS oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../../src/backend/index.js';
import { ADAM_UPDATE } from '../../src/backend/kernels/adamUpdate.js';
import { FusedAdamOptimizer } from '../../src/train/fusedAdam.js';
import { loadOptimizerState, optimizerToFiles } from '../../src/train/checkpoint.js';
import { Rng } from '../../src/random/index.js';
import { adamUpdate } from '../../src/kernels/nnAdam.js';
import { NnKernelError } from '../../src/kernels/nn.js';
import { adamUpdateRef } from '../../src/backend/reference/adam.js';

const SHAPES: number[][] = [[3, 3, 5, 7], [7], [1, 1, 13, 2], [2, 2, 9, 3], [1]];

function rand(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/** Variables with random values, and per-step random gradients (scaled so moments vary a lot). */
function problem(seed: number, steps: number): { init: Float32Array[]; grads: Float32Array[][] } {
  const rng = new Rng(seed);
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const init = SHAPES.map((s) => rand(rng, size(s)));
  const grads: Float32Array[][] = [];
  for (let t = 0; t < steps; t++) {
    const scale = 10 ** rng.uniform(-4, 1);
    grads.push(SHAPES.map((s) => rand(rng, size(s), -scale, scale)));
  }
  return { init, grads };
}

/** Applies `steps` of `opt` (from step `from`) and returns the variables' values. */
async function run(
  opt: tf.Optimizer,
  vars: tf.Variable[],
  grads: Float32Array[][],
  from: number,
  to: number,
): Promise<Float32Array[]> {
  for (let t = from; t < to; t++) {
    const named = tf.tidy(() =>
      vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(grads[t]![i]!, v.shape) })),
    );
    opt.applyGradients(named);
    tf.dispose(named.map((n) => n.tensor));
  }
  return Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
}

const makeVars = (init: Float32Array[]): tf.Variable[] =>
  init.map((a, i) => tf.variable(tf.tensor(a, SHAPES[i]), true));

async function moments(opt: tf.AdamOptimizer): Promise<Float32Array[]> {
  const w = await opt.getWeights();
  const out = await Promise.all(w.slice(1).map(async (n) => (await n.tensor.data()) as Float32Array));
  w[0]!.tensor.dispose();
  return out;
}

describe('FusedAdamOptimizer', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is bit-identical to stock Adam on wasm over several steps, with moments and iterations', async () => {
    await tf.setBackend('wasm');
    expect(tf.getKernel(ADAM_UPDATE, 'wasm')).toBeDefined();
    const { init, grads } = problem(11, 7);
    const stockVars = makeVars(init);
    const fusedVars = makeVars(init);
    const stock = tf.train.adam(3e-3, 0.8, 0.95);
    const fused = new FusedAdamOptimizer(3e-3, 0.8, 0.95);
    const before = tf.memory().numTensors;
    const a = await run(stock, stockVars, grads, 0, 7);
    const mid = tf.memory().numTensors;
    const b = await run(fused, fusedVars, grads, 0, 7);
    // Both create the same moment variables and leak nothing else.
    expect(tf.memory().numTensors - mid).toBe(mid - before);
    for (let i = 0; i < a.length; i++) {
      expect(Array.from(b[i]!)).toEqual(Array.from(a[i]!));
      // The variables moved: the test is not vacuous.
      expect(Array.from(b[i]!)).not.toEqual(Array.from(init[i]!));
    }
    const ma = await moments(stock);
    const mb = await moments(fused);
    for (let i = 0; i < ma.length; i++) expect(Array.from(mb[i]!)).toEqual(Array.from(ma[i]!));
    expect(fused.iterations).toBe(7);
    // The fused kernel ran, once per variable, and the stock chain did not.
    const probe = new FusedAdamOptimizer(3e-3);
    const prof = await tf.profile(() => run(probe, fusedVars, grads, 0, 1));
    const names = prof.kernels.map((k) => k.name);
    expect(names.filter((n) => n === ADAM_UPDATE)).toHaveLength(SHAPES.length);
    expect(names).not.toContain('Sqrt');
    probe.dispose();
    tf.dispose([...stockVars, ...fusedVars]);
    stock.dispose();
    fused.dispose();
  });

  it('matches stock Adam across an optimizerToFiles / loadOptimizerState round trip', async () => {
    await tf.setBackend('wasm');
    const { init, grads } = problem(12, 8);
    const stockVars = makeVars(init);
    const stock = tf.train.adam(1e-3);
    const want = await run(stock, stockVars, grads, 0, 8);

    const vars = makeVars(init);
    const first = new FusedAdamOptimizer(1e-3);
    await run(first, vars, grads, 0, 5);
    const saved = await optimizerToFiles(first);
    first.dispose();
    const second = new FusedAdamOptimizer(1e-3);
    await loadOptimizerState(second, saved.bytes, saved.state);
    const got = await run(second, vars, grads, 5, 8);
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const g = got[i]!;
      for (let j = 0; j < w.length; j++) {
        expect(Math.abs(g[j]! - w[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(w[j]!), 1e-3));
      }
    }
    tf.dispose([...stockVars, ...vars]);
    stock.dispose();
    second.dispose();
  });

  it("falls back to stock Adam on 'cpu' (wasm and cpu agree to 1e-6)", async () => {
    const { init, grads } = problem(13, 4);
    await tf.setBackend('cpu');
    const cpuVars = makeVars(init);
    const cpuOpt = new FusedAdamOptimizer(1e-2);
    const onCpu = await run(cpuOpt, cpuVars, grads, 0, 4);
    tf.dispose(cpuVars);
    cpuOpt.dispose();
    await tf.setBackend('wasm');
    const wasmVars = makeVars(init);
    const wasmOpt = new FusedAdamOptimizer(1e-2);
    const onWasm = await run(wasmOpt, wasmVars, grads, 0, 4);
    for (let i = 0; i < onCpu.length; i++) {
      const c = onCpu[i]!;
      const w = onWasm[i]!;
      for (let j = 0; j < c.length; j++) {
        expect(Math.abs(w[j]! - c[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(c[j]!), 1e-3));
      }
    }
    tf.dispose(wasmVars);
    wasmOpt.dispose();
  });

  it('rejects a gradient whose size does not match its variable', async () => {
    await tf.setBackend('wasm');
    const v = tf.variable(tf.zeros([4]));
    const opt = new FusedAdamOptimizer(1e-3);
    const g = tf.zeros([5]);
    expect(() => opt.applyGradients([{ name: v.name, tensor: g }])).toThrow(/UnetAdamUpdate/);
    tf.dispose([v, g]);
    opt.dispose();
  });
});

describe('adamUpdate (nnAdamUpdate SIMD kernel)', () => {
  it('equals the plain-TS oracle bit for bit on odd lengths and extreme gradients', () => {
    const rng = new Rng(21);
    for (const n of [1, 3, 4, 5, 17, 1000, 4099]) {
      const x = rand(rng, n);
      const m = rand(rng, n, -0.1, 0.1);
      const v = rand(rng, n, 0, 0.01);
      const g = rand(rng, n, -1e3, 1e3);
      for (let i = 0; i < n; i += 7) g[i] = i % 2 ? 0 : 1e-20;
      const c = {
        beta1: 0.9,
        beta2: 0.999,
        accBeta1: 0.9 ** 3,
        accBeta2: 0.999 ** 3,
        epsilon: 1e-7,
        learningRate: 1e-3,
      };
      const want = { x: x.slice(), m: m.slice(), v: v.slice() };
      adamUpdateRef(want.x, want.m, want.v, g, c);
      const got = { x: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
      adamUpdate(x, m, v, g, c, got);
      expect(Array.from(got.x)).toEqual(Array.from(want.x));
      expect(Array.from(got.m)).toEqual(Array.from(want.m));
      expect(Array.from(got.v)).toEqual(Array.from(want.v));
      expect(Array.from(got.x)).not.toEqual(Array.from(x));
    }
  });

  it('rejects arrays of different lengths with NnKernelError', () => {
    const a = new Float32Array(4);
    const c = { beta1: 0.9, beta2: 0.999, accBeta1: 0.9, accBeta2: 0.999, epsilon: 1e-7, learningRate: 1e-3 };
    expect(() => adamUpdate(a, a, a, new Float32Array(3), c, { x: a, m: a, v: a })).toThrow(NnKernelError);
  });
});
