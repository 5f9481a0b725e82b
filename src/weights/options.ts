import type { WasmWeightMapParams } from '../kernels/weights.js';
import { WeightsInputError } from './errors.js';
import { checkConnectivity, checkOptions } from './validate.js';

/** Options of {@link weightMap}. */
export interface WeightMapOptions {
  /** Amplitude of the border term. Default 10. */
  w0?: number;
  /** Width (pixels) of the border term. Default 5. */
  sigma?: number;
  /**
   * Class-balancing weight w_c: 'balanced' (default) gives N / (2·N_c) to class c, where N is the
   * pixel count and N_c the count of class c (1 if the class is absent); or [background, foreground].
   */
  classWeights?: 'balanced' | readonly [number, number];
  /** Connectivity that defines cells: 4 (default) or 8. */
  connectivity?: 4 | 8;
}

/** Validates weight-map options and fills in the defaults. */
export function resolveWeightMapOptions(fn: string, o: WeightMapOptions | undefined): WasmWeightMapParams {
  checkOptions(fn, o);
  const opts = o ?? {};
  const w0 = opts.w0 ?? 10;
  const sigma = opts.sigma ?? 5;
  if (typeof w0 !== 'number' || !Number.isFinite(w0) || w0 < 0) {
    throw new WeightsInputError(`${fn}: w0 must be a finite number >= 0, got ${String(w0)}`);
  }
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw new WeightsInputError(`${fn}: sigma must be a finite number > 0, got ${String(sigma)}`);
  }
  const cw = opts.classWeights ?? 'balanced';
  let classWeights: readonly [number, number] | null = null;
  if (cw !== 'balanced') {
    const ok =
      Array.isArray(cw) &&
      cw.length === 2 &&
      cw.every((x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0);
    if (!ok) {
      throw new WeightsInputError(
        `${fn}: classWeights must be 'balanced' or [background, foreground] numbers >= 0`,
      );
    }
    classWeights = [cw[0], cw[1]];
  }
  return { w0, sigma, classWeights, connectivity: checkConnectivity(fn, opts.connectivity) };
}
