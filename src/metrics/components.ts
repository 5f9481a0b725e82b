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
  // Breadth-first by layers, equivalent to the repeated simultaneous sweeps but O(pixels): a zero
  // pixel filled in sweep d only has labelled neighbours from sweep d − 1 (or earlier ones it would
  // have been filled from before), so each layer reads the labels as they were before it.
  const level = new Int32Array(n).fill(-1);
  let frontier: number[] = [];
  let maskZeros = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0) {
      level[i] = 0;
      frontier.push(i);
    } else if (mask[i] !== 0) maskZeros++;
  }
  if (frontier.length === 0) {
    labels.fill(1);
    return labels;
  }
  const queued = new Uint8Array(n);
  for (let d = 1; maskZeros > 0 && frontier.length > 0; d++) {
    const layer: number[] = [];
    for (const p of frontier) {
      const x = p % width;
      const y = (p - x) / width;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
          const q = yy * width + xx;
          if (level[q] === -1 && !queued[q]) {
            queued[q] = 1;
            layer.push(q);
          }
        }
      }
    }
    const values = new Int32Array(layer.length);
    layer.forEach((q, k) => {
      const x = q % width;
      const y = (q - x) / width;
      let m = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
          const r = yy * width + xx;
          if (level[r]! >= 0 && labels[r]! > m) m = labels[r]!;
        }
      }
      values[k] = m;
    });
    layer.forEach((q, k) => {
      labels[q] = values[k]!;
      level[q] = d;
      if (mask[q] !== 0) maskZeros--;
    });
    frontier = layer;
  }
  return labels;
}
