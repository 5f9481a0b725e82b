// Input checks shared by the weights functions: fail fast with WeightsInputError.
import { WeightsInputError } from './errors.js';

/** Largest accepted image side (keeps squared distances inside i32 in the kernels). */
export const MAX_SIDE = 16384;

/**
 * Largest accepted pixel count (8192²): the weight map needs about 26 bytes of WASM memory per pixel,
 * which must stay well inside a 4 GiB 32-bit address space.
 */
export const MAX_PIXELS = 1 << 26;

/** Checks that width and height are integers in 1..MAX_SIDE with at most MAX_PIXELS pixels. */
export function checkSize(fn: string, width: unknown, height: unknown): void {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SIDE) {
      throw new WeightsInputError(`${fn}: ${name} must be an integer in 1..${MAX_SIDE}, got ${String(v)}`);
    }
  }
  if ((width as number) * (height as number) > MAX_PIXELS) {
    throw new WeightsInputError(`${fn}: ${width}×${height} exceeds the limit of ${MAX_PIXELS} pixels`);
  }
}

/** Checks that `mask` is a Uint8Array of width × height pixels. */
export function checkImage(fn: string, mask: unknown, width: unknown, height: unknown): void {
  checkSize(fn, width, height);
  if (!(mask instanceof Uint8Array)) {
    throw new WeightsInputError(`${fn}: expected a Uint8Array image`);
  }
  const n = (width as number) * (height as number);
  if (mask.length !== n) {
    throw new WeightsInputError(`${fn}: image has ${mask.length} pixels, expected ${width}×${height} = ${n}`);
  }
}

/** Checks and returns the connectivity option (default 4). */
export function checkConnectivity(fn: string, c: unknown): 4 | 8 {
  if (c === undefined) return 4;
  if (c !== 4 && c !== 8) throw new WeightsInputError(`${fn}: connectivity must be 4 or 8, got ${String(c)}`);
  return c;
}

/** Checks that an options argument is an object (or absent). */
export function checkOptions(fn: string, o: unknown): void {
  if (o !== undefined && (o === null || typeof o !== 'object' || Array.isArray(o))) {
    throw new WeightsInputError(`${fn}: options must be an object`);
  }
}
