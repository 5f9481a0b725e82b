// Stand-ins for modules other helpers deliver (used through vi.mock until they land).
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const p = 2 * (n - 1);
  let j = i % p;
  if (j < 0) j += p;
  return j < n ? j : p - j;
}

/** Plain overlap-tile prediction: output tiles on a grid, input windows mirrored at the borders. */
export async function predictTiledStandIn(
  model: LayersModel,
  image: Float32Array,
  width: number,
  height: number,
  opts: { tileSize?: number; batchSize?: number } = {},
): Promise<{ probabilities: Float32Array; labels: Uint8Array }> {
  const inShape = model.inputs[0]!.shape;
  const n = (inShape[1] as number | null) ?? opts.tileSize ?? 64;
  const probe = tf.tidy(() => model.predict(tf.zeros([1, n, n, 1])) as tf.Tensor);
  const [, m, , classes] = probe.shape as number[];
  probe.dispose();
  const margin = (n - m!) / 2;
  const probs = new Float32Array(width * height * classes!);
  for (let oy = 0; oy < height; oy += m!) {
    for (let ox = 0; ox < width; ox += m!) {
      const tile = new Float32Array(n * n);
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++)
          tile[y * n + x] =
            image[reflect(oy - margin + y, height) * width + reflect(ox - margin + x, width)]!;
      const out = tf.tidy(() => model.predict(tf.tensor4d(tile, [1, n, n, 1])) as tf.Tensor);
      const d = await out.data();
      out.dispose();
      for (let y = 0; y < m! && oy + y < height; y++)
        for (let x = 0; x < m! && ox + x < width; x++)
          for (let c = 0; c < classes!; c++)
            probs[((oy + y) * width + ox + x) * classes! + c] = d[(y * m! + x) * classes! + c]!;
    }
  }
  const labels = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    let best = 0;
    for (let c = 1; c < classes!; c++) if (probs[i * classes! + c]! > probs[i * classes! + best]!) best = c;
    labels[i] = best;
  }
  return { probabilities: probs, labels };
}
