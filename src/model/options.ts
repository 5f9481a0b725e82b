import { UNetConfigError } from './errors.js';

/** Padding of the 3×3 convolutions: `same` keeps sizes, `valid` shrinks by 2 per conv as in the paper. */
export type UNetPadding = 'same' | 'valid';

/** How the expansive path doubles the resolution. */
export type UNetUpsampling = 'transpose' | 'bilinear';

/** Options of {@link buildUNet}. Every field is optional; the defaults suit a 2-core CPU. */
export interface UNetOptions {
  /**
   * Side of the square input tile. `null` (the default) gives a model with dynamic height and width
   * (`[null, null, inChannels]`), which is only possible with `padding: 'same'`; with `valid`
   * padding the skip crops depend on the size, so `inputSize` is required. Default: `null` for
   * `same`; an error for `valid`.
   */
  inputSize?: number | null;
  /** Channels of the input image. Default 1 (grey EM). */
  inChannels?: number;
  /** Output classes (≥ 2); softmax over the last axis. Default 2 (0 = membrane, 1 = cell). */
  classes?: number;
  /** Number of 2×2 max-poolings. Default 4 (the paper's U-Net). */
  depth?: number;
  /** Filters of the first level, doubled at every level down. Default 16 (the paper used 64). */
  baseFilters?: number;
  /** Convolution padding. Default `'same'`. */
  padding?: UNetPadding;
  /** A separate batch-normalisation layer after every 3×3 convolution. Default false. */
  batchNorm?: boolean;
  /**
   * Momentum of the batch-norm moving statistics (moving = m·moving + (1−m)·batch). Default 0.9, as
   * PyTorch's 0.1: Keras's 0.99 leaves 20–40 % of the initial statistics in after a few hundred
   * steps, so a short run validates with statistics the network never trained with.
   */
  batchNormMomentum?: number;
  /** Dropout rate at the bottom of the contracting path (0 = none). Default 0. */
  dropout?: number;
  /** `transpose` = 2×2 up-convolution (the paper); `bilinear` = bilinear resize + 1×1 conv. Default `'transpose'`. */
  upsampling?: UNetUpsampling;
  /** Seed of the He-normal initialisation (and of the dropout masks). Default 0, so builds are reproducible. */
  seed?: number;
}

/** {@link UNetOptions} with every default filled in; this is what the model stores as metadata. */
export interface ResolvedUNetOptions {
  inputSize: number | null;
  inChannels: number;
  classes: number;
  depth: number;
  baseFilters: number;
  padding: UNetPadding;
  batchNorm: boolean;
  batchNormMomentum: number;
  dropout: number;
  upsampling: UNetUpsampling;
  seed: number;
}

function positiveInt(name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new UNetConfigError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

function momentumOf(v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new UNetConfigError(`batchNormMomentum must be in [0, 1), got ${String(v)}`);
  }
  return v;
}

/** Fills in the defaults of {@link UNetOptions} and validates every field. */
export function resolveUNetOptions(options: UNetOptions = {}): ResolvedUNetOptions {
  const padding = options.padding ?? 'same';
  if (padding !== 'same' && padding !== 'valid') {
    throw new UNetConfigError(`padding must be 'same' or 'valid', got ${String(padding)}`);
  }
  const upsampling = options.upsampling ?? 'transpose';
  if (upsampling !== 'transpose' && upsampling !== 'bilinear') {
    throw new UNetConfigError(`upsampling must be 'transpose' or 'bilinear', got ${String(upsampling)}`);
  }
  const depth = positiveInt('depth', options.depth ?? 4, 1);
  if (depth > 8) throw new UNetConfigError(`depth must be <= 8, got ${depth}`);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new UNetConfigError(`dropout must be in [0, 1), got ${String(dropout)}`);
  }
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new UNetConfigError(`seed must be a finite number, got ${String(seed)}`);
  }
  const inputSize = options.inputSize ?? null;
  if (inputSize !== null) positiveInt('inputSize', inputSize);
  if (inputSize === null && padding === 'valid') {
    throw new UNetConfigError(
      "padding 'valid' needs a fixed inputSize (the skip crops depend on it); use unetInputSize() to pick one",
    );
  }
  return {
    inputSize,
    inChannels: positiveInt('inChannels', options.inChannels ?? 1),
    classes: positiveInt('classes', options.classes ?? 2, 2),
    depth,
    baseFilters: positiveInt('baseFilters', options.baseFilters ?? 16),
    padding,
    batchNorm: Boolean(options.batchNorm ?? false),
    batchNormMomentum: momentumOf(options.batchNormMomentum ?? 0.9),
    dropout,
    upsampling,
    seed: Math.trunc(seed),
  };
}

/**
 * The JSON description of a U-Net, stored in the model's user-defined metadata (saved in model.json)
 * so that inference can recover padding and depth. Same as {@link resolveUNetOptions}, as a plain copy.
 */
export function describeUNet(options: UNetOptions = {}): ResolvedUNetOptions {
  return { ...resolveUNetOptions(options) };
}
