// Plain-TypeScript elastic field: the same Rng noise, the reference blur, times alpha; at the
// plan's coarse row rate when it has one (src/augment/fieldPlan.ts), in f64, row by row.
import { fieldNoiseJs } from '../fieldNoise.js';
import { fieldPlan, type FieldPlan } from '../fieldPlan.js';
import { blurLines, gaussianBlurJs, reflect } from './gaussianBlur.js';
import type { ElasticFieldOptions } from '../elasticField.js';

/** One multirate component: prefilter and decimate, blur the coarse rows, interpolate. */
function multirate(noise: Float32Array, w: number, h: number, plan: FieldPlan, alpha: number): Float32Array {
  const { k, taps, weights } = plan;
  const hc = h / k;
  const coarse = new Float64Array(w * hc);
  for (let j = 0; j < hc; j++) {
    for (let t = 0; t < taps.length; t++) {
      const r = reflect(k * j - k + 1 + t, h);
      for (let x = 0; x < w; x++) coarse[j * w + x]! += taps[t]! * noise[r * w + x]!;
    }
  }
  blurLines(coarse, hc, w, 1, w, plan.coarse); // columns
  blurLines(coarse, w, hc, w, 1, plan.fine); // rows
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const r = y % k;
    const j0 = Math.floor((y - r) / k) - (2 * r < k - 1 ? 1 : 0);
    for (let t = 0; t < 4; t++) {
      const src = reflect(j0 - 1 + t, hc) * w;
      const wt = weights[4 * r + t]! * alpha;
      for (let x = 0; x < w; x++) out[y * w + x]! += wt * coarse[src + x]!;
    }
  }
  return out;
}

/** Reference `elasticField` (no validation; `out` is filled from new arrays). */
export function elasticFieldJs(
  width: number,
  height: number,
  { alpha, sigma, seed, out }: ElasticFieldOptions,
): { dx: Float32Array; dy: Float32Array } {
  const n = width * height;
  const plan = fieldPlan(height, sigma);
  const parts = ([0, 1] as const).map((part) => {
    const noise = fieldNoiseJs(seed, part, n);
    if (plan.k > 1) return multirate(noise, width, height, plan, alpha);
    const v = gaussianBlurJs(noise, width, height, sigma);
    for (let i = 0; i < n; i++) v[i] = v[i]! * alpha;
    return v;
  });
  const [dx, dy] = parts as [Float32Array, Float32Array];
  if (!out) return { dx, dy };
  out.dx.set(dx);
  out.dy.set(dy);
  return out;
}
