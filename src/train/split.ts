import { TrainConfigError } from './errors.js';

/** Training and validation slice indices. */
export interface SliceSplit {
  train: number[];
  validation: number[];
}

/**
 * Splits `count` slices into training and validation.
 *
 * - a number in [0, 1): that fraction of the slices, taken from the END of the stack (default 0.1,
 *   as the seed did: ISBI's last 3 of 30), at least one slice when the fraction is > 0 and there
 *   are two slices or more; 0 means no validation;
 * - an array: exactly those slice indices; the rest train.
 */
export function splitSlices(count: number, validation: number | readonly number[] = 0.1): SliceSplit {
  if (!Number.isInteger(count) || count < 1)
    throw new TrainConfigError(`the stack needs at least one slice, got ${count}`);
  let val: number[];
  if (typeof validation === 'number') {
    if (!(validation >= 0 && validation < 1)) {
      throw new TrainConfigError(`validation fraction must be in [0, 1), got ${validation}`);
    }
    let n = Math.round(count * validation);
    if (validation > 0 && n === 0 && count >= 2) n = 1;
    val = Array.from({ length: n }, (_, i) => count - n + i);
  } else {
    val = [...new Set(validation)].sort((a, b) => a - b);
    for (const v of val) {
      if (!Number.isInteger(v) || v < 0 || v >= count) {
        throw new TrainConfigError(`validation slice ${v} is outside the stack of ${count} slices`);
      }
    }
  }
  const isVal = new Set(val);
  const train = Array.from({ length: count }, (_, i) => i).filter((i) => !isVal.has(i));
  if (train.length === 0)
    throw new TrainConfigError(`no training slices left: all ${count} slices are validation`);
  return { train, validation: val };
}
