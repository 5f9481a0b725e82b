import * as tfl from '@tensorflow/tfjs-layers';
import { mixSeed } from '../random/index.js';
import { isBatchNormLayer, unetBatchNorm } from './batchNormLayer.js';
import { unetConv2d } from './conv2dLayer.js';
import { UNetConfigError } from './errors.js';
import { resolveUNetOptions, type ResolvedUNetOptions, type UNetOptions } from './options.js';
import { SeededDropout } from './seededDropout.js';
import { traceUNetSize } from './size.js';

/** Key under which the resolved options are stored in the model's user-defined metadata. */
export const UNET_METADATA_KEY = 'unet';

/**
 * Builds the U-Net of Ronneberger et al. (2015) as a tfjs `LayersModel`: `depth` levels of two 3×3
 * convs (+ optional batch norm) + ReLU and a 2×2 max-pool, two convs at the bottom (+ dropout), then
 * per level an up-sampling, concatenation with the (centre-cropped, for `valid`) skip and two convs,
 * and a 1×1 conv with softmax over the classes. He-normal initialisation seeded from `seed`.
 * Input `[batch, H, W, inChannels]`, output `[batch, H', W', classes]` probabilities.
 * The resolved options are stored in the model metadata (see {@link readUNetOptions}).
 */
export function buildUNet(options: UNetOptions = {}): tfl.LayersModel {
  const o = resolveUNetOptions(options);
  let sizes: { skips: number[]; ups: number[] } | null = null;
  if (o.inputSize !== null) {
    const t = traceUNetSize(o.inputSize, { depth: o.depth, padding: o.padding });
    if ('error' in t) throw new UNetConfigError(t.error);
    sizes = t;
  }
  let layerIndex = 0;
  const init = () => tfl.initializers.heNormal({ seed: mixSeed(o.seed, layerIndex++) });

  // Conv + ReLU (no bias with batch norm, whose beta replaces it); UNetConv2D and UNetBatchNorm
  // keep the ReLU inside their kernels on 'wasm'.
  const conv = (x: tfl.SymbolicTensor, filters: number, name: string): tfl.SymbolicTensor => {
    const y = unetConv2d({
      filters,
      kernelSize: 3,
      padding: o.padding,
      useBias: !o.batchNorm,
      activation: o.batchNorm ? 'linear' : 'relu',
      kernelInitializer: init(),
      name,
    }).apply(x) as tfl.SymbolicTensor;
    if (!o.batchNorm) return y;
    return unetBatchNorm({
      axis: -1,
      momentum: o.batchNormMomentum,
      relu: true,
      name: `${name}_bn`,
    }).apply(y) as tfl.SymbolicTensor;
  };

  const input = tfl.input({ shape: [o.inputSize, o.inputSize, o.inChannels], name: 'image' });
  let x: tfl.SymbolicTensor = input;
  const skips: tfl.SymbolicTensor[] = [];
  for (let l = 0; l < o.depth; l++) {
    const f = o.baseFilters * 2 ** l;
    x = conv(x, f, `down${l}_conv1`);
    x = conv(x, f, `down${l}_conv2`);
    skips.push(x);
    x = tfl.layers
      .maxPooling2d({ poolSize: 2, strides: 2, name: `down${l}_pool` })
      .apply(x) as tfl.SymbolicTensor;
  }
  const fb = o.baseFilters * 2 ** o.depth;
  x = conv(x, fb, 'bottom_conv1');
  x = conv(x, fb, 'bottom_conv2');
  if (o.dropout > 0) {
    x = new SeededDropout({ rate: o.dropout, seed: mixSeed(o.seed, 0x0d0d), name: 'bottom_dropout' }).apply(
      x,
    ) as tfl.SymbolicTensor;
  }
  for (let l = o.depth - 1; l >= 0; l--) {
    const f = o.baseFilters * 2 ** l;
    if (o.upsampling === 'transpose') {
      x = tfl.layers
        .conv2dTranspose({
          filters: f,
          kernelSize: 2,
          strides: 2,
          padding: 'valid',
          kernelInitializer: init(),
          name: `up${l}_upconv`,
        })
        .apply(x) as tfl.SymbolicTensor;
    } else {
      x = tfl.layers
        .upSampling2d({ size: [2, 2], interpolation: 'bilinear', name: `up${l}_resize` })
        .apply(x) as tfl.SymbolicTensor;
      x = tfl.layers
        .conv2d({ filters: f, kernelSize: 1, kernelInitializer: init(), name: `up${l}_upconv` })
        .apply(x) as tfl.SymbolicTensor;
    }
    let skip = skips[l]!;
    if (o.padding === 'valid' && sizes) {
      const crop = (sizes.skips[l]! - sizes.ups[l]!) / 2;
      if (crop > 0) {
        skip = tfl.layers
          .cropping2D({
            cropping: [
              [crop, crop],
              [crop, crop],
            ],
            name: `up${l}_crop`,
          })
          .apply(skip) as tfl.SymbolicTensor;
      }
    }
    x = tfl.layers.concatenate({ axis: -1, name: `up${l}_concat` }).apply([skip, x]) as tfl.SymbolicTensor;
    x = conv(x, f, `up${l}_conv1`);
    x = conv(x, f, `up${l}_conv2`);
  }
  x = tfl.layers
    .conv2d({ filters: o.classes, kernelSize: 1, kernelInitializer: init(), name: 'logits' })
    .apply(x) as tfl.SymbolicTensor;
  const output = tfl.layers.softmax({ axis: -1, name: 'probabilities' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output, name: 'unet' });
  model.setUserDefinedMetadata({ [UNET_METADATA_KEY]: { ...o } });
  return model;
}

/**
 * Recovers the options of a U-Net: from the metadata written by {@link buildUNet} (kept by
 * `model.save` / `loadLayersModel`), else inferred from the layers (padding of the first conv,
 * number of max-pools, input and output shapes).
 */
export function readUNetOptions(model: tfl.LayersModel): ResolvedUNetOptions {
  const meta = model.getUserDefinedMetadata() as Record<string, unknown> | undefined;
  const stored = meta?.[UNET_METADATA_KEY];
  if (stored && typeof stored === 'object') return resolveUNetOptions(stored as UNetOptions);
  const inShape = model.inputs[0]!.shape;
  const outShape = model.outputs[0]!.shape;
  let padding: 'same' | 'valid' = 'same';
  let depth = 0;
  let baseFilters = 0;
  let batchNorm = false;
  let upsampling: 'transpose' | 'bilinear' = 'transpose';
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig();
    if ((cls === 'Conv2D' || cls === 'UNetConv2D') && baseFilters === 0) {
      padding = cfg['padding'] === 'valid' ? 'valid' : 'same';
      baseFilters = Number(cfg['filters']);
    }
    if (cls === 'MaxPooling2D') depth++;
    if (isBatchNormLayer(layer)) batchNorm = true;
    if (cls === 'UpSampling2D') upsampling = 'bilinear';
  }
  if (depth === 0) throw new UNetConfigError('model has no max-pooling layer; not a U-Net');
  return resolveUNetOptions({
    inputSize: inShape[1] ?? null,
    inChannels: inShape[3] ?? 1,
    classes: outShape[3] ?? 2,
    depth,
    baseFilters: baseFilters || 16,
    padding,
    batchNorm,
    upsampling,
  });
}

/**
 * The same U-Net (same weights) for another input size, e.g. to run a `valid` model trained on
 * small tiles over larger tiles at inference. Returns `model` itself when the size already matches.
 */
export function withInputSize(model: tfl.LayersModel, inputSize: number | null): tfl.LayersModel {
  const o = readUNetOptions(model);
  if (o.inputSize === inputSize) return model;
  const copy = buildUNet({ ...o, inputSize });
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}
