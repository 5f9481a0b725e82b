// Argument checks shared by the augmentation functions: fail fast with an AugmentError.
import { AugmentError } from './errors.js';

/** Largest width/height accepted (the kernels index with i32). */
export const MAX_SIDE = 1 << 15;
/** Largest pixel count accepted. */
export const MAX_PIXELS = 1 << 27;

export function checkSize(width: number, height: number, what = 'image'): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width > MAX_SIDE ||
    height > MAX_SIDE ||
    width * height > MAX_PIXELS
  ) {
    throw new AugmentError(
      `${what} size must be positive integers up to ${MAX_SIDE} (at most ${MAX_PIXELS} pixels), got ${width}x${height}`,
    );
  }
}

export function checkArray(arr: unknown, width: number, height: number, what = 'image'): void {
  if (!(arr instanceof Float32Array) && !(arr instanceof Uint8Array)) {
    throw new AugmentError(`${what} must be a Float32Array or a Uint8Array`);
  }
  if (arr.length !== width * height) {
    throw new AugmentError(
      `${what} has ${arr.length} elements, expected ${width}x${height} = ${width * height}`,
    );
  }
}

export function checkFloat32(arr: unknown, length: number, what: string): asserts arr is Float32Array {
  if (!(arr instanceof Float32Array)) throw new AugmentError(`${what} must be a Float32Array`);
  if (arr.length !== length) throw new AugmentError(`${what} has ${arr.length} elements, expected ${length}`);
}

export function checkFinite(v: unknown, what: string): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new AugmentError(`${what} must be a finite number, got ${v}`);
}

export function checkRange(v: unknown, lo: number, hi: number, what: string): asserts v is number {
  checkFinite(v, what);
  if (v < lo || v > hi) throw new AugmentError(`${what} must be in [${lo}, ${hi}], got ${v}`);
}

export function checkSeed(seed: unknown, what = 'seed'): asserts seed is number {
  checkFinite(seed, what);
}
