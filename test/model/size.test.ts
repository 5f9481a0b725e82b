import { describe, expect, it } from 'vitest';
import {
  isValidUNetInputSize,
  traceUNetSize,
  UNetConfigError,
  unetInputSize,
  unetOutputSize,
} from '../../src/model/index.js';

describe('U-Net size helpers', () => {
  it('gives the paper sizes for valid padding, depth 4', () => {
    expect(unetOutputSize(572, { depth: 4, padding: 'valid' })).toBe(388);
    expect(unetInputSize(388, { depth: 4, padding: 'valid' })).toBe(572);
    const t = traceUNetSize(572, { depth: 4, padding: 'valid' });
    expect(t).toEqual({ output: 388, skips: [568, 280, 136, 64], ups: [392, 200, 104, 56] });
  });

  it('keeps the size for same padding and needs multiples of 2^depth', () => {
    expect(unetOutputSize(256)).toBe(256);
    expect(unetOutputSize(96, { depth: 5 })).toBe(96);
    expect(() => unetOutputSize(100, { depth: 4 })).toThrow(UNetConfigError);
    expect(unetInputSize(100, { depth: 4 })).toBe(112);
    expect(isValidUNetInputSize(100, { depth: 2 })).toBe(true);
    expect(isValidUNetInputSize(102, { depth: 2 })).toBe(false);
  });

  it('rejects odd sizes at a pooling and too-small inputs in valid mode', () => {
    expect(() => unetOutputSize(573, { depth: 4, padding: 'valid' })).toThrow(/odd size/);
    expect(() => unetOutputSize(574, { depth: 4, padding: 'valid' })).toThrow(UNetConfigError);
    expect(() => unetOutputSize(60, { depth: 4, padding: 'valid' })).toThrow(/too small/);
    expect(isValidUNetInputSize(188, { depth: 4, padding: 'valid' })).toBe(true);
    expect(unetOutputSize(188, { depth: 4, padding: 'valid' })).toBe(4);
  });

  it('unetInputSize is the smallest valid input reaching the output, for every output', () => {
    for (const depth of [1, 2, 3]) {
      for (let out = 1; out <= 70; out++) {
        const inp = unetInputSize(out, { depth, padding: 'valid' });
        expect(unetOutputSize(inp, { depth, padding: 'valid' })).toBeGreaterThanOrEqual(out);
        for (let smaller = 1; smaller < inp; smaller++) {
          const t = traceUNetSize(smaller, { depth, padding: 'valid' });
          if (!('error' in t)) expect(t.output).toBeLessThan(out);
        }
      }
    }
  });

  it('rejects nonsense', () => {
    expect(() => unetOutputSize(0)).toThrow(UNetConfigError);
    expect(() => unetOutputSize(64, { depth: 0 })).toThrow(UNetConfigError);
    expect(() => unetInputSize(-3)).toThrow(UNetConfigError);
  });
});
