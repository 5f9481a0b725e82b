import { distanceTransform } from '../weights/index.js';
import { checkSize, MetricInputError } from './errors.js';

/** One distance band of {@link boundaryErrorProfile}: pixels whose boundary distance d has from < d ≤ to. */
export interface BoundaryErrorBand {
  /** Lower end (exclusive), pixels. */
  from: number;
  /** Upper end (inclusive), pixels; `Infinity` for the last band. */
  to: number;
  /** Pixels in the band, over all slices. */
  pixels: number;
  /** Misclassified pixels in the band. */
  errors: number;
  /** errors / pixels (0 for an empty band). */
  errorRate: number;
  /** This band's share of all errors (0 when there are none). */
  shareOfErrors: number;
}

/** What {@link boundaryErrorProfile} returns. */
export interface BoundaryErrorProfile {
  bands: BoundaryErrorBand[];
  pixels: number;
  errors: number;
}

/** Options of {@link boundaryErrorProfile}. */
export interface BoundaryErrorOptions {
  /**
   * Inner band edges in pixels, increasing and positive. Default [1.5, 2.5, 3.5, 5.5, 10.5]: the first
   * band holds the pixels touching the boundary (distance 1 or √2), the last everything beyond 10.5.
   */
  edges?: number[];
  /** Number of classes of the maps. Default 2. */
  classes?: number;
}

/**
 * Where the errors of a segmentation lie relative to the true boundaries: each pixel's distance is
 * the Euclidean distance (pixel centres) to the nearest pixel of another true class, so the pixels
 * on either side of a boundary are at 1. Errors (pred ≠ truth) are counted per distance band over
 * all slices. On ISBI most errors sit on the pixels touching a membrane's edge, which is where
 * annotators differ too.
 * @throws MetricInputError on mismatched slices, sizes, classes or bad edges.
 */
export function boundaryErrorProfile(
  preds: ArrayLike<number>[],
  truths: ArrayLike<number>[],
  width: number,
  height: number,
  options: BoundaryErrorOptions = {},
): BoundaryErrorProfile {
  const edges = options.edges ?? [1.5, 2.5, 3.5, 5.5, 10.5];
  const classes = options.classes ?? 2;
  if (!Number.isInteger(classes) || classes < 2 || classes > 255)
    throw new MetricInputError(`classes must be an integer in [2, 255], got ${classes}`);
  if (
    !Array.isArray(edges) ||
    edges.some((e, i) => !(e > 0 && Number.isFinite(e) && (i === 0 || e > edges[i - 1]!)))
  )
    throw new MetricInputError(`edges must be positive, finite and increasing, got [${String(edges)}]`);
  if (preds.length !== truths.length)
    throw new MetricInputError(`${preds.length} predictions but ${truths.length} truths`);
  if (preds.length === 0) throw new MetricInputError('no slices to profile');
  const bounds = [0, ...edges, Infinity];
  const pixels = new Float64Array(bounds.length - 1);
  const errors = new Float64Array(bounds.length - 1);
  const plane = width * height;
  const mask = new Uint8Array(plane);
  const dist = new Float32Array(plane);
  for (let s = 0; s < preds.length; s++) {
    const p = preds[s]!;
    const t = truths[s]!;
    checkSize(p, width, height);
    checkSize(t, width, height);
    const present = new Uint8Array(classes);
    for (let i = 0; i < plane; i++) {
      const v = t[i]!;
      if (!(Number.isInteger(v) && v >= 0 && v < classes))
        throw new MetricInputError(
          `truth ${s} has value ${v} at pixel ${i}, expected a class in [0, ${classes})`,
        );
      present[v] = 1;
    }
    // Per class c: the EDT of (truth == c) is, on c's pixels, the distance to the nearest other class
    // (Infinity when the slice has no other class).
    for (let c = 0; c < classes; c++) {
      if (!present[c]) continue;
      for (let i = 0; i < plane; i++) mask[i] = t[i] === c ? 1 : 0;
      const d = distanceTransform(mask, width, height);
      for (let i = 0; i < plane; i++) if (mask[i]) dist[i] = d[i]!;
    }
    for (let i = 0; i < plane; i++) {
      const d = dist[i]!;
      let b = 0;
      while (d > bounds[b + 1]!) b++;
      pixels[b]!++;
      if (p[i] !== t[i]) errors[b]!++;
    }
  }
  const totalErrors = errors.reduce((a, b) => a + b, 0);
  const totalPixels = pixels.reduce((a, b) => a + b, 0);
  return {
    bands: Array.from(pixels, (n, b) => ({
      from: bounds[b]!,
      to: bounds[b + 1]!,
      pixels: n,
      errors: errors[b]!,
      errorRate: n > 0 ? errors[b]! / n : 0,
      shareOfErrors: totalErrors > 0 ? errors[b]! / totalErrors : 0,
    })),
    pixels: totalPixels,
    errors: totalErrors,
  };
}
