// Plain-TypeScript convolution gradients (NHWC, dilation 1): oracles for the AssemblyScript
// kernels in tests and their baseline in benchmarks. Direct loops, no tricks.
import type { Conv2dGeometry } from '../../kernels/nn.js';

/** dw[fh,fw,inC,outC] = Σ x-patch · dy. */
export function conv2dBackpropFilterRef(x: Float32Array, dy: Float32Array, g: Conv2dGeometry): Float32Array {
  const dw = new Float32Array(g.filterH * g.filterW * g.inC * g.outC);
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const dyo = ((b * g.outH + oy) * g.outW + ox) * g.outC;
        for (let kh = 0; kh < g.filterH; kh++) {
          const iy = oy * g.strideH + kh - g.padTop;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kw = 0; kw < g.filterW; kw++) {
            const ix = ox * g.strideW + kw - g.padLeft;
            if (ix < 0 || ix >= g.inW) continue;
            const xo = ((b * g.inH + iy) * g.inW + ix) * g.inC;
            const wo = (kh * g.filterW + kw) * g.inC * g.outC;
            for (let ci = 0; ci < g.inC; ci++) {
              const xv = x[xo + ci]!;
              for (let co = 0; co < g.outC; co++) dw[wo + ci * g.outC + co]! += xv * dy[dyo + co]!;
            }
          }
        }
      }
    }
  }
  return dw;
}

/** dx[b,inH,inW,inC] = Σ dy · w over the taps that reach each input pixel. */
export function conv2dBackpropInputRef(dy: Float32Array, w: Float32Array, g: Conv2dGeometry): Float32Array {
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const dyo = ((b * g.outH + oy) * g.outW + ox) * g.outC;
        for (let kh = 0; kh < g.filterH; kh++) {
          const iy = oy * g.strideH + kh - g.padTop;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kw = 0; kw < g.filterW; kw++) {
            const ix = ox * g.strideW + kw - g.padLeft;
            if (ix < 0 || ix >= g.inW) continue;
            const xo = ((b * g.inH + iy) * g.inW + ix) * g.inC;
            const wo = (kh * g.filterW + kw) * g.inC * g.outC;
            for (let ci = 0; ci < g.inC; ci++) {
              let s = 0;
              for (let co = 0; co < g.outC; co++) s += dy[dyo + co]! * w[wo + ci * g.outC + co]!;
              dx[xo + ci]! += s;
            }
          }
        }
      }
    }
  }
  return dx;
}
