import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { xoshiroU32Wasm, uniformF32Wasm, noise4Wasm } from '../../src/kernels/augment.js';
import { fieldNoiseStates, fieldNoiseJs } from '../../src/augment/fieldNoise.js';

describe('augment/xoshiro128** port', () => {
  it('draws the same u32 stream as Rng and returns the advanced state', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, -7]) {
      const js = new Rng(seed);
      const { values, state } = xoshiroU32Wasm(new Rng(seed).getState(), 1000);
      expect(Array.from(values)).toEqual(Array.from({ length: 1000 }, () => js.nextU32()));
      expect(state).toEqual(js.getState());
    }
  });

  it('draws the same uniforms as rng.uniform, rounded to f32', () => {
    const js = new Rng(9);
    const w = uniformF32Wasm(new Rng(9).getState(), 5000, -1, 1);
    expect(w).toEqual(Float32Array.from({ length: 5000 }, () => js.uniform(-1, 1)));
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...w)).toBeLessThan(1);
  });
});

describe('augment/field noise (4 interleaved xoshiro128** streams)', () => {
  it('WASM i32x4 generators equal the plain-TS streams, any length', () => {
    for (const [seed, n] of [
      [1, 1000],
      [77, 13],
      [-5, 3],
    ] as const) {
      const states = fieldNoiseStates(seed);
      expect(noise4Wasm(states.subarray(0, 16), n)).toEqual(fieldNoiseJs(seed, 0, n));
      expect(noise4Wasm(states.subarray(16, 32), n)).toEqual(fieldNoiseJs(seed, 1, n));
    }
    const v = fieldNoiseJs(3, 0, 100_000);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(Math.abs(v.reduce((a, b) => a + b, 0) / v.length)).toBeLessThan(0.01);
  });
});
