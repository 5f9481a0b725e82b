// Plain-TypeScript elastic field: Rng noise, reference blur, times alpha.
import { Rng } from '../../random/index.js';
import { gaussianBlurJs } from './gaussianBlur.js';
import type { ElasticFieldOptions } from '../elasticField.js';

/** Reference `elasticField` (no validation). */
export function elasticFieldJs(
  width: number,
  height: number,
  { alpha, sigma, seed }: ElasticFieldOptions,
): { dx: Float32Array; dy: Float32Array } {
  const rng = new Rng(seed);
  const n = width * height;
  const nx = new Float32Array(n);
  const ny = new Float32Array(n);
  for (let i = 0; i < n; i++) nx[i] = rng.uniform(-1, 1);
  for (let i = 0; i < n; i++) ny[i] = rng.uniform(-1, 1);
  const dx = gaussianBlurJs(nx, width, height, sigma);
  const dy = gaussianBlurJs(ny, width, height, sigma);
  for (let i = 0; i < n; i++) {
    dx[i] = dx[i]! * alpha;
    dy[i] = dy[i]! * alpha;
  }
  return { dx, dy };
}
