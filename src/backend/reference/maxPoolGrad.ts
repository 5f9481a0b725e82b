// Plain-TypeScript max-pool gradient: the fallback of the 'wasm' MaxPoolGrad kernel for small
// tensors, and the test oracle and benchmark baseline of nnMaxPoolGrad (src/kernels/nnLayout.ts).
import type { PoolGeometry } from '../../kernels/nnLayout.js';

/**
 * dx = 0, then each dy element is added at the first maximum of its window in row-major window
 * order (as the 'cpu' backend resolves ties, common after ReLU). Float32 throughout.
 */
export function maxPoolGradJs(x: Float32Array, dy: Float32Array, g: PoolGeometry, dx: Float32Array): void {
  const { batch, h: H, w: W, c: C, outH: OH, outW: OW } = g;
  const { strideH: sh, strideW: sw, filterH: fh, filterW: fw, padTop: pt, padLeft: pl } = g;
  dx.fill(0);
  const best = new Float32Array(C);
  const pos = new Int32Array(C);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sh - pt;
      const ya = Math.max(0, y0);
      const yb = Math.min(H, y0 + fh);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * sw - pl;
        const xa = Math.max(0, x0);
        const xb = Math.min(W, x0 + fw);
        best.fill(-Infinity);
        pos.fill(-1);
        for (let y = ya; y < yb; y++) {
          for (let xx = xa; xx < xb; xx++) {
            const p = ((b * H + y) * W + xx) * C;
            for (let c = 0; c < C; c++) {
              const v = x[p + c]!;
              // Strict '>' keeps the first maximum; the first slot is always taken (even NaN).
              if (v > best[c]! || pos[c] === -1) {
                best[c] = v;
                pos[c] = p + c;
              }
            }
          }
        }
        const q = ((b * OH + oy) * OW + ox) * C;
        for (let c = 0; c < C; c++) {
          const at = pos[c]!;
          if (at >= 0) dx[at] = dx[at]! + dy[q + c]!;
        }
      }
    }
  }
}
