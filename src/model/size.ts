import { UNetConfigError } from './errors.js';
import type { UNetPadding } from './options.js';

/** Depth and padding: all that decides how sizes flow through a U-Net. */
export interface UNetSizeOptions {
  /** Number of poolings. Default 4. */
  depth?: number;
  /** Default `'same'`. */
  padding?: UNetPadding;
}

function sizeArgs(o: UNetSizeOptions): { depth: number; padding: UNetPadding } {
  const depth = o.depth ?? 4;
  const padding = o.padding ?? 'same';
  if (!Number.isInteger(depth) || depth < 1)
    throw new UNetConfigError(`depth must be an integer >= 1, got ${depth}`);
  if (padding !== 'same' && padding !== 'valid') throw new UNetConfigError(`bad padding ${String(padding)}`);
  return { depth, padding };
}

/**
 * Traces a square side through the network. Returns the output side and, for `valid` padding, the
 * side of each skip (after its two convs) and of the upsampled map it joins, or a reason it fails.
 */
export function traceUNetSize(
  inputSize: number,
  options: UNetSizeOptions = {},
): { output: number; skips: number[]; ups: number[] } | { error: string } {
  const { depth, padding } = sizeArgs(options);
  if (!Number.isInteger(inputSize) || inputSize < 1)
    return { error: `input size must be a positive integer, got ${inputSize}` };
  if (padding === 'same') {
    const m = 2 ** depth;
    if (inputSize % m !== 0) {
      return {
        error: `with 'same' padding and depth ${depth} the input size must be a multiple of ${m}, got ${inputSize}`,
      };
    }
    const skips: number[] = [];
    for (let l = 0; l < depth; l++) skips.push(inputSize / 2 ** l);
    return { output: inputSize, skips, ups: [...skips] };
  }
  let s = inputSize;
  const skips: number[] = [];
  for (let l = 0; l < depth; l++) {
    s -= 4;
    if (s < 2) return { error: `input ${inputSize} is too small for depth ${depth} with 'valid' padding` };
    if (s % 2 !== 0) {
      return { error: `input ${inputSize} gives an odd size ${s} at pooling ${l + 1} with 'valid' padding` };
    }
    skips.push(s);
    s /= 2;
  }
  s -= 4;
  if (s < 1) return { error: `input ${inputSize} is too small for depth ${depth} with 'valid' padding` };
  const ups: number[] = new Array<number>(depth);
  for (let l = depth - 1; l >= 0; l--) {
    s *= 2;
    ups[l] = s;
    s -= 4;
    if (s < 1) return { error: `input ${inputSize} is too small for depth ${depth} with 'valid' padding` };
  }
  return { output: s, skips, ups };
}

/** True if `inputSize` flows through a U-Net with this depth and padding. */
export function isValidUNetInputSize(inputSize: number, options: UNetSizeOptions = {}): boolean {
  return !('error' in traceUNetSize(inputSize, options));
}

/**
 * Output side for an input side (572 → 388 for depth 4, `valid`). Throws {@link UNetConfigError}
 * if the size does not fit.
 */
export function unetOutputSize(inputSize: number, options: UNetSizeOptions = {}): number {
  const t = traceUNetSize(inputSize, options);
  if ('error' in t) throw new UNetConfigError(t.error);
  return t.output;
}

/**
 * The smallest valid input side whose output is at least `outputSize` (388 → 572 for depth 4, `valid`).
 */
export function unetInputSize(outputSize: number, options: UNetSizeOptions = {}): number {
  const { depth, padding } = sizeArgs(options);
  if (!Number.isInteger(outputSize) || outputSize < 1) {
    throw new UNetConfigError(`output size must be a positive integer, got ${outputSize}`);
  }
  const m = 2 ** depth;
  if (padding === 'same') return Math.ceil(outputSize / m) * m;
  // Valid inputs are 2^depth * b + c for the bottom size b; the output grows with b.
  for (let b = 1; ; b++) {
    let s = b + 4;
    for (let l = 0; l < depth; l++) s = 2 * s + 4;
    const t = traceUNetSize(s, { depth, padding });
    if (!('error' in t) && t.output >= outputSize) return s;
    if (b > 1e6) throw new UNetConfigError(`no valid input size for output ${outputSize}`);
  }
}
