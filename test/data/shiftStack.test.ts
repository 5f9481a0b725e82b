// shiftStack against a per-pixel bilinear oracle written independently, and against scipy.ndimage.shift.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DataInputError, shiftStack } from '../../src/data/index.js';
import { Rng } from '../../src/random/index.js';

/** Value at (x + dx, y + dy) from the four surrounding pixels, coordinates clamped to the slice. */
function oracle(
  src: ArrayLike<number>,
  w: number,
  h: number,
  s: number,
  x: number,
  y: number,
  dx: number,
  dy: number,
): number {
  const fx = Math.min(w - 1, Math.max(0, x + dx));
  const fy = Math.min(h - 1, Math.max(0, y + dy));
  const xa = Math.floor(fx);
  const ya = Math.floor(fy);
  const xb = Math.min(w - 1, xa + 1);
  const yb = Math.min(h - 1, ya + 1);
  const u = fx - xa;
  const v = fy - ya;
  const at = (xx: number, yy: number): number => src[(s * h + yy) * w + xx]!;
  return (
    (1 - u) * (1 - v) * at(xa, ya) + u * (1 - v) * at(xb, ya) + (1 - u) * v * at(xa, yb) + u * v * at(xb, yb)
  );
}

/** Keys' cubic convolution (a = -0.5) at (x + dx, y + dy): 16 taps, indices clamped, result not clamped. */
function cubicOracle(
  src: ArrayLike<number>,
  w: number,
  h: number,
  s: number,
  x: number,
  y: number,
  dx: number,
  dy: number,
): number {
  const k = (t: number): number => {
    const a = -0.5;
    const u = Math.abs(t);
    if (u <= 1) return (a + 2) * u ** 3 - (a + 3) * u ** 2 + 1;
    if (u < 2) return a * u ** 3 - 5 * a * u ** 2 + 8 * a * u - 4 * a;
    return 0;
  };
  const fx = Math.min(w - 1, Math.max(0, x + dx));
  const fy = Math.min(h - 1, Math.max(0, y + dy));
  let sum = 0;
  for (let j = Math.floor(fy) - 1; j <= Math.floor(fy) + 2; j++)
    for (let i = Math.floor(fx) - 1; i <= Math.floor(fx) + 2; i++) {
      const xx = Math.min(w - 1, Math.max(0, i));
      const yy = Math.min(h - 1, Math.max(0, j));
      sum += k(fx - i) * k(fy - j) * src[(s * h + yy) * w + xx]!;
    }
  return sum;
}

const scipy = spawnSync('python3', ['-c', 'import scipy.ndimage, numpy'], { encoding: 'utf8' });
const noScipy = scipy.status !== 0;
if (noScipy) console.warn('skipping the scipy oracle of shiftStack: python3 with numpy and scipy is absent');

describe('shiftStack', () => {
  it('matches the per-pixel bilinear oracle on random stacks and shifts', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 12; trial++) {
      const w = 1 + rng.int(40);
      const h = 1 + rng.int(40);
      const count = 1 + rng.int(3);
      const data = Uint8Array.from({ length: w * h * count }, () => rng.int(256));
      const dx = rng.uniform(-4, 4);
      const dy = rng.uniform(-4, 4);
      const out = shiftStack({ data, width: w, height: h, count }, dx, dy);
      expect(out.data).toBeInstanceOf(Float32Array);
      expect([out.width, out.height, out.count]).toEqual([w, h, count]);
      for (let s = 0; s < count; s++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const want = oracle(data, w, h, s, x, y, dx, dy);
            expect(Math.abs(out.data[(s * h + y) * w + x]! - want)).toBeLessThan(1e-3);
          }
    }
  });

  it('moves pixels by whole-pixel shifts and copies at (0, 0); the input is untouched', () => {
    const data = Float32Array.from({ length: 5 * 4 }, (_, i) => i * 1.5);
    const copy = data.slice();
    const same = shiftStack({ data, width: 5, height: 4, count: 1 }, 0, 0).data;
    expect(Array.from(same)).toEqual(Array.from(data));
    expect(same).not.toBe(data);
    const moved = shiftStack({ data, width: 5, height: 4, count: 1 }, 1, -1).data;
    // Row 0 clamps to source row 0; the last column clamps to source column 4.
    expect(moved[0]).toBe(data[1]);
    expect(moved[1 * 5 + 2]).toBe(data[0 * 5 + 3]);
    expect(moved[3 * 5 + 4]).toBe(data[2 * 5 + 4]);
    expect(Array.from(data)).toEqual(Array.from(copy));
  });

  it.skipIf(noScipy)('agrees with scipy.ndimage.shift (order 1, nearest borders)', () => {
    const rng = new Rng(11);
    const w = 37;
    const h = 29;
    const data = Float32Array.from({ length: w * h }, () => rng.uniform(0, 255));
    const dx = 0.5;
    const dy = -1.25;
    const py = [
      'import sys, numpy as np, scipy.ndimage as nd',
      `a = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float32).reshape(${h}, ${w}).astype(np.float64)`,
      // scipy's out[y] = in[y - shift]; ours is out[y] = in[y + d].
      `sys.stdout.buffer.write(nd.shift(a, (${-dy}, ${-dx}), order=1, mode='nearest').astype(np.float32).tobytes())`,
    ].join('\n');
    const r = spawnSync('python3', ['-c', py], { input: Buffer.from(data.buffer) });
    expect(r.status).toBe(0);
    const want = new Float32Array(r.stdout.buffer, r.stdout.byteOffset, w * h);
    const got = shiftStack({ data, width: w, height: h, count: 1 }, dx, dy).data;
    let worst = 0;
    for (let i = 0; i < w * h; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-3);
  });

  it('cubic matches the per-pixel Keys oracle (clamped to the value range) on random stacks and shifts', () => {
    const rng = new Rng(13);
    for (let trial = 0; trial < 12; trial++) {
      const w = 1 + rng.int(40);
      const h = 1 + rng.int(40);
      const count = 1 + rng.int(3);
      const data = Uint8Array.from({ length: w * h * count }, () => rng.int(256));
      let lo = 255;
      let hi = 0;
      for (const v of data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const dx = rng.uniform(-4, 4);
      const dy = rng.uniform(-4, 4);
      const out = shiftStack({ data, width: w, height: h, count }, dx, dy, { interpolation: 'cubic' });
      let overshoots = 0;
      for (let s = 0; s < count; s++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const raw = cubicOracle(data, w, h, s, x, y, dx, dy);
            if (raw < lo || raw > hi) overshoots++;
            const want = Math.min(hi, Math.max(lo, raw));
            expect(Math.abs(out.data[(s * h + y) * w + x]! - want)).toBeLessThan(1e-2);
          }
      if (trial === 0) expect(overshoots).toBeGreaterThan(0); // the clamp is exercised
    }
  });

  it('cubic reproduces a quadratic surface away from the borders and copies at whole-pixel shifts', () => {
    const w = 24;
    const h = 20;
    const f = (x: number, y: number): number => 0.3 * x * x - 0.2 * x * y + 0.5 * y * y + 2 * x + 7;
    const data = Float32Array.from({ length: w * h }, (_, i) => f(i % w, Math.floor(i / w)));
    const [dx, dy] = [0.37, -0.61];
    const out = shiftStack({ data, width: w, height: h, count: 1 }, dx, dy, { interpolation: 'cubic' }).data;
    for (let y = 3; y < h - 3; y++)
      for (let x = 3; x < w - 3; x++) expect(out[y * w + x]).toBeCloseTo(f(x + dx, y + dy), 3);
    const whole = shiftStack({ data, width: w, height: h, count: 1 }, 2, 1, { interpolation: 'cubic' }).data;
    for (let y = 0; y < h - 1; y++)
      for (let x = 0; x < w - 2; x++) expect(whole[y * w + x]).toBeCloseTo(data[(y + 1) * w + x + 2]!, 4);
  });

  it('rejects non-finite or too large shifts and malformed stacks', () => {
    const st = { data: new Uint8Array(4), width: 2, height: 2, count: 1 };
    expect(() => shiftStack(st, Number.NaN, 0)).toThrow(DataInputError);
    expect(() => shiftStack(st, 0, 4.5)).toThrow(/dy must be a finite number in \[-4, 4\]/);
    expect(() => shiftStack({ ...st, count: 2 }, 0, 0)).toThrow(DataInputError);
    // @ts-expect-error: a bad option from untyped callers
    expect(() => shiftStack(st, 0, 0, { interpolation: 'sinc' })).toThrow(
      /interpolation must be 'bilinear' or 'cubic'/,
    );
  });
});
