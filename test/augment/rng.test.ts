import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { xoshiroU32Wasm, uniformF32Wasm } from '../../src/kernels/augment.js';

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
