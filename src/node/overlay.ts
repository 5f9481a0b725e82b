// image | label | prediction | errors panels of one slice, for the training report.
import { GLYPH_HEIGHT, Raster } from './raster.js';
import type { Color } from './raster.js';

/** Tint per class; class 1 (cell interior in the two-class EM setting) stays untinted. */
const PALETTE: readonly Color[] = [
  [0, 200, 80],
  [0, 0, 0],
  [255, 170, 0],
  [0, 140, 255],
  [220, 0, 220],
  [255, 60, 60],
];

function greyLevels(image: ArrayLike<number>): (v: number) => number {
  // Robust stretch: the 1st and 99th percentiles of a sample map to 0 and 255.
  const n = image.length;
  const step = Math.max(1, Math.floor(n / 20000));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) sample.push(image[i]!);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(sample.length * 0.01)] ?? 0;
  const hi = sample[Math.floor(sample.length * 0.99)] ?? 1;
  const scale = hi > lo ? 255 / (hi - lo) : 1;
  return (v) => Math.max(0, Math.min(255, (v - lo) * scale));
}

/**
 * Four panels side by side: the image; the image with the true label tinted (membrane green);
 * with the predicted label tinted; and errors (red: predicted membrane where there is none,
 * blue: missed membrane; for more classes, red marks every wrong pixel).
 */
export function overlayPanels(
  image: ArrayLike<number>,
  label: ArrayLike<number>,
  pred: ArrayLike<number>,
  width: number,
  height: number,
  caption = '',
): Raster {
  const s = 2;
  const gap = 8;
  const header = GLYPH_HEIGHT * s + 12;
  const captionH = caption ? GLYPH_HEIGHT * s + 10 : 0;
  const out = new Raster(4 * width + 5 * gap, height + header + captionH + gap, [255, 255, 255]);
  const grey = greyLevels(image);
  const titles = ['image', 'label', 'prediction', 'errors'];
  for (let p = 0; p < 4; p++) {
    const ox = gap + p * (width + gap);
    const oy = header + captionH;
    out.text(ox + (width - Raster.textWidth(titles[p]!, s)) / 2, captionH + 6, titles[p]!, [30, 30, 30], s);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const g = grey(image[i]!);
        let c: Color = [g, g, g];
        if (p === 1 || p === 2) {
          const k = (p === 1 ? label[i] : pred[i])!;
          if (k !== 1) {
            const t = PALETTE[k % PALETTE.length]!;
            c = [g * 0.45 + t[0] * 0.55, g * 0.45 + t[1] * 0.55, g * 0.45 + t[2] * 0.55];
          }
        } else if (p === 3 && label[i] !== pred[i]) {
          const missed = label[i] === 0 && pred[i] === 1;
          c = missed ? [40, 90, 255] : [255, 40, 40];
        } else if (p === 3) {
          c = [g * 0.6 + 60, g * 0.6 + 60, g * 0.6 + 60];
        }
        const j = ((oy + y) * out.width + ox + x) * 4;
        out.data[j] = c[0];
        out.data[j + 1] = c[1];
        out.data[j + 2] = c[2];
        out.data[j + 3] = 255;
      }
    }
  }
  if (caption) out.text(gap, 6, caption, [30, 30, 30], s);
  return out;
}
