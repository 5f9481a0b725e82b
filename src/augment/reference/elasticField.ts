// Plain-TypeScript elastic field: the same Rng noise, the reference blur, times alpha.
import { fieldNoiseJs } from '../fieldNoise.js';
import { gaussianBlurJs } from './gaussianBlur.js';
import type { ElasticFieldOptions } from '../elasticField.js';

/** Reference `elasticField` (no validation; `out` is filled from new arrays). */
export function elasticFieldJs(
  width: number,
  height: number,
  { alpha, sigma, seed, out }: ElasticFieldOptions,
): { dx: Float32Array; dy: Float32Array } {
  const n = width * height;
  const nx = fieldNoiseJs(seed, 0, n);
  const ny = fieldNoiseJs(seed, 1, n);
  const dx = gaussianBlurJs(nx, width, height, sigma);
  const dy = gaussianBlurJs(ny, width, height, sigma);
  for (let i = 0; i < n; i++) {
    dx[i] = dx[i]! * alpha;
    dy[i] = dy[i]! * alpha;
  }
  if (!out) return { dx, dy };
  out.dx.set(dx);
  out.dy.set(dy);
  return out;
}
