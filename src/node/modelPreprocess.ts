// What a saved model expects done to its input images before prediction, kept next to model.json
// so `unet-wasm predict` repeats what training did.
import { SHIFT_INTERPOLATIONS } from '../data/index.js';
import type { ShiftInterpolation } from '../data/index.js';
import { CheckpointError, readJsonFile } from '../train/index.js';

/** File name of the preprocessing record in a model directory. */
export const PREPROCESS_FILE = 'preprocess.json';

/** Preprocessing of a saved model's inputs. */
export interface ModelPreprocess {
  /** Images were resampled at (x + dx, y + dy) (`shiftStack`) to lie on the labels' grid. */
  imageOffset?: { dx: number; dy: number; interpolation?: ShiftInterpolation };
  /** Each slice goes in with `radius` z-neighbours per side as channels (`sliceContext`), after normalising. */
  sliceContext?: { radius: number };
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
