// What a saved model expects done to its input images before prediction, kept next to model.json
// so `unet-wasm predict` repeats what training did.
import { shiftStack, SHIFT_INTERPOLATIONS, sliceContext } from '../data/index.js';
import type { ShiftInterpolation } from '../data/index.js';
import { CheckpointError, prepareImages, readJsonFile } from '../train/index.js';
import type { StackInput } from '../train/index.js';

/** File name of the preprocessing record in a model directory. */
export const PREPROCESS_FILE = 'preprocess.json';

/** Preprocessing of a saved model's inputs. */
export interface ModelPreprocess {
  /** Images were resampled at (x + dx, y + dy) (`shiftStack`) to lie on the labels' grid. */
  imageOffset?: { dx: number; dy: number; interpolation?: ShiftInterpolation };
  /** Each slice goes in with `radius` z-neighbours per side as channels (`sliceContext`), after normalising. */
  sliceContext?: { radius: number };
}

/** Input channels of a model with this record: 2·radius + 1 with `sliceContext`, else 1. */
export function inputChannels(p: ModelPreprocess): number {
  return 2 * (p.sliceContext?.radius ?? 0) + 1;
}

/**
 * The model's input for a raw stack, as training prepared it: resampled at the offset, scaled per
 * slice (`prepareImages`), then with the z-neighbours as channels. `data` is
 * `[count, height, width, channels]`.
 */
export function modelInput(stack: StackInput, p: ModelPreprocess): { data: Float32Array; channels: number } {
  const { width, height, count } = stack;
  const off = p.imageOffset;
  // The record's interpolation is shiftStack's option (absent: its default, bilinear).
  const shifted =
    off !== undefined && (off.dx !== 0 || off.dy !== 0) ? shiftStack(stack, off.dx, off.dy, off) : stack;
  const data = prepareImages(shifted.data, width, height, count);
  const radius = p.sliceContext?.radius ?? 0;
  if (radius === 0) return { data, channels: 1 };
  return sliceContext({ data, width, height, count }, { radius });
}

/** The record as a model-directory file. */
export function preprocessFile(p: ModelPreprocess): Record<string, string> {
  return { [PREPROCESS_FILE]: JSON.stringify(p) };
}

/** Reads and checks the record; `{}` when the directory has none (models saved without one). */
export function readPreprocess(files: Record<string, Uint8Array>): ModelPreprocess {
  if (!files[PREPROCESS_FILE]) return {};
  const p = readJsonFile<ModelPreprocess>(files, PREPROCESS_FILE);
  const o = p.imageOffset;
  if (
    o !== undefined &&
    !(
      Number.isFinite(o.dx) &&
      Number.isFinite(o.dy) &&
      Math.abs(o.dx) <= 4 &&
      Math.abs(o.dy) <= 4 &&
      (o.interpolation === undefined || SHIFT_INTERPOLATIONS.includes(o.interpolation))
    )
  ) {
    throw new CheckpointError(
      `${PREPROCESS_FILE}: imageOffset must hold finite dx, dy in [-4, 4] and an interpolation 'bilinear' or 'cubic' (or none: bilinear)`,
    );
  }
  const c = p.sliceContext;
  if (c !== undefined && !(Number.isInteger(c.radius) && c.radius >= 0 && c.radius <= 8)) {
    throw new CheckpointError(`${PREPROCESS_FILE}: sliceContext.radius must be an integer in [0, 8]`);
  }
  return p;
}
