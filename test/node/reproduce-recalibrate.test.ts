import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { buildUNet, isBatchNormLayer, SeededDropout } from '../../src/model/index.js';
import { mixSeed, Rng } from '../../src/random/index.js';
import { recalibrateBatchNorm } from '../../src/node/reproduce/recalibrateBatchNorm.js';
import { makeBatch } from '../../src/train/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const W = 32;
function stack(count: number, seed: number): { data: Float32Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const data = new Float32Array(count * W * W).map(() => rng.next());
  const labels = new Uint8Array(count * W * W).map(() => (rng.next() > 0.3 ? 1 : 0));
  return { data, labels };
}

describe('recalibrateBatchNorm', () => {
  it('sets the moving statistics to the average of the batch statistics and restores momentum', () => {
    const model = buildUNet({ depth: 2, baseFilters: 4, batchNorm: true, seed: 3 });
    const bn = model.layers.filter((l) => isBatchNormLayer(l));
    expect(bn.length).toBeGreaterThan(0);
    const first = bn[0]!;
    const { data, labels } = stack(3, 1);
    const trainStack = { data, width: W, height: W, count: 3 };
    const o = { slices: [0, 2], tileSize: 16, batchSize: 2, passes: 3, seed: 9 };
    // The first BN layer's input does not depend on any moving statistic.
    const probe = tfl.model({ inputs: model.inputs, outputs: first.input as tfl.SymbolicTensor });
    const means: number[][] = [];
    const vars: number[][] = [];
    for (let k = 0; k < o.passes; k++) {
      const idx = [0, 1].map((i) => o.slices[(k * o.batchSize + i) % o.slices.length]!);
      const b = makeBatch(
        trainStack,
        labels,
        idx,
        { inputSize: 16, outputSize: 16 },
        false,
        false,
        mixSeed(o.seed, k, 0xb7a1),
      );
      tf.tidy(() => {
        const y = probe.apply(tf.tensor4d(b.images, [2, 16, 16, 1])) as tf.Tensor4D;
        const m = tf.moments(y, [0, 1, 2]);
        means.push(Array.from(m.mean.dataSync()));
        vars.push(Array.from(m.variance.dataSync()));
      });
    }
    const avg = (rows: number[][]): number[] =>
      rows[0]!.map((_, c) => rows.reduce((s, r) => s + r[c]!, 0) / rows.length);
    const momenta = bn.map((l) => (l as unknown as { momentum: number }).momentum);
    const before = first.getWeights().map((w) => Array.from(w.dataSync()));
    expect(recalibrateBatchNorm(model, trainStack, labels, o)).toBe(bn.length);
    const after = first.getWeights().map((w) => Array.from(w.dataSync()));
    // Weights order: gamma, beta, moving_mean, moving_variance.
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
    after[2]!.forEach((v, c) => expect(v).toBeCloseTo(avg(means)[c]!, 4));
    after[3]!.forEach((v, c) => expect(v).toBeCloseTo(avg(vars)[c]!, 4));
    expect(after[2]).not.toEqual(before[2]);
    expect(bn.map((l) => (l as unknown as { momentum: number }).momentum)).toEqual(momenta);
    model.dispose();
  });

  it('measures the statistics without dropout, as inference runs', () => {
    const { data, labels } = stack(3, 4);
    const trainStack = { data, width: W, height: W, count: 3 };
    const o = { slices: [0, 1, 2], tileSize: 16, batchSize: 2, passes: 2, seed: 5 };
    const movingStats = (dropout: number): { stats: number[][]; model: tfl.LayersModel } => {
      // Same seed: the same initial weights with and without the dropout layer.
      const model = buildUNet({ depth: 2, baseFilters: 4, batchNorm: true, dropout, seed: 3 });
      recalibrateBatchNorm(model, trainStack, labels, o);
      const stats = model.layers
        .filter((l) => isBatchNormLayer(l))
        .flatMap((l) =>
          l
            .getWeights()
            .slice(2)
            .map((w) => Array.from(w.dataSync())),
        );
      return { stats, model };
    };
    const plain = movingStats(0);
    const dropped = movingStats(0.5);
    expect(dropped.stats).toEqual(plain.stats);
    // The layer is back on, and its mask sequence did not advance.
    const layer = dropped.model.layers.find((l) => l instanceof SeededDropout)!;
    expect(layer).toBeInstanceOf(SeededDropout);
    expect((layer as SeededDropout).enabled).toBe(true);
    expect((layer as SeededDropout).step).toBe(0);
    // Had it stayed on, the layers after it would have measured other statistics.
    const onModel = buildUNet({ depth: 2, baseFilters: 4, batchNorm: true, dropout: 0.5, seed: 3 });
    const bnAfter = onModel.layers.filter((l) => isBatchNormLayer(l)).at(-1)!;
    const b = makeBatch(trainStack, labels, [0, 1], { inputSize: 16, outputSize: 16 }, false, false, 1);
    const x = tf.tensor4d(b.images, [2, 16, 16, 1]);
    const probe = tfl.model({ inputs: onModel.inputs, outputs: bnAfter.input as tfl.SymbolicTensor });
    const varOf = (training: boolean): number =>
      tf.tidy(() => tf.moments(probe.apply(x, { training }) as tf.Tensor4D).variance.dataSync()[0]!);
    expect(varOf(true)).not.toBeCloseTo(varOf(false), 6);
    x.dispose();
    for (const m of [plain.model, dropped.model, onModel]) m.dispose();
  });

  it('does nothing on a model without batch norm', () => {
    const model = buildUNet({ depth: 1, baseFilters: 2, batchNorm: false });
    const { data, labels } = stack(1, 2);
    const n = recalibrateBatchNorm(model, { data, width: W, height: W, count: 1 }, labels, {
      slices: [0],
      tileSize: 16,
      batchSize: 1,
      seed: 0,
    });
    expect(n).toBe(0);
    model.dispose();
  });
});
