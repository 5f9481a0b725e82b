// Builds one training batch from an image stack: a random (optionally augmented) input tile per
// sample, the matching label tile (centred and smaller with 'valid' padding) and its loss weights.
// Pure and free of tf, so the worker pool (workers/) can run the very same function off-thread:
// the batch depends only on its arguments, i.e. on (run seed, epoch, step) through `seed`.
import { augmentTile } from '../augment/index.js';
import type { AugmentConfig } from '../augment/index.js';
import { mixSeed, Rng } from '../random/index.js';
import { weightMap } from '../weights/index.js';
import { TrainConfigError } from './errors.js';

/** Options of `weightMap` (w0, sigma, classWeights, connectivity). */
export type WeightOptions = NonNullable<Parameters<typeof weightMap>[3]>;

/**
 * A normalised image stack, slice-major: `data[((slice * height + y) * width + x) * channels + c]`
 * (with one channel, `data[(slice * height + y) * width + x]`).
 */
export interface TrainStack {
  data: Float32Array;
  width: number;
  height: number;
  count: number;
  /** Interleaved channels per pixel, e.g. z-neighbours from `sliceContext`. Default 1. */
  channels?: number;
}

/** Tile geometry: the network input tile and the (centred) label/output tile. */
export interface TileSpec {
  /** Edge of the square input tile fed to the network. */
  inputSize: number;
  /** Edge of the square output/label tile; equals inputSize for 'same' padding. */
  outputSize: number;
}

/** One batch, laid out NHWC; transferable buffers. */
export interface Batch {
  /** [batch, inputSize, inputSize, channels] normalised intensities. */
  images: Float32Array;
  /** Channels per pixel of `images` (the stack's). */
  channels: number;
  /** [batch, outputSize, outputSize] class indices. */
  labels: Int32Array;
  /** [batch, outputSize, outputSize] per-pixel loss weights (all 1 when weights are off). */
  weights: Float32Array;
  batchSize: number;
  inputSize: number;
  outputSize: number;
  /** The slice each sample came from. */
  indices: number[];
}

/** Symmetric mirror index (numpy 'reflect'): -1 → 1, n → n - 2. Works for any overshoot. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - j;
}

/**
 * Crops an input tile and its centred label tile at a random position, mirroring at the borders
 * (so slices smaller than the tile work too). Used when augmentation is off.
 */
export function cropTile(
  image: Float32Array,
  label: Uint8Array,
  width: number,
  height: number,
  tile: TileSpec,
  seed: number,
): { image: Float32Array; label: Uint8Array } {
  const { inputSize: n, outputSize: m } = tile;
  const rng = new Rng(seed);
  // The label tile is placed uniformly over the slice; the input tile extends it by the margin.
  const oy = height > m ? rng.int(height - m + 1) : 0;
  const ox = width > m ? rng.int(width - m + 1) : 0;
  const margin = (n - m) / 2;
  const outImage = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    const sy = reflectIndex(oy - margin + y, height);
    for (let x = 0; x < n; x++) {
      outImage[y * n + x] = image[sy * width + reflectIndex(ox - margin + x, width)]!;
    }
  }
  const outLabel = new Uint8Array(m * m);
  for (let y = 0; y < m; y++) {
    const sy = reflectIndex(oy + y, height);
    for (let x = 0; x < m; x++) outLabel[y * m + x] = label[sy * width + reflectIndex(ox + x, width)]!;
  }
  return { image: outImage, label: outLabel };
}

/**
 * Makes one batch. Sample `i` uses the seed `mixSeed(seed, i)`, so the same arguments always give
 * the same batch, whichever thread computes it. Every channel of a multi-channel stack goes through
 * the same crop or warp (the same seed), so the channels stay registered; the intensity draws and
 * the noise field are the same for every channel too.
 *
 * @param stack normalised images.
 * @param labels class indices (0 … classes-1), same layout as `stack.data`.
 * @param indices the slice of each sample; the batch size is `indices.length`.
 * @param tile input and label tile edges.
 * @param augment augmentation config, or `false` for plain random crops.
 * @param weights `weightMap` options, or `false` for unit weights (plain cross-entropy).
 * @param seed batch seed, e.g. `mixSeed(runSeed, epoch, step)`.
 */
export function makeBatch(
  stack: TrainStack,
  labels: Uint8Array,
  indices: readonly number[],
  tile: TileSpec,
  augment: AugmentConfig | false,
  weights: WeightOptions | false,
  seed: number,
): Batch {
  const { width, height, count } = stack;
  const C = stack.channels ?? 1;
  if (!Number.isInteger(C) || C < 1)
    throw new TrainConfigError(`channels must be a positive integer, got ${C}`);
  const plane = width * height;
  const { inputSize: n, outputSize: m } = tile;
  if (!(Number.isInteger(n) && Number.isInteger(m) && m > 0 && n >= m && (n - m) % 2 === 0)) {
    throw new TrainConfigError(
      `bad tile spec: input ${n}, output ${m} (need input >= output > 0, even margin)`,
    );
  }
  if (stack.data.length !== plane * count * C || labels.length !== plane * count) {
    throw new TrainConfigError(
      `stack of ${count} slices ${width}x${height}x${C} needs ${plane * count * C} image and ${plane * count} label values; got ${stack.data.length} and ${labels.length}`,
    );
  }
  const b = indices.length;
  const out: Batch = {
    images: new Float32Array(b * n * n * C),
    channels: C,
    labels: new Int32Array(b * m * m),
    weights: new Float32Array(b * m * m),
    batchSize: b,
    inputSize: n,
    outputSize: m,
    indices: [...indices],
  };
  for (let i = 0; i < b; i++) {
    const s = indices[i]!;
    if (!Number.isInteger(s) || s < 0 || s >= count) {
      throw new TrainConfigError(`slice index ${s} is outside the stack of ${count} slices`);
    }
    const label = labels.subarray(s * plane, (s + 1) * plane);
    const sampleSeed = mixSeed(seed, i);
    let tileLabel: Uint8Array | null = null;
    for (let c = 0; c < C; c++) {
      const image = channelPlane(stack.data, s, c, C, plane);
      let tileImage: Float32Array;
      let lab: Uint8Array;
      if (augment === false) {
        ({ image: tileImage, label: lab } = cropTile(image, label, width, height, tile, sampleSeed));
      } else {
        const t = augmentTile({ image, label, width, height }, augment, sampleSeed, {
          width: n,
          height: n,
          labelWidth: m,
          labelHeight: m,
        });
        tileImage = t.image;
        lab = t.label;
      }
      if (tileImage.length !== n * n || lab.length !== m * m) {
        throw new TrainConfigError(
          `augmented tile has ${tileImage.length} image / ${lab.length} label pixels, expected ${n * n} / ${m * m}`,
        );
      }
      if (C === 1) out.images.set(tileImage, i * n * n);
      else for (let k = 0, o = i * n * n * C + c; k < n * n; k++, o += C) out.images[o] = tileImage[k]!;
      tileLabel ??= lab; // every channel's label tile is the same warp of the same label
    }
    const lab = out.labels.subarray(i * m * m, (i + 1) * m * m);
    for (let k = 0; k < m * m; k++) lab[k] = tileLabel![k]!;
    // Weights come from the augmented label tile, as the loss sees it.
    if (weights === false) out.weights.fill(1, i * m * m, (i + 1) * m * m);
    else out.weights.set(weightMap(tileLabel!, m, m, weights), i * m * m);
  }
  return out;
}

/** Channel `c` of slice `s` as one plane (a view when there is one channel). */
function channelPlane(data: Float32Array, s: number, c: number, C: number, plane: number): Float32Array {
  if (C === 1) return data.subarray(s * plane, (s + 1) * plane);
  const out = new Float32Array(plane);
  for (let i = 0, k = s * plane * C + c; i < plane; i++, k += C) out[i] = data[k]!;
  return out;
}
