import { describe, expect, it } from 'vitest';
import { withScope, view, copyOut, memoryBytes, WasmMemoryError } from '../../src/kernels/index.js';

describe('kernels/memory', () => {
  it('round-trips a typed array through linear memory', () => {
    const src = Float32Array.from({ length: 1000 }, (_, i) => i * 0.5);
    const back = withScope((s) => {
      const p = s.input(src);
      expect(view(Float32Array, p, 3)).toEqual(new Float32Array([0, 0.5, 1]));
      return copyOut(Float32Array, p, src.length);
    });
    expect(back).toEqual(src);
  });

  it('frees every allocation of a scope, even when the body throws', () => {
    const bytes = 1 << 20;
    withScope((s) => s.alloc(bytes));
    const before = memoryBytes();
    for (let i = 0; i < 10_000; i++) {
      expect(() =>
        withScope((s) => {
          s.alloc(bytes);
          s.output(Float32Array, 1024);
          throw new Error('boom');
        }),
      ).toThrow('boom');
    }
    expect(memoryBytes()).toBe(before);
  });

  it('refuses absurd sizes with a typed error instead of trapping', () => {
    expect(() => withScope((s) => s.alloc(2 ** 40))).toThrow(WasmMemoryError);
    expect(() => withScope((s) => s.alloc(-1))).toThrow(WasmMemoryError);
  });
});
