import { DataInputError } from './errors.js';
import { checkStack } from './stack.js';
import type { NumericStack } from './stack.js';

/** Options of `estimateLabelOffset`. */
export interface LabelOffsetOptions {
  /** Largest whole-pixel offset searched along each axis. Default 2. */
  range?: number;
  /** Pixels left out at every border, at least `range + 1`. Default `range + 2`. */
  margin?: number;
}

/** The offset found and the correlations behind it. */
export interface LabelOffset {
  /** The labels' pixel (x, y) lies on the image at (x + dx, y + dy). */
  dx: number;
  dy: number;
  /** |Pearson correlation| of labels and images at the best whole-pixel offset. */
  correlation: number;
  /** The same at offset (0, 0). */
  correlationAtZero: number;
}

/**
 * Finds the sub-pixel translation between images and their labels. It correlates the labels with
 * the images moved by whole pixels (|Pearson r|, centred per slice, so the sign of the classes does
 * not matter), takes the best whole-pixel offset and refines each axis by the vertex of the parabola
 * through it and its two neighbours. Whole-pixel moves keep the image's noise as it is; searching
 * over bilinear sub-pixel moves would favour half pixels, whose interpolation averages the noise away.
 *
 * Hand-drawn or resampled labels can sit a fraction of a pixel off their images; flips and rot90 then
 * turn the offset into a blur the model cannot learn. Model-free: it reads only the slices given
 * (the training slices).
 */
export function estimateLabelOffset(
  images: NumericStack,
  labels: NumericStack,
  options: LabelOffsetOptions = {},
): LabelOffset {
  checkStack(images);
  checkStack(labels);
  if (images.width !== labels.width || images.height !== labels.height || images.count !== labels.count) {
    throw new DataInputError(
      `images are ${images.count}x${images.height}x${images.width}, labels ${labels.count}x${labels.height}x${labels.width}`,
    );
  }
  const range = options.range ?? 2;
  if (!Number.isInteger(range) || range < 1 || range > 8) {
    throw new DataInputError(`range must be an integer in [1, 8], got ${range}`);
  }
  const margin = options.margin ?? range + 2;
  if (!Number.isInteger(margin) || margin < range + 1) {
    throw new DataInputError(`margin must be an integer >= range + 1 = ${range + 1}, got ${margin}`);
  }
  const { width: W, height: H, count } = images;
  if (W <= 2 * margin || H <= 2 * margin) {
    throw new DataInputError(`slices of ${W}x${H} are too small for a margin of ${margin}`);
  }
  const img = images.data;
  const lab = labels.data;
  const m = (W - 2 * margin) * (H - 2 * margin);
  // Moments are centred per slice: slices of a stack often differ in brightness.
  const labelSum = new Float64Array(count);
  let varL = 0;
  for (let s = 0; s < count; s++) {
    let sl = 0;
    let sll = 0;
    for (let y = margin; y < H - margin; y++)
      for (let i = (s * H + y) * W + margin, e = i + W - 2 * margin; i < e; i++) {
        const l = lab[i]!;
        sl += l;
        sll += l * l;
      }
    labelSum[s] = sl;
    varL += sll - (sl * sl) / m;
  }
  const side = 2 * range + 1;
  const r = new Float64Array(side * side);
  for (let oy = -range; oy <= range; oy++) {
    for (let ox = -range; ox <= range; ox++) {
      const o = oy * W + ox;
      let varI = 0;
      let cov = 0;
      for (let s = 0; s < count; s++) {
        let si = 0;
        let sii = 0;
        let sil = 0;
        for (let y = margin; y < H - margin; y++)
          for (let i = (s * H + y) * W + margin, e = i + W - 2 * margin; i < e; i++) {
            const v = img[i + o]!;
            si += v;
            sii += v * v;
            sil += v * lab[i]!;
          }
        varI += sii - (si * si) / m;
        cov += sil - (si * labelSum[s]!) / m;
      }
      r[(oy + range) * side + ox + range] = varI > 0 && varL > 0 ? Math.abs(cov) / Math.sqrt(varI * varL) : 0;
    }
  }
  let best = range * side + range;
  for (let k = 0; k < r.length; k++) if (r[k]! > r[best]!) best = k;
  const bx = (best % side) - range;
  const by = Math.floor(best / side) - range;
  const at = (x: number, y: number): number | undefined =>
    Math.abs(x) <= range && Math.abs(y) <= range ? r[(y + range) * side + x + range] : undefined;
  // Vertex of the parabola through (-1, a), (0, b), (1, c); 0 at the edge of the search or on a flat top.
  const vertex = (a: number | undefined, b: number, c: number | undefined): number => {
    if (a === undefined || c === undefined) return 0;
    const curve = a - 2 * b + c;
    return curve < 0 ? Math.max(-0.5, Math.min(0.5, (a - c) / (2 * curve))) : 0;
  };
  const peak = r[best]!;
  return {
    dx: bx + vertex(at(bx - 1, by), peak, at(bx + 1, by)),
    dy: by + vertex(at(bx, by - 1), peak, at(bx, by + 1)),
    correlation: peak,
    correlationAtZero: r[range * side + range]!,
  };
}
