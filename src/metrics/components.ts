import { checkSize } from './errors.js';

/**
 * 4-connected components of the pixels where `map[i] !== 0` (for class maps: every non-membrane
 * pixel). Returns labels 1..count (0 = background) in raster order of first appearance.
 */
export function connectedComponents(
  map: ArrayLike<number>,
  width: number,
  height: number,
): { labels: Int32Array; count: number } {
  checkSize(map, width, height);
  const n = width * height;
  const labels = new Int32Array(n);
  const stack = new Int32Array(n);
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (map[start] === 0 || labels[start] !== 0) continue;
    count++;
    labels[start] = count;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      // Push unlabelled foreground neighbours (left, right, up, down).
      if (x > 0 && map[p - 1] !== 0 && labels[p - 1] === 0) {
        labels[p - 1] = count;
        stack[top++] = p - 1;
      }
      if (x < width - 1 && map[p + 1] !== 0 && labels[p + 1] === 0) {
        labels[p + 1] = count;
        stack[top++] = p + 1;
      }
      if (p >= width && map[p - width] !== 0 && labels[p - width] === 0) {
        labels[p - width] = count;
        stack[top++] = p - width;
      }
      if (p < n - width && map[p + width] !== 0 && labels[p + width] === 0) {
        labels[p + width] = count;
        stack[top++] = p + width;
      }
    }
  }
  return { labels, count };
}

/**
 * Border thinning of the ISBI 2012 evaluation: predicted boundary pixels (label 0) take the largest
 * label in their 3×3 neighbourhood, all at once, repeated until no pixel inside `mask` is 0. This is
 * `thin_boundaries` of the challenge organisers' Python reference (a 3×3 maximum filter applied to
 * the zero pixels until the ground-truth foreground has none). If `labels` has no segment at all,
 * every pixel becomes segment 1. Modifies and returns `labels`.
 */
export function thinBoundaries(
  labels: Int32Array,
  mask: Uint8Array,
  width: number,
  height: number,
): Int32Array {
  const n = width * height;
  let zeros: number[] = [];
  let any = false;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 0) zeros.push(i);
    else any = true;
  }
  if (!any) {
    labels.fill(1);
    return labels;
  }
  const inMaskZero = (): boolean => zeros.some((i) => mask[i] !== 0);
  const next = new Int32Array(zeros.length);
  while (zeros.length > 0 && inMaskZero()) {
    // Simultaneous update: read old labels, write after the sweep.
    for (let k = 0; k < zeros.length; k++) {
      const p = zeros[k]!;
      const x = p % width;
      const y = (p - x) / width;
      let m = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const v = labels[yy * width + xx]!;
          if (v > m) m = v;
        }
      }
      next[k] = m;
    }
    const remaining: number[] = [];
    for (let k = 0; k < zeros.length; k++) {
      const p = zeros[k]!;
      if (next[k] !== 0) labels[p] = next[k]!;
      else remaining.push(p);
    }
    zeros = remaining;
  }
  return labels;
}
