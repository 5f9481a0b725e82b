import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readUNetOptions, withInputSize } from '../model/buildUNet.js';
import { traceUNetSize } from '../model/size.js';
import { InferenceInputError } from './errors.js';
import { mirrorPad } from './mirrorPad.js';
import { argmaxLabels } from './argmaxLabels.js';
import { dihedralInverse, dihedralTransform } from './dihedral.js';

/** Options of {@link predictTiled}. */
export interface PredictTiledOptions {
  /**
   * Side of the square input tile. Default: the model's input size if it is fixed, else the size
   * (≤ 768) that covers the image with the fewest pixels pushed through the network. With `same` padding it must be a multiple of 2^depth; with `valid`
   * padding a valid input size (the model is rebuilt for it with the same weights if needed).
   */
  tileSize?: number;
  /**
   * `same` padding only: context discarded on each side of a tile, because a zero-padded conv is
   * wrong near the tile border. Default 2^(depth+1) (32 for depth 4); rounded up to a multiple of
   * 2^(depth−1). With `valid` padding the context is fixed by the network ((in − out) / 2).
   */
  margin?: number;
  /** Average the 8 flips/rotations of every tile (test-time augmentation, as in the paper). Default false. */
  tta?: boolean;
  /** Tiles per forward pass. Default 4. */
  batchSize?: number;
  /** Called after every batch with (tiles done, tiles total). */
  onProgress?: (done: number, total: number) => void;
}

/** Largest tile {@link predictTiled} picks by itself for a dynamic-size model (memory grows with its square). */
export const MAX_AUTO_TILE = 768;

/**
 * For a dynamic `same` model: the tile side (a multiple of `align`) that covers the image with the
 * fewest pixels pushed through the network, counting the discarded context; ties go to the smaller
 * tile. E.g. a 512² image with context 32 is one 576² tile instead of nine 256² ones.
 */
function cheapestTile(width: number, height: number, context: number, align: number): number {
  const need = Math.ceil((Math.max(width, height) + 2 * context) / align) * align;
  let best = 0;
  let bestCost = Infinity;
  for (
    let t = 2 * context + align;
    t <= Math.max(2 * context + align, Math.min(need, MAX_AUTO_TILE));
    t += align
  ) {
    const step = t - 2 * context;
    const cost = Math.ceil(width / step) * Math.ceil(height / step) * t * t;
    if (cost < bestCost) {
      bestCost = cost;
      best = t;
    }
  }
  return best;
}

/** Output of {@link predictTiled}. */
export interface TiledPrediction {
  /** Class probabilities, `height × width × classes`, row-major, classes last. */
  probabilities: Float32Array;
  /** Arg-max class per pixel, `height × width`. */
  labels: Uint8Array;
  /** The tile geometry used (for logs). */
  tiling: { tileSize: number; context: number; step: number; tiles: number; padding: 'same' | 'valid' };
}

/**
 * The overlap-tile strategy of the U-Net paper, for images of any size. The image (already
 * normalised, `height × width × channels`) is mirror-padded by the tile context on every side; tiles
 * of `tileSize` are cut at multiples of `step` and each contributes the `step × step` block of
 * output for which it has full context: with `valid` padding the network's output is already that
 * centre, with `same` padding a `margin` is discarded on each side. `step` is a multiple of
 * 2^depth, so every tile sees the pooling grid at the same phase as one pass over the whole padded
 * image: for a `valid` model the stitched result equals the whole-image output, and for a `same`
 * model it does wherever the margin covers the receptive field. Optional 8-fold test-time
 * augmentation. Tensors are freed batch by batch.
 */
export async function predictTiled(
  model: tfl.LayersModel,
  image: Float32Array,
  width: number,
  height: number,
  options: PredictTiledOptions = {},
): Promise<TiledPrediction> {
  const o = readUNetOptions(model);
  const C = o.inChannels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InferenceInputError(`width and height must be positive integers, got ${width}x${height}`);
  }
  if (!(image instanceof Float32Array))
    throw new InferenceInputError('image must be a Float32Array (normalise it first)');
  if (image.length !== width * height * C) {
    throw new InferenceInputError(
      `image has ${image.length} values, expected ${width}x${height}x${C} channels = ${width * height * C}`,
    );
  }
  const batchSize = options.batchSize ?? 4;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InferenceInputError(`batchSize must be a positive integer, got ${batchSize}`);
  const align = 2 ** o.depth;

  let tileSize: number;
  let context: number;
  let usable: number;
  if (o.padding === 'valid') {
    tileSize = options.tileSize ?? o.inputSize!;
    const t = traceUNetSize(tileSize, { depth: o.depth, padding: 'valid' });
    if ('error' in t) throw new InferenceInputError(`tileSize: ${t.error}`);
    context = (tileSize - t.output) / 2;
    usable = t.output;
  } else {
    const half = 2 ** Math.max(0, o.depth - 1);
    const margin = options.margin ?? 2 * align;
    if (!Number.isInteger(margin) || margin < 0)
      throw new InferenceInputError(`margin must be an integer >= 0, got ${margin}`);
    context = Math.ceil(margin / half) * half;
    tileSize = options.tileSize ?? o.inputSize ?? cheapestTile(width, height, context, align);
    if (!Number.isInteger(tileSize) || tileSize % align !== 0 || tileSize < align) {
      throw new InferenceInputError(
        `tileSize must be a positive multiple of ${align} for 'same' padding and depth ${o.depth}, got ${tileSize}`,
      );
    }
    usable = tileSize - 2 * context;
  }
  const step = Math.floor(usable / align) * align;
  if (step < align) {
    throw new InferenceInputError(
      `tile ${tileSize} leaves ${usable} output pixels after a context of ${context}; use a larger tileSize or a smaller margin`,
    );
  }

  const runModel = o.inputSize !== null && o.inputSize !== tileSize ? withInputSize(model, tileSize) : model;
  try {
    const nx = Math.ceil(width / step);
    const ny = Math.ceil(height / step);
    const padW = (nx - 1) * step + tileSize;
    const padH = (ny - 1) * step + tileSize;
    const padded = mirrorPad(image, width, height, C, {
      top: context,
      left: context,
      bottom: padH - height - context,
      right: padW - width - context,
    });
    const K = o.classes;
    const probabilities = new Float32Array(width * height * K);
    const origins: [number, number][] = [];
    for (let ty = 0; ty < ny; ty++) for (let tx = 0; tx < nx; tx++) origins.push([ty * step, tx * step]);
    const transforms = options.tta ? [0, 1, 2, 3, 4, 5, 6, 7] : [0];
    // Where the kept block starts inside the model output: valid output is already the centre.
    const outOffset = o.padding === 'valid' ? 0 : context;
    const tileLen = tileSize * tileSize * C;

    for (let b0 = 0; b0 < origins.length; b0 += batchSize) {
      const batch = origins.slice(b0, b0 + batchSize);
      const buf = new Float32Array(batch.length * tileLen);
      batch.forEach(([oy, ox], k) => {
        for (let r = 0; r < tileSize; r++) {
          const src = ((oy + r) * padW + ox) * C;
          buf.set(padded.subarray(src, src + tileSize * C), k * tileLen + r * tileSize * C);
        }
      });
      const out = tf.tidy(() => {
        const x = tf.tensor4d(buf, [batch.length, tileSize, tileSize, C]);
        let sum: tf.Tensor4D | null = null;
        for (const t of transforms) {
          const y = runModel.predict(dihedralTransform(x, t)) as tf.Tensor4D;
          const back = dihedralInverse(y, t);
          sum = sum === null ? back : (tf.add(sum, back) as tf.Tensor4D);
        }
        return transforms.length > 1 ? (tf.div(sum!, transforms.length) as tf.Tensor4D) : sum!;
      });
      const outSize = out.shape[1];
      const data = await out.data<'float32'>();
      out.dispose();
      batch.forEach(([oy, ox], k) => {
        const rows = Math.min(step, height - oy);
        const cols = Math.min(step, width - ox);
        for (let r = 0; r < rows; r++) {
          const src = ((k * outSize + outOffset + r) * outSize + outOffset) * K;
          probabilities.set(data.subarray(src, src + cols * K), ((oy + r) * width + ox) * K);
        }
      });
      options.onProgress?.(Math.min(b0 + batchSize, origins.length), origins.length);
    }

    const labels = argmaxLabels(probabilities, K);
    return {
      probabilities,
      labels,
      tiling: { tileSize, context, step, tiles: origins.length, padding: o.padding },
    };
  } finally {
    if (runModel !== model) runModel.dispose();
  }
}
