// The gradient, batch-norm and Adam kernels running in place on threaded tfjs-wasm's heap
// (src/kernels/nnShared.ts, nnInPlace.ts, nnBatchNormInPlace.ts, nnAdamInPlace.ts): bit-identical
// to the copying path, close to the float64 oracles, inputs untouched, heap and tensor count flat.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/node/backend.js';
import { nnHelperTimeout, startNnHelperThread, stopNnHelperThread } from '../../src/node/nnThreads.js';
import { attachedNnShared, nnShared } from '../../src/kernels/nnShared.js';
import { bothWays } from './bothWays.js';
import { nnSplitThreshold, type Conv2dGeometry } from '../../src/kernels/nn.js';
import { nnHelper, setNnHelper, type NnHelper } from '../../src/kernels/nnHelper.js';
import { conv2dBackpropFilterRef, conv2dBackpropInputRef } from '../../src/backend/reference/conv2dGrad.js';
import { batchNormTrainRef } from '../../src/backend/reference/batchNorm.js';
import { adamUpdateRef } from '../../src/backend/reference/adam.js';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../src/backend/kernels/batchNormTrain.js';
import { ADAM_UPDATE } from '../../src/backend/kernels/adamUpdate.js';
import { Rng } from '../../src/random/index.js';
import { rand, relErr } from '../model/arrays.js';

type Geom = Omit<Conv2dGeometry, 'outH' | 'outW' | 'padTop' | 'padLeft'> & { pad: 'same' | 'valid' };

// U-Net-like layers, odd sizes, stride 2, valid padding, batch 1 and 3, the first layer (1 input
// channel: narrow dx) and channel counts the in-place path leaves to the copying one.
const GEOMS: Geom[] = [
  {
    batch: 2,
    inH: 12,
    inW: 13,
    inC: 16,
    outC: 16,
    filterH: 3,
    filterW: 3,
    strideH: 1,
    strideW: 1,
    pad: 'same',
  },
  {
    batch: 3,
    inH: 9,
    inW: 7,
    inC: 8,
    outC: 24,
    filterH: 3,
    filterW: 3,
    strideH: 1,
    strideW: 1,
    pad: 'valid',
  },
  {
    batch: 1,
    inH: 10,
    inW: 10,
    inC: 32,
    outC: 16,
    filterH: 3,
    filterW: 3,
    strideH: 1,
    strideW: 1,
    pad: 'same',
  },
  {
    batch: 2,
    inH: 11,
    inW: 9,
    inC: 16,
    outC: 8,
    filterH: 3,
    filterW: 3,
    strideH: 2,
    strideW: 2,
    pad: 'same',
  },
  {
    batch: 2,
    inH: 8,
    inW: 8,
    inC: 16,
    outC: 32,
    filterH: 2,
    filterW: 2,
    strideH: 2,
    strideW: 2,
    pad: 'valid',
  },
  {
    batch: 2,
    inH: 10,
    inW: 11,
    inC: 1,
    outC: 16,
    filterH: 3,
    filterW: 3,
    strideH: 1,
    strideW: 1,
    pad: 'same',
  },
  { batch: 2, inH: 7, inW: 6, inC: 16, outC: 2, filterH: 1, filterW: 1, strideH: 1, strideW: 1, pad: 'same' },
  { batch: 2, inH: 7, inW: 6, inC: 5, outC: 3, filterH: 3, filterW: 3, strideH: 1, strideW: 1, pad: 'same' },
];

function geometry(g: Geom): Conv2dGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    [g.batch, g.inH, g.inW, g.inC],
    [g.filterH, g.filterW, g.inC, g.outC],
    [g.strideH, g.strideW],
    1,
    g.pad,
  );
  return {
    ...g,
    outH: info.outHeight,
    outW: info.outWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** dw and dx of one geometry through the registered kernels, read back to JS. */
function convGrads(g: Geom, x: tf.Tensor, dy: tf.Tensor, w: tf.Tensor): Float32Array[] {
  const attrs = {
    strides: [g.strideH, g.strideW],
    pad: g.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  };
  const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    ...attrs,
    filterShape: [g.filterH, g.filterW, g.inC, g.outC],
  } as never) as tf.Tensor;
  const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
    ...attrs,
    inputShape: x.shape,
  } as never) as tf.Tensor;
  const out = [dw.dataSync() as Float32Array, dx.dataSync() as Float32Array];
  tf.dispose([dw, dx]);
  return out;
}

function heapBytes(): number {
  return attachedNnShared()!.memory.buffer.byteLength;
}

describe('kernels/nnInPlace on threaded tfjs-wasm', () => {
  const threshold = nnSplitThreshold.macs;
  beforeAll(async () => {
    await initNodeBackend('wasm', { threads: 2, helperThread: true });
    nnSplitThreshold.macs = 0; // split every call with batch >= 2
  });
  afterAll(() => {
    nnSplitThreshold.macs = threshold;
    stopNnHelperThread();
  });

  it('attaches the kernels to the heap of the active backend, and the helper to the same heap', () => {
    const nn = attachedNnShared();
    expect(nn).not.toBeNull();
    expect(nnShared(tf.backend())).toBe(nn);
    expect(nnShared({})).toBeNull(); // another backend's tensors are copied
    expect(nnHelper()?.hasShared(nn!.memory)).toBe(true);
    // The probe: a tensor's bytes are where its offset says, in that memory.
    const t = tf.tensor1d([3.5, -1.25]);
    const offset = (
      tf.backend() as unknown as { dataIdMap: { get(d: object): { memoryOffset: number } } }
    ).dataIdMap.get(t.dataId).memoryOffset;
    expect(Array.from(new Float32Array(nn!.memory.buffer, offset, 2))).toEqual([3.5, -1.25]);
    t.dispose();
  });

  it('conv gradients: bit-identical to the copying path, close to the oracle, inputs untouched', () => {
    for (const [i, gm] of GEOMS.entries()) {
      const g = geometry(gm);
      const rng = new Rng(900 + i);
      const xs = rand(rng, g.batch * g.inH * g.inW * g.inC);
      const dys = rand(rng, g.batch * g.outH * g.outW * g.outC);
      const ws = rand(rng, g.filterH * g.filterW * g.inC * g.outC);
      const x = tf.tensor4d(xs, [g.batch, g.inH, g.inW, g.inC]);
      const dy = tf.tensor4d(dys, [g.batch, g.outH, g.outW, g.outC]);
      const w = tf.tensor4d(ws, [g.filterH, g.filterW, g.inC, g.outC]);
      const { inPlace, copied, kernels } = bothWays(() => convGrads(gm, x, dy, w));
      // Channel counts that need padding take the copying path.
      const filterInPlace = g.inC % 4 === 0 && g.outC % 8 === 0;
      const inputInPlace = g.inC <= 4 ? g.outC % 4 === 0 : g.inC % 8 === 0;
      expect(kernels.has('nnConv2dBackpropFilter'), `case ${i}`).toBe(filterInPlace);
      const dxKernel = g.inC <= 4 ? 'nnConv2dBackpropInputNarrow' : 'nnConv2dBackpropInput';
      expect(kernels.has(dxKernel), `case ${i}`).toBe(inputInPlace);
      expect(inPlace[0], `dw, case ${i}`).toEqual(copied[0]);
      expect(inPlace[1], `dx, case ${i}`).toEqual(copied[1]);
      expect(relErr(inPlace[0]!, conv2dBackpropFilterRef(xs, dys, g)), `dw, case ${i}`).toBeLessThan(1e-5);
      expect(relErr(inPlace[1]!, conv2dBackpropInputRef(dys, ws, g)), `dx, case ${i}`).toBeLessThan(1e-5);
      expect(x.dataSync()).toEqual(xs);
      expect(dy.dataSync()).toEqual(dys);
      expect(w.dataSync()).toEqual(ws);
      tf.dispose([x, dy, w]);
    }
  });

  it('conv gradients without the helper, and when the helper fails, are the same bits', async () => {
    const g = GEOMS[0]!;
    const rng = new Rng(77);
    const x = tf.tensor4d(rand(rng, g.batch * g.inH * g.inW * g.inC), [g.batch, g.inH, g.inW, g.inC]);
    const dy = tf.tensor4d(rand(rng, g.batch * g.inH * g.inW * g.outC), [g.batch, g.inH, g.inW, g.outC]);
    const w = tf.tensor4d(rand(rng, 9 * g.inC * g.outC), [3, 3, g.inC, g.outC]);
    const real = nnHelper()!;
    let shared = 0;
    setNnHelper({
      staging: (n) => real.staging(n),
      start: (...a) => real.start(...a),
      finish: () => real.finish(),
      hasShared: (m) => real.hasShared(m),
      startShared: (...a) => (shared++, real.startShared(...a)),
    });
    const withHelper = convGrads(g, x, dy, w);
    expect(shared).toBe(2); // one share of dw, one of dx
    setNnHelper(null);
    const alone = convGrads(g, x, dy, w);
    let started = 0;
    const broken: NnHelper = {
      staging: (n) => new Float32Array(n),
      start: () => {},
      finish: () => false,
      hasShared: () => true,
      startShared: () => {
        started++;
      },
    };
    setNnHelper(broken);
    const failed = convGrads(g, x, dy, w);
    expect(started).toBe(2);
    setNnHelper(real);
    expect(alone).toEqual(withHelper);
    expect(failed).toEqual(withHelper);
    tf.dispose([x, dy, w]);
    await startNnHelperThread(); // still the same helper
    expect(nnHelper()).toBe(real);
  });

  it('a helper that does not answer in time is terminated and uninstalled; the result is right', async () => {
    await startNnHelperThread();
    const helper = nnHelper()!;
    const nn = attachedNnShared()!;
    // Keep the helper busy with a long share of its own (a 15×15 filter gradient over 8 images of
    // 128² × 16: 7.5 G multiply-adds, about a second), and give it time to pick that up.
    const big = tf.zeros([8, 128, 128, 16]);
    const dwBig = tf.zeros([15, 15, 16, 16]);
    const at = (t: tf.Tensor): number =>
      (tf.backend() as unknown as { dataIdMap: { get(d: object): { memoryOffset: number } } }).dataIdMap.get(
        t.dataId,
      ).memoryOffset;
    const timeout = nnHelperTimeout.ms;
    nnHelperTimeout.ms = 20;
    try {
      const sizes = [8, 128, 128, 16, 128, 128, 16, 15, 15, 1, 1, 7, 7];
      helper.startShared('nnConv2dBackpropFilter', [at(big), at(big), at(dwBig), ...sizes]);
      await new Promise((r) => setTimeout(r, 100));
      const g = geometry(GEOMS[0]!);
      const rng = new Rng(11);
      const xs = rand(rng, g.batch * g.inH * g.inW * g.inC);
      const dys = rand(rng, g.batch * g.outH * g.outW * g.outC);
      const ws = rand(rng, 9 * g.inC * g.outC);
      const x = tf.tensor4d(xs, [g.batch, g.inH, g.inW, g.inC]);
      const dy = tf.tensor4d(dys, [g.batch, g.outH, g.outW, g.outC]);
      const w = tf.tensor4d(ws, [3, 3, g.inC, g.outC]);
      const [dw, dx] = convGrads(GEOMS[0]!, x, dy, w);
      expect(nnHelper()).toBeNull(); // the dead helper no longer gets work
      expect(relErr(dw!, conv2dBackpropFilterRef(xs, dys, g))).toBeLessThan(1e-5);
      expect(relErr(dx!, conv2dBackpropInputRef(dys, ws, g))).toBeLessThan(1e-5);
      tf.dispose([x, dy, w]);
    } finally {
      nnHelperTimeout.ms = timeout;
    }
    expect(nn.memory).toBe(attachedNnShared()!.memory);
    await startNnHelperThread(); // a new helper on the same heap
    expect(nnHelper()).not.toBe(helper);
    expect(nnHelper()!.hasShared(nn.memory)).toBe(true);
    tf.dispose([big, dwBig]);
  });

  it('batch norm (with and without relu): bit-identical to the copying path, oracle, dy untouched', () => {
    for (const [i, [n, c, relu]] of (
      [
        [2 * 12 * 13, 16, true],
        [3 * 7, 24, false],
        [5, 3, true],
        [64, 1, false],
      ] as const
    ).entries()) {
      const rng = new Rng(40 + i);
      const xs = rand(rng, n * c);
      const gs = Float32Array.from({ length: c }, () => rng.uniform(0.5, 1.5));
      const bs = rand(rng, c);
      const dys = rand(rng, n * c);
      const x = tf.tensor2d(xs, [n, c]);
      const gamma = tf.tensor1d(gs);
      const beta = tf.tensor1d(bs);
      const dy = tf.tensor2d(dys, [n, c]);
      const run = (): Float32Array[] => {
        const fwd = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, {
          epsilon: 1e-3,
          relu,
          momentum: 0.99,
        } as never) as tf.Tensor[];
        const [y, mean, , invstd] = fwd as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const grads = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, {
          dy,
          x,
          mean,
          invstd,
          gamma,
          ...(relu ? { y } : {}),
        }) as tf.Tensor[];
        const out = [...fwd, ...grads].map((t) => t.dataSync() as Float32Array);
        tf.dispose([...fwd, ...grads]);
        return out;
      };
      const { inPlace, copied, kernels } = bothWays(run);
      expect([...kernels].filter((k) => k.startsWith('nnBatchNorm')).sort()).toEqual([
        'nnBatchNormBackward',
        'nnBatchNormForward',
      ]);
      for (let k = 0; k < inPlace.length; k++)
        expect(inPlace[k], `case ${i}, output ${k}`).toEqual(copied[k]);
      const ref = batchNormTrainRef(xs, gs, bs, dys, n, c, 1e-3, relu);
      expect(relErr(inPlace[0]!, ref.y)).toBeLessThan(1e-5);
      expect(relErr(inPlace[4]!, ref.dx)).toBeLessThan(1e-4);
      expect(relErr(inPlace[5]!, ref.dgamma)).toBeLessThan(1e-4);
      expect(relErr(inPlace[6]!, ref.dbeta)).toBeLessThan(1e-5);
      expect(dy.dataSync(), `case ${i}: the relu mask must not be stored into dy`).toEqual(dys);
      expect(x.dataSync()).toEqual(xs);
      tf.dispose([x, gamma, beta, dy]);
    }
  });

  it('Adam: bit-identical to the copying path and the oracle, inputs untouched', () => {
    const rng = new Rng(5);
    const n = 1003;
    const arrays = [rand(rng, n), rand(rng, n).map(Math.abs), rand(rng, n).map(Math.abs), rand(rng, n)];
    const [xs, ms, vs, gs] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [x, m, v, g] = arrays.map((a) => tf.tensor1d(a));
    const acc1 = tf.scalar(0.9 ** 3);
    const acc2 = tf.scalar(0.999 ** 3);
    const consts = { beta1: 0.9, beta2: 0.999, learningRate: 1e-3, epsilon: 1e-7 };
    const run = (): Float32Array[] => {
      const out = tf
        .engine()
        .runKernel(
          ADAM_UPDATE,
          { value: x!, m: m!, v: v!, grad: g!, accBeta1: acc1, accBeta2: acc2 },
          consts as never,
        ) as tf.Tensor[];
      const data = out.map((t) => t.dataSync() as Float32Array);
      tf.dispose(out);
      return data;
    };
    const { inPlace, copied, kernels } = bothWays(run);
    expect(kernels.has('nnAdamUpdate')).toBe(true);
    expect(inPlace).toEqual(copied);
    const [rx, rm, rv] = [xs.slice(), ms.slice(), vs.slice()];
    adamUpdateRef(rx, rm, rv, gs, {
      ...consts,
      accBeta1: acc1.dataSync()[0]!,
      accBeta2: acc2.dataSync()[0]!,
    });
    expect(inPlace).toEqual([rx, rm, rv]);
    expect(x!.dataSync()).toEqual(xs);
    expect(m!.dataSync()).toEqual(ms);
    expect(v!.dataSync()).toEqual(vs);
    tf.dispose([x!, m!, v!, g!, acc1, acc2]);
  });

  it('frees its scratch: tensor count and heap size stay flat over repeated calls', () => {
    const g = GEOMS[0]!;
    const rng = new Rng(3);
    const x = tf.tensor4d(rand(rng, g.batch * g.inH * g.inW * g.inC), [g.batch, g.inH, g.inW, g.inC]);
    const dy = tf.tensor4d(rand(rng, g.batch * g.inH * g.inW * g.outC), [g.batch, g.inH, g.inW, g.outC]);
    const w = tf.tensor4d(rand(rng, 9 * g.inC * g.outC), [3, 3, g.inC, g.outC]);
    convGrads(g, x, dy, w);
    const tensors = tf.memory().numTensors;
    const bytes = heapBytes();
    const heap = attachedNnShared()!.heap;
    const { malloc, free } = heap;
    const live = new Set<number>();
    let mallocs = 0;
    heap.malloc = (n) => {
      const p = malloc(n);
      live.add(p);
      mallocs++;
      return p;
    };
    heap.free = (p) => (live.delete(p), free(p));
    try {
      for (let r = 0; r < 200; r++) convGrads(g, x, dy, w);
    } finally {
      heap.malloc = malloc;
      heap.free = free;
    }
    expect(mallocs).toBeGreaterThanOrEqual(200 * 3); // dw's second share, bordered dy, transposed w
    expect(live.size).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(heapBytes()).toBe(bytes);
    tf.dispose([x, dy, w]);
  });
});
