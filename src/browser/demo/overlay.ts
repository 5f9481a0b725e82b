// The demo's prediction overlay: the slice in grey with the predicted membrane (class 0) tinted
// red and the true membrane's outline in green, next to the plain prediction.
import type { StackPixels } from '../../train/index.js';

/** Draws `image | overlay` side by side, scaled to the canvas height. */
export function drawOverlay(
  canvas: HTMLCanvasElement,
  image: StackPixels,
  pred: Uint8Array,
  truth: Uint8Array,
  width: number,
  height: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = 255 / (hi - lo || 1);
  const grey = new ImageData(width, height);
  const over = new ImageData(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const g = (image[i]! - lo) * scale;
      const o = 4 * i;
      grey.data.set([g, g, g, 255], o);
      let r = g;
      let gg = g;
      let b = g;
      if (pred[i] === 0) {
        r = 0.45 * g + 0.55 * 229;
        gg = 0.45 * g + 0.55 * 57;
        b = 0.45 * g + 0.55 * 53;
      }
      // Outline of the true membrane: a membrane pixel next to a cell pixel.
      const t = truth[i];
      const edge =
        t === 0 &&
        ((x > 0 && truth[i - 1] !== 0) ||
          (x < width - 1 && truth[i + 1] !== 0) ||
          (y > 0 && truth[i - width] !== 0) ||
          (y < height - 1 && truth[i + width] !== 0));
      if (edge) {
        r = 40;
        gg = 199;
        b = 111;
      }
      over.data.set([r, gg, b, 255], o);
    }
  }
  const side = Math.min(canvas.height, Math.floor(canvas.width / 2) - 4);
  const draw = (img: ImageData, dx: number): void => {
    const tmp = document.createElement('canvas');
    tmp.width = width;
    tmp.height = height;
    tmp.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, dx, 0, side, side);
  };
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  draw(grey, 0);
  draw(over, side + 8);
}
