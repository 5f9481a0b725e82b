// The small element-wise nn kernels (assembly/nn/elementwise.ts) in our own module: results
// against plain loops, and error codes instead of traps on bad pointers and sizes.
import { describe, expect, it } from 'vitest';
import { kernel, view, withScope } from '../../src/kernels/memory.js';
import { Rng } from '../../src/random/index.js';

type Fn = (...args: number[]) => number;

describe('nn element-wise kernels', () => {
  it('nnZero, nnAddF32 and nnReluGrad match plain loops (SIMD body and scalar tail)', () => {
    const rng = new Rng(8);
    for (const n of [0, 1, 3, 4, 17, 1000]) {
      const a = Float32Array.from({ length: n }, () => rng.uniform(-2, 2));
      const b = Float32Array.from({ length: n }, () => rng.uniform(-2, 2));
      withScope((s) => {
        const pa = s.input(a);
        const pb = s.input(b);
        const out = s.alloc(Math.max(4, n * 4));
        expect(kernel<Fn>('nnReluGrad')(pa, pb, out, n)).toBe(0);
        const relu = view(Float32Array, out, n);
        for (let i = 0; i < n; i++) expect(relu[i]).toBe(Math.fround(a[i]! * (b[i]! > 0 ? 1 : 0)));
        expect(kernel<Fn>('nnAddF32')(pa, pb, n)).toBe(0);
        const sum = view(Float32Array, pa, n);
        for (let i = 0; i < n; i++) expect(sum[i]).toBe(Math.fround(a[i]! + b[i]!));
        expect(kernel<Fn>('nnZero')(pa, n * 4)).toBe(0);
        expect(Array.from(view(Float32Array, pa, n)).every((v) => Object.is(v, 0))).toBe(true);
      });
    }
  });

  it('return an error code on bad pointers and sizes, and write nothing', () => {
    const zero = kernel<Fn>('nnZero');
    const add = kernel<Fn>('nnAddF32');
    const relu = kernel<Fn>('nnReluGrad');
    withScope((s) => {
      const p = s.input(Float32Array.of(1, 2, 3, 4));
      expect(zero(p, -4)).toBeLessThan(0);
      expect(zero(0, 16)).toBeLessThan(0);
      expect(zero(0x7fff_fff0, 64)).toBeLessThan(0); // beyond memory
      expect(add(p, 0, 4)).toBeLessThan(0);
      expect(add(p, p, -1)).toBeLessThan(0);
      expect(add(p, 0x7fff_fff0, 4)).toBeLessThan(0);
      expect(relu(p, p, 0, 4)).toBeLessThan(0);
      expect(relu(p, p, 0x7fff_fff0, 4)).toBeLessThan(0);
      expect(relu(p, p, p, -2)).toBeLessThan(0);
      expect(Array.from(view(Float32Array, p, 4))).toEqual([1, 2, 3, 4]);
      expect(zero(0, 0)).toBe(0); // nothing to do
      expect(add(0, 0, 0)).toBe(0);
    });
  });
});
