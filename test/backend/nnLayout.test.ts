// The layout kernels (src/kernels/nnLayout.ts) on their own: concatRows/splitRows against a plain
// byte loop, maxPoolGrad bit-identical to the plain-TS oracle, and typed errors on bad arguments.
import { describe, expect, it } from 'vitest';
import { concatRows, maxPoolGrad, splitRows, type PoolGeometry } from '../../src/kernels/nnLayout.js';
import { kernel } from '../../src/kernels/memory.js';
import { NnKernelError } from '../../src/kernels/nn.js';
import { maxPoolGradJs } from '../../src/backend/reference/maxPoolGrad.js';
import { Rng } from '../../src/random/index.js';

function bytes(rng: Rng, n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(256);
  return a;
}

/** Row-wise concatenation by plain loops (the oracle). */
function concatOracle(parts: Uint8Array[], rowBytes: number[], rows: number): Uint8Array {
  const total = rowBytes.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(rows * total);
  for (let r = 0; r < rows; r++) {
    let off = r * total;
    for (let k = 0; k < parts.length; k++) {
      for (let i = 0; i < rowBytes[k]!; i++) out[off + i] = parts[k]![r * rowBytes[k]! + i]!;
      off += rowBytes[k]!;
    }
  }
  return out;
}

/** Index of the first differing byte, -1 if equal (toEqual is slow on MiB-sized arrays). */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('kernels/nnLayout concatRows and splitRows', () => {
  // Row sizes cover v128 chunks, 4-byte and 1-byte tails, memory.copy runs (>= 256 bytes), empty
  // parts, one row, and enough rows for several 1 MiB chunks.
  const cases: [number[], number][] = [
    [[64, 64], 9001],
    [[12, 28, 4], 517],
    [[3, 1, 5], 1000],
    [[400, 20], 77],
    [[0, 36, 0], 33],
    [[4096, 1024], 300],
    [[8, 12], 1],
    [[16, 16], 0],
  ];
  for (const [i, [rowBytes, rows]] of cases.entries()) {
    it(`concat and split rows of [${rowBytes}] bytes x ${rows}`, () => {
      const rng = new Rng(600 + i);
      const parts = rowBytes.map((n) => bytes(rng, n * rows));
      const want = concatOracle(parts, rowBytes, rows);
      // Views at odd offsets of larger buffers, as tfjs heap views are.
      const outBuf = new Uint8Array(want.length + 3).fill(0xaa);
      const out = outBuf.subarray(1, 1 + want.length);
      concatRows(parts, rowBytes, rows, out);
      expect(firstDiff(out, want)).toBe(-1);
      expect([outBuf[0], outBuf[outBuf.length - 2], outBuf[outBuf.length - 1]]).toEqual([0xaa, 0xaa, 0xaa]);
      const back = rowBytes.map((n) => new Uint8Array(n * rows).fill(7));
      splitRows(out, rowBytes, rows, back);
      for (let k = 0; k < parts.length; k++) expect(firstDiff(back[k]!, parts[k]!)).toBe(-1);
    });
  }

  it('throws NnKernelError on inconsistent sizes', () => {
    const a = new Uint8Array(8);
    const out = new Uint8Array(16);
    expect(() => concatRows([a, a], [4, 4], 3, out)).toThrow(NnKernelError);
    expect(() => concatRows([a], [4, 4], 2, out)).toThrow(NnKernelError);
    expect(() => concatRows([a, a], [4, 4], 2, new Uint8Array(15))).toThrow(NnKernelError);
    expect(() => concatRows([a, a], [4, -4], 2, out)).toThrow(NnKernelError);
    expect(() => concatRows([], [], 2, out)).toThrow(NnKernelError);
    expect(() => splitRows(out, [4, 4], 2, [a])).toThrow(NnKernelError);
    expect(() => splitRows(out, [4, 4], 2.5, [a, a])).toThrow(NnKernelError);
    expect(() => splitRows(out, [4, 4], 2, [a, new Uint8Array(9)])).toThrow(NnKernelError);
  });

  it('nnCopyRuns returns an error code instead of trapping on bad pointers and sizes', () => {
    const fn =
      kernel<(d: number, ds: number, s: number, ss: number, o: number, n: number) => number>('nnCopyRuns');
    expect(fn(0, 4, 64, 4, 2, 4)).toBeLessThan(0); // null destination
    expect(fn(64, 2, 1024, 4, 2, 4)).toBeLessThan(0); // step shorter than the run
    expect(fn(64, 4, 1024, 4, -1, 4)).toBeLessThan(0);
    expect(fn(0x7fff_fff0, 4, 64, 4, 4, 4)).toBeLessThan(0); // beyond memory
    expect(fn(64, 16, 96, 16, 4, 16)).toBeLessThan(0); // overlapping
    expect(fn(64, 4, 1024, 4, 0, 4)).toBe(0); // nothing to do
  });
});

function randPool(rng: Rng, n: number): Float32Array {
  // ReLU-like: many exact zeros (ties), some negative zeros in dy.
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.max(0, rng.uniform(-1, 1));
  return a;
}

function poolGeometry(
  batch: number,
  h: number,
  w: number,
  c: number,
  k: number,
  s: number,
  pad: 'same' | 'valid',
): PoolGeometry {
  const outH = pad === 'same' ? Math.ceil(h / s) : Math.floor((h - k) / s) + 1;
  const outW = pad === 'same' ? Math.ceil(w / s) : Math.floor((w - k) / s) + 1;
  const padH = pad === 'same' ? Math.max(0, (outH - 1) * s + k - h) : 0;
  const padW = pad === 'same' ? Math.max(0, (outW - 1) * s + k - w) : 0;
  return {
    batch,
    h,
    w,
    c,
    outH,
    outW,
    filterH: k,
    filterW: k,
    strideH: s,
    strideW: s,
    padTop: Math.floor(padH / 2),
    padLeft: Math.floor(padW / 2),
  };
}

describe('kernels/nnLayout maxPoolGrad against the plain-TS oracle', () => {
  const cases: Parameters<typeof poolGeometry>[] = [
    [2, 16, 16, 16, 2, 2, 'same'],
    [1, 17, 15, 7, 2, 2, 'same'],
    [3, 17, 15, 5, 2, 2, 'valid'],
    [2, 9, 11, 6, 3, 2, 'same'],
    [1, 8, 7, 3, 3, 1, 'valid'],
    [1, 10, 10, 9, 3, 3, 'same'],
    [2, 5, 5, 1, 2, 2, 'same'],
    [2, 11, 10, 8, 2, 3, 'valid'], // disjoint windows with gaps
    [1, 9, 9, 12, 2, 1, 'valid'], // overlapping 2x2
  ];
  for (const [i, args] of cases.entries()) {
    it(`is bit-identical for [${args}]`, () => {
      const g = poolGeometry(...args);
      const rng = new Rng(700 + i);
      const x = randPool(rng, g.batch * g.h * g.w * g.c);
      const dy = new Float32Array(g.batch * g.outH * g.outW * g.c);
      for (let j = 0; j < dy.length; j++) dy[j] = rng.uniform(-2, 2);
      dy[0] = -0;
      if (x.length > 5) {
        x[1] = Number.NaN; // a NaN in a window: the first slot's NaN wins, later ones lose
        x[x.length - 1] = Number.NaN;
        x[2] = -Infinity;
      }
      const want = new Float32Array(x.length);
      maxPoolGradJs(x, dy, g, want);
      const got = new Float32Array(x.length).fill(9);
      maxPoolGrad(x, dy, g, got);
      expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
    });
  }

  it('throws NnKernelError on bad geometry or sizes', () => {
    const g = poolGeometry(1, 4, 4, 2, 2, 2, 'same');
    const x = new Float32Array(32);
    const dy = new Float32Array(8);
    expect(() => maxPoolGrad(x, dy, { ...g, c: 0 }, x.slice())).toThrow(NnKernelError);
    expect(() => maxPoolGrad(x, dy, { ...g, strideH: 1.5 }, x.slice())).toThrow(NnKernelError);
    expect(() => maxPoolGrad(x, dy.subarray(1), g, x.slice())).toThrow(NnKernelError);
    expect(() => maxPoolGrad(x, dy, g, new Float32Array(31))).toThrow(NnKernelError);
    expect(() => maxPoolGrad(x.subarray(2), dy, g, x.slice())).toThrow(NnKernelError);
  });

  it('nnMaxPoolGrad returns an error code instead of trapping', () => {
    type Fn = (...a: number[]) => number;
    const fn = kernel<Fn>('nnMaxPoolGrad');
    const ok = [1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0];
    expect(fn(64, 1024, 2048, ...ok)).toBe(0);
    expect(fn(0, 1024, 2048, ...ok)).toBeLessThan(0); // null
    expect(fn(66, 1024, 2048, ...ok)).toBeLessThan(0); // misaligned
    expect(fn(64, 1024, 80, ...ok)).toBeLessThan(0); // dx overlaps x
    expect(fn(64, 1024, 0x7fff_fff0, ...ok)).toBeLessThan(0); // beyond memory
    expect(fn(64, 1024, 2048, 1, 4, 4, 0, 2, 2, 2, 2, 2, 2, 0, 0)).toBeLessThan(0); // c = 0
    expect(fn(64, 1024, 2048, 1, 4, 4, 2, 2, 2, 2, 2, 0, 2, 0, 0)).toBeLessThan(0); // stride 0
    expect(fn(64, 1024, 2048, 1, 0x4000, 0x4000, 0x4000, 1, 1, 1, 1, 1, 1, 0, 0)).toBeLessThan(0);
  });
});
