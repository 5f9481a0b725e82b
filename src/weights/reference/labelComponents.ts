// Plain-TS connected components by breadth-first flood fill: the test oracle and bench baseline of
// labelComponents. Same numbering: raster order of each component's first pixel.
import type { LabelComponentsOptions, LabeledComponents } from '../labelComponents.js';
import { checkConnectivity, checkImage, checkOptions } from '../validate.js';

/** Plain-TS {@link labelComponents}. */
export function labelComponentsJs(
  mask: Uint8Array,
  width: number,
  height: number,
  options: LabelComponentsOptions = {},
): LabeledComponents {
  checkImage('labelComponentsJs', mask, width, height);
  checkOptions('labelComponentsJs', options);
  const eight = checkConnectivity('labelComponentsJs', options.connectivity) === 8;
  const n = width * height;
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  const dx = eight ? [1, -1, 0, 0, 1, 1, -1, -1] : [1, -1, 0, 0];
  const dy = eight ? [0, 0, 1, -1, 1, -1, 1, -1] : [0, 0, 1, -1];
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    const id = ++count;
    labels[start] = id;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % width;
      const y = (p - x) / width;
      for (let k = 0; k < dx.length; k++) {
        const nx = x + dx[k]!;
        const ny = y + dy[k]!;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = ny * width + nx;
        if (mask[q] !== 0 && labels[q] === 0) {
          labels[q] = id;
          queue[tail++] = q;
        }
      }
    }
  }
  return { labels, count };
}
