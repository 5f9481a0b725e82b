import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildUNet,
  describeUNet,
  isBatchNormLayer,
  readUNetOptions,
  SeededDropout,
  UNetConfigError,
  unetOutputSize,
  withInputSize,
} from '../../src/model/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function weightsEqual(a: tfl.LayersModel, b: tfl.LayersModel): boolean {
  const wa = a.getWeights();
  const wb = b.getWeights();
  if (wa.length !== wb.length) return false;
  return wa.every((w, i) => tf.tidy(() => tf.all(tf.equal(w, wb[i]!)).dataSync()[0] === 1));
}

describe('buildUNet', () => {
  it('same padding: output has the input size, dynamic H/W, softmax over classes', () => {
    const m = buildUNet({ depth: 2, baseFilters: 4, classes: 3 });
    expect(m.inputs[0]!.shape).toEqual([null, null, null, 1]);
    const y = tf.tidy(() => m.predict(tf.randomUniform([2, 16, 24, 1], 0, 1, 'float32', 1)) as tf.Tensor);
    expect(y.shape).toEqual([2, 16, 24, 3]);
    const sums = tf.tidy(() => tf.sum(y, -1));
    const s = sums.dataSync();
    expect(Math.max(...s.map((v) => Math.abs(v - 1)))).toBeLessThan(1e-5);
    tf.dispose([y, sums]);
    m.dispose();
  });

  it('valid padding: cropped skips, smaller output, paper sizes', () => {
    const m = buildUNet({ depth: 2, baseFilters: 4, inputSize: 44, padding: 'valid' });
    expect(m.outputs[0]!.shape).toEqual([null, 4, 4, 2]);
    expect(unetOutputSize(44, { depth: 2, padding: 'valid' })).toBe(4);
    expect(m.layers.filter((l) => l.getClassName() === 'Cropping2D')).toHaveLength(2);
    const y = tf.tidy(() => m.predict(tf.ones([1, 44, 44, 1])) as tf.Tensor);
    expect(y.shape).toEqual([1, 4, 4, 2]);
    y.dispose();
    m.dispose();
    const paper = buildUNet({ inputSize: 572, padding: 'valid', baseFilters: 1 });
    expect(paper.outputs[0]!.shape).toEqual([null, 388, 388, 2]);
    paper.dispose();
  });

  it('refuses sizes and options that do not fit', () => {
    expect(() => buildUNet({ padding: 'valid' })).toThrow(UNetConfigError);
    expect(() => buildUNet({ padding: 'valid', inputSize: 45, depth: 2 })).toThrow(/odd size/);
    expect(() => buildUNet({ inputSize: 20, depth: 3 })).toThrow(/multiple of 8/);
    expect(() => buildUNet({ classes: 1 })).toThrow(UNetConfigError);
    expect(() => buildUNet({ dropout: 1 })).toThrow(UNetConfigError);
    expect(() => buildUNet({ padding: 'full' as 'same' })).toThrow(UNetConfigError);
  });

  it('has a separate batch-norm layer per conv and bilinear upsampling when asked', () => {
    const m = buildUNet({ depth: 2, baseFilters: 2, batchNorm: true, upsampling: 'bilinear' });
    const convs = m.layers.filter(
      (l) => l.getClassName() === 'UNetConv2D' && l.getConfig()['kernelSize']!.toString() === '3,3',
    );
    const bns = m.layers.filter((l) => isBatchNormLayer(l));
    expect(convs.length).toBe(10);
    // Conv (no bias, linear) then batch norm with the ReLU inside; no separate ReLU layers.
    expect(
      convs.every((l) => l.getConfig()['useBias'] === false && l.getConfig()['activation'] === 'linear'),
    ).toBe(true);
    expect(m.layers.filter((l) => l.getClassName() === 'ReLU')).toHaveLength(0);
    expect(bns.length).toBe(convs.length);
    expect(new Set(bns.map((l) => l.name)).size).toBe(bns.length);
    expect(m.layers.filter((l) => l.getClassName() === 'UpSampling2D')).toHaveLength(2);
    expect(m.layers.filter((l) => l.getClassName() === 'Conv2DTranspose')).toHaveLength(0);
    m.dispose();
  });

  it('uses batch-norm momentum 0.9 by default (PyTorch 0.1), or the one asked for', () => {
    const momenta = (m: tfl.LayersModel): unknown[] =>
      m.layers.filter((l) => isBatchNormLayer(l)).map((l) => l.getConfig()['momentum']);
    const d = buildUNet({ depth: 1, baseFilters: 2, batchNorm: true });
    expect(new Set(momenta(d))).toEqual(new Set([0.9]));
    const c = buildUNet({ depth: 1, baseFilters: 2, batchNorm: true, batchNormMomentum: 0.5 });
    expect(new Set(momenta(c))).toEqual(new Set([0.5]));
    expect(() => buildUNet({ batchNorm: true, batchNormMomentum: 1 })).toThrow(UNetConfigError);
    d.dispose();
    c.dispose();
  });

  it('initialises deterministically from the seed, with He-scaled kernels', () => {
    const a = buildUNet({ depth: 1, baseFilters: 8, seed: 7 });
    const b = buildUNet({ depth: 1, baseFilters: 8, seed: 7 });
    const c = buildUNet({ depth: 1, baseFilters: 8, seed: 8 });
    expect(weightsEqual(a, b)).toBe(true);
    expect(weightsEqual(a, c)).toBe(false);
    // He normal: std ≈ sqrt(2 / fanIn); fanIn of the second conv = 3*3*8.
    const k = a.getLayer('down0_conv2').getWeights()[0]!;
    const std = tf.tidy(() => tf.sqrt(tf.moments(k).variance).dataSync()[0]!);
    expect(std).toBeGreaterThan(0.6 * Math.sqrt(2 / 72));
    expect(std).toBeLessThan(1.2 * Math.sqrt(2 / 72));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('stores its options in the metadata and keeps them through save/load', async () => {
    const m = buildUNet({
      depth: 2,
      baseFilters: 2,
      padding: 'valid',
      inputSize: 44,
      dropout: 0.25,
      seed: 3,
    });
    expect(readUNetOptions(m)).toEqual(
      describeUNet({ depth: 2, baseFilters: 2, padding: 'valid', inputSize: 44, dropout: 0.25, seed: 3 }),
    );
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    expect(readUNetOptions(loaded).padding).toBe('valid');
    expect(readUNetOptions(loaded).depth).toBe(2);
    expect(loaded.layers.some((l) => l instanceof SeededDropout)).toBe(true);
    expect(weightsEqual(m, loaded)).toBe(true);
    m.dispose();
    loaded.dispose();
  });

  it('infers the options from the layers when there is no metadata', () => {
    const m = buildUNet({ depth: 3, baseFilters: 2, padding: 'valid', inputSize: 92, batchNorm: true });
    m.setUserDefinedMetadata({});
    const o = readUNetOptions(m);
    expect(o).toMatchObject({
      depth: 3,
      padding: 'valid',
      inputSize: 92,
      batchNorm: true,
      baseFilters: 2,
      classes: 2,
    });
    m.dispose();
  });

  it('withInputSize rebuilds a valid model for larger tiles with the same weights', () => {
    const m = buildUNet({ depth: 2, baseFilters: 2, padding: 'valid', inputSize: 44, seed: 1 });
    const big = withInputSize(m, 60);
    expect(big.outputs[0]!.shape).toEqual([null, 20, 20, 2]);
    expect(weightsEqual(m, big)).toBe(true);
    // The valid output for the 44² centre of a 60² input equals the small model's output.
    const x = tf.randomUniform([1, 60, 60, 1], 0, 1, 'float32', 5);
    const yBig = big.predict(x) as tf.Tensor;
    const ySmall = m.predict(tf.slice(x, [0, 8, 8, 0], [1, 44, 44, 1])) as tf.Tensor;
    const diff = tf.tidy(
      () => tf.max(tf.abs(tf.sub(tf.slice(yBig, [0, 8, 8, 0], [1, 4, 4, 2]), ySmall))).dataSync()[0]!,
    );
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, yBig, ySmall]);
    m.dispose();
    big.dispose();
  });

  it('seeded dropout is off in inference, reproducible and changing across training steps', () => {
    const run = () => {
      const layer = new SeededDropout({ rate: 0.5, seed: 11 });
      const x = tf.ones([1, 8, 8, 4]);
      const outs = [0, 1].map((_) => (layer.apply(x, { training: true }) as tf.Tensor).arraySync());
      const inf = (layer.apply(x) as tf.Tensor).arraySync();
      return { outs, inf };
    };
    const a = run();
    const b = run();
    expect(a.outs).toEqual(b.outs);
    expect(a.outs[0]).not.toEqual(a.outs[1]);
    expect(a.inf).toEqual(tf.ones([1, 8, 8, 4]).arraySync());
  });
});
