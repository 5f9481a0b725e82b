// Tiny synthetic problems for the trainer tests.

/** A smooth random-ish field whose sign is the label: learnable by a tiny conv net in a few steps. */
export function tinyProblem(
  count: number,
  width: number,
  height: number,
  seed = 1,
): {
  images: Float32Array;
  labels: Uint8Array;
} {
  const images = new Float32Array(count * width * height);
  const labels = new Uint8Array(count * width * height);
  for (let s = 0; s < count; s++) {
    const fx = 0.31 + 0.05 * ((s * 7 + seed) % 5);
    const fy = 0.23 + 0.04 * ((s * 3 + seed) % 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (s * height + y) * width + x;
        const v = Math.sin(x * fx + s) + Math.cos(y * fy + 2 * s);
        images[i] = 100 + 60 * v;
        labels[i] = v > 0 ? 255 : 0;
      }
    }
  }
  return { images, labels };
}
