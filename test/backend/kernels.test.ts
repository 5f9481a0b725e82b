// Our 'wasm' gradient kernels against the 'cpu' backend (and the plain-TS oracles) on random
// shapes: odd sizes, odd channel counts, stride 2, valid padding, non-square filters.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Registers tfjs's gradient functions (tfjs-core alone does not), as the library's trainer does.
import '@tensorflow/tfjs-layers';
import { initBackend, KernelSupportError } from '../../src/backend/index.js';
import { backpropInputImpl } from '../../src/backend/kernels/conv2dBackpropInput.js';
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  NnKernelError,
  type Conv2dGeometry,
} from '../../src/kernels/nn.js';
import { conv2dBackpropFilterRef, conv2dBackpropInputRef } from '../../src/backend/reference/conv2dGrad.js';
import { Rng } from '../../src/random/index.js';

type Pad = 'same' | 'valid';
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [1, 7, 5, 3], f: [3, 3, 3, 5], s: [1, 1], pad: 'same' },
  { x: [2, 9, 7, 4], f: [3, 3, 4, 8], s: [2, 2], pad: 'same' },
  { x: [2, 8, 11, 5], f: [3, 3, 5, 9], s: [1, 1], pad: 'valid' },
  { x: [1, 9, 10, 6], f: [3, 3, 6, 7], s: [2, 2], pad: 'valid' },
  { x: [2, 6, 8, 16], f: [2, 2, 16, 8], s: [2, 2], pad: 'same' }, // conv2dTranspose 2x2/2
  { x: [1, 7, 9, 3], f: [2, 2, 3, 10], s: [2, 2], pad: 'same' }, // odd sizes, filter == stride
  { x: [1, 7, 9, 3], f: [2, 2, 3, 4], s: [2, 2], pad: 'valid' },
  { x: [3, 5, 6, 12], f: [1, 1, 12, 2], s: [1, 1], pad: 'same' }, // 1x1 head
  { x: [1, 10, 9, 2], f: [3, 2, 2, 6], s: [2, 1], pad: 'same' }, // non-square filter and stride
  { x: [1, 12, 12, 9], f: [5, 5, 9, 17], s: [3, 3], pad: 'same' },
  { x: [2, 16, 16, 24], f: [3, 3, 24, 16], s: [1, 1], pad: 'same' },
  { x: [2, 12, 10, 1], f: [3, 3, 1, 16], s: [1, 1], pad: 'same' }, // U-Net first layer (narrow dx)
  { x: [1, 9, 8, 4], f: [3, 3, 4, 7], s: [1, 2], pad: 'valid' }, // narrow dx, padded outC
];

function randn(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-12);
}

const label = (c: Case): string => `x [${c.x}] f [${c.f}] stride [${c.s}] ${c.pad}`;

/** Runs `fn` on `backend` and returns the result's data. */
async function on(backend: string, fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = fn();
  const d = (await t.data()) as Float32Array;
  t.dispose();
  return d;
}

describe('backend/wasm gradient kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  for (const [i, c] of CASES.entries()) {
    it(`Conv2DBackpropFilter and Conv2DBackpropInput match 'cpu': ${label(c)}`, async () => {
      const rng = new Rng(100 + i);
      const xv = randn(
        rng,
        c.x.reduce((p, v) => p * v),
      );
      const wv = randn(
        rng,
        c.f.reduce((p, v) => p * v),
      );
      // The output shape comes from the forward conv.
      await tf.setBackend('cpu');
      const yShape = tf.tidy(() => tf.conv2d(tf.tensor4d(xv, c.x), tf.tensor4d(wv, c.f), c.s, c.pad).shape);
      const dyv = randn(
        rng,
        yShape.reduce((p, v) => p * v),
      );
      const dw = (): tf.Tensor =>
        tf.tidy(
          () =>
            tf
              .engine()
              .runKernel(
                'Conv2DBackpropFilter',
                { x: tf.tensor4d(xv, c.x), dy: tf.tensor4d(dyv, yShape) },
                { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f },
              ) as tf.Tensor,
        );
      const dx = (): tf.Tensor =>
        tf.tidy(
          () =>
            tf
              .engine()
              .runKernel(
                'Conv2DBackpropInput',
                { dy: tf.tensor4d(dyv, yShape), filter: tf.tensor4d(wv, c.f) },
                { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
              ) as tf.Tensor,
        );
      const dwCpu = await on('cpu', dw);
      const dxCpu = await on('cpu', dx);
      const dwWasm = await on('wasm', dw);
      const dxWasm = await on('wasm', dx);
      expect(relErr(dwWasm, dwCpu)).toBeLessThanOrEqual(1e-4);
      expect(relErr(dxWasm, dxCpu)).toBeLessThanOrEqual(1e-4);
      // The XNNPACK composition, kept as the measured alternative, must agree too.
      backpropInputImpl.use = 'xnn';
      try {
        expect(relErr(await on('wasm', dx), dxCpu)).toBeLessThanOrEqual(1e-4);
      } finally {
        backpropInputImpl.use = 'as';
      }
    });
  }

  it("gradients of conv2d and conv2dTranspose through tf.grads match 'cpu'", async () => {
    const rng = new Rng(7);
    const xv = randn(rng, 2 * 9 * 7 * 3);
    const w1 = randn(rng, 3 * 3 * 3 * 8);
    const w2 = randn(rng, 2 * 2 * 4 * 8);
    const grads = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const out = tf.tidy(() => {
        const x = tf.tensor4d(xv, [2, 9, 7, 3]);
        const f1 = tf.tensor4d(w1, [3, 3, 3, 8]);
        const f2 = tf.tensor4d(w2, [2, 2, 4, 8]);
        const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Scalar => {
          const h = tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'));
          const up = tf.conv2dTranspose(h, c as tf.Tensor4D, [2, 10, 8, 4], 2, 'same');
          return tf.sum(tf.square(up));
        };
        return tf.grads(loss)([x, f1, f2]);
      });
      const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose(out);
      return data;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    for (let k = 0; k < cpu.length; k++) expect(relErr(wasm[k]!, cpu[k]!)).toBeLessThanOrEqual(1e-4);
  });

  it('rejects NCHW with a KernelSupportError', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 4, 4]);
    const dy = tf.zeros([1, 2, 4, 4]);
    expect(() =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] },
        ),
    ).toThrow(KernelSupportError);
    tf.dispose([x, dy]);
  });
});

describe('kernels/nn wrappers against the plain-TS oracles', () => {
  const geoms: Conv2dGeometry[] = [
    {
      batch: 2,
      inH: 7,
      inW: 6,
      inC: 3,
      outH: 7,
      outW: 6,
      outC: 5,
      filterH: 3,
      filterW: 3,
      strideH: 1,
      strideW: 1,
      padTop: 1,
      padLeft: 1,
    },
    {
      batch: 1,
      inH: 9,
      inW: 8,
      inC: 9,
      outH: 4,
      outW: 4,
      outC: 11,
      filterH: 3,
      filterW: 2,
      strideH: 2,
      strideW: 2,
      padTop: 0,
      padLeft: 0,
    },
    {
      batch: 1,
      inH: 5,
      inW: 5,
      inC: 8,
      outH: 3,
      outW: 3,
      outC: 8,
      filterH: 2,
      filterW: 2,
      strideH: 2,
      strideW: 2,
      padTop: 0,
      padLeft: 0,
    },
  ];
  for (const [i, g] of geoms.entries()) {
    it(`matches for geometry ${i}`, () => {
      const rng = new Rng(900 + i);
      const x = randn(rng, g.batch * g.inH * g.inW * g.inC);
      const w = randn(rng, g.filterH * g.filterW * g.inC * g.outC);
      const dy = randn(rng, g.batch * g.outH * g.outW * g.outC);
      expect(relErr(conv2dBackpropFilter(x, dy, g), conv2dBackpropFilterRef(x, dy, g))).toBeLessThanOrEqual(
        1e-5,
      );
      expect(relErr(conv2dBackpropInput(dy, w, g), conv2dBackpropInputRef(dy, w, g))).toBeLessThanOrEqual(
        1e-5,
      );
    });
  }

  it('throws NnKernelError on inconsistent sizes', () => {
    const g = geoms[0]!;
    expect(() => conv2dBackpropFilter(new Float32Array(3), new Float32Array(3), g)).toThrow(NnKernelError);
    expect(() => conv2dBackpropInput(new Float32Array(3), new Float32Array(3), { ...g, strideH: 0 })).toThrow(
      NnKernelError,
    );
  });
});
