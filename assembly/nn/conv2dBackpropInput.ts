// Input gradient of a 2-D convolution (NHWC), in gather form:
//
//   dx[b, iy, ix, ci] = Σ_{kh, kw, co} dy[b, oy, ox, co] · w[kh, kw, ci, co]
//   where oy = (iy + pt − kh) / sh and ox = (ix + pl − kw) / sw are integers inside dy.
//
// Register tile: 4 pixels of one input row × 8 input channels (8 f32x4 accumulators), reduced over
// the taps and the output channels, then stored once. The 4 pixels are spaced by the stride, so
// they share which taps hit an integer ox: strided convolutions (including conv2dTranspose's
// filter == stride case) need no zero-dilated dy. Input channels are the outermost loop, so the
// slice of the filter in use (taps × co × 8 floats) stays in cache.
//
// Layout contract (the JS wrapper prepares it): wt is the filter from nnTransposeFilter,
// [ci8/8, fh, fw, co, 8], ci8 a multiple of 8 with zero padding; dx is [batch, inH, inW, ci8] and every
// element of it is written.

import { NN_BAD_ARGS } from './errors';

/**
 * w [fh·fw, ci, co] -> wt [ci8/8, fh·fw, co, 8]: for one block of 8 input channels the filter
 * slice the kernel walks (taps, then co) is contiguous. wt is zero-filled by the caller.
 */
export function nnTransposeFilter(wPtr: usize, wtPtr: usize, taps: i32, ci: i32, co: i32, ci8: i32): i32 {
  if (taps <= 0 || ci <= 0 || co <= 0 || ci8 < ci || (ci8 & 7) != 0 || wPtr == 0 || wtPtr == 0)
    return NN_BAD_ARGS;
  for (let t = 0; t < taps; t++) {
    const src = wPtr + <usize>t * <usize>ci * <usize>co * 4;
    for (let i = 0; i < ci; i++) {
      const dst = wtPtr + ((<usize>(i >> 3) * <usize>taps + <usize>t) * <usize>co * 8 + <usize>(i & 7)) * 4;
      for (let o = 0; o < co; o++) {
        store<f32>(dst + <usize>o * 32, load<f32>(src + (<usize>i * <usize>co + <usize>o) * 4));
      }
    }
  }
  return 0;
}

/** Returns 0, or NN_BAD_ARGS when a size is out of range (nothing is written then). */
export function nnConv2dBackpropInput(
  dyPtr: usize,
  wtPtr: usize,
  dxPtr: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  ci8: i32,
  outH: i32,
  outW: i32,
  co: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
): i32 {
  if (batch <= 0 || inH <= 0 || inW <= 0 || outH <= 0 || outW <= 0 || co <= 0) return NN_BAD_ARGS;
  if (ci8 <= 0 || (ci8 & 7) != 0) return NN_BAD_ARGS;
  if (fh <= 0 || fw <= 0 || sh <= 0 || sw <= 0 || pt < 0 || pl < 0) return NN_BAD_ARGS;
  if (dyPtr == 0 || wtPtr == 0 || dxPtr == 0) return NN_BAD_ARGS;
  const dyPix = <usize>co * 4; // bytes per dy pixel
  const dyRow = <usize>outW * dyPix;
  const dxPix = <usize>ci8 * 4;
  const wtCo: usize = 32; // bytes between consecutive co rows of wt (one 8-channel block)
  const taps = fh * fw;
  for (let ci = 0; ci < ci8; ci += 8) {
    for (let b = 0; b < batch; b++) {
      const dyImg = dyPtr + <usize>b * <usize>outH * dyRow;
      for (let iy = 0; iy < inH; iy++) {
        const dxRow = dxPtr + (<usize>b * <usize>inH + <usize>iy) * <usize>inW * dxPix + <usize>ci * 4;
        for (let px = 0; px < sw; px++) {
          let ix = px;
          while (ix < inW) {
            const four = ix + 3 * sw < inW;
            let a00 = f32x4.splat(0);
            let a01 = f32x4.splat(0);
            let a10 = f32x4.splat(0);
            let a11 = f32x4.splat(0);
            let a20 = f32x4.splat(0);
            let a21 = f32x4.splat(0);
            let a30 = f32x4.splat(0);
            let a31 = f32x4.splat(0);
            for (let kh = 0; kh < fh; kh++) {
              const ty = iy + pt - kh;
              if (ty < 0 || ty % sh != 0) continue;
              const oy = ty / sh;
              if (oy >= outH) continue;
              const dyR = dyImg + <usize>oy * dyRow;
              for (let kw = 0; kw < fw; kw++) {
                const tx = ix + pl - kw;
                if (tx % sw != 0) continue; // same phase for all 4 pixels of the tile
                const ox0 = tx / sw; // exact, also when tx < 0
                const wRow =
                  wtPtr + (<usize>(ci >> 3) * <usize>taps + <usize>(kh * fw + kw)) * <usize>co * wtCo;
                const v0 = ox0 >= 0 && ox0 < outW;
                if (four && ox0 >= 0 && ox0 + 3 < outW) {
                  let g = dyR + <usize>ox0 * dyPix;
                  let w = wRow;
                  for (let o = 0; o < co; o++) {
                    const w0 = v128.load(w);
                    const w1 = v128.load(w, 16);
                    const d0 = v128.load32_splat(g);
                    const d1 = v128.load32_splat(g + dyPix);
                    const d2 = v128.load32_splat(g + 2 * dyPix);
                    const d3 = v128.load32_splat(g + 3 * dyPix);
                    a00 = f32x4.add(a00, f32x4.mul(d0, w0));
                    a01 = f32x4.add(a01, f32x4.mul(d0, w1));
                    a10 = f32x4.add(a10, f32x4.mul(d1, w0));
                    a11 = f32x4.add(a11, f32x4.mul(d1, w1));
                    a20 = f32x4.add(a20, f32x4.mul(d2, w0));
                    a21 = f32x4.add(a21, f32x4.mul(d2, w1));
                    a30 = f32x4.add(a30, f32x4.mul(d3, w0));
                    a31 = f32x4.add(a31, f32x4.mul(d3, w1));
                    g += 4;
                    w += wtCo;
                  }
                  continue;
                }
                // Edge tiles and the single-pixel tail: each pixel on its own.
                if (v0) {
                  let g = dyR + <usize>ox0 * dyPix;
                  let w = wRow;
                  for (let o = 0; o < co; o++) {
                    const d = v128.load32_splat(g);
                    a00 = f32x4.add(a00, f32x4.mul(d, v128.load(w)));
                    a01 = f32x4.add(a01, f32x4.mul(d, v128.load(w, 16)));
                    g += 4;
                    w += wtCo;
                  }
                }
                if (!four) continue;
                if (ox0 + 1 >= 0 && ox0 + 1 < outW) {
                  let g = dyR + <usize>(ox0 + 1) * dyPix;
                  let w = wRow;
                  for (let o = 0; o < co; o++) {
                    const d = v128.load32_splat(g);
                    a10 = f32x4.add(a10, f32x4.mul(d, v128.load(w)));
                    a11 = f32x4.add(a11, f32x4.mul(d, v128.load(w, 16)));
                    g += 4;
                    w += wtCo;
                  }
                }
                if (ox0 + 2 >= 0 && ox0 + 2 < outW) {
                  let g = dyR + <usize>(ox0 + 2) * dyPix;
                  let w = wRow;
                  for (let o = 0; o < co; o++) {
                    const d = v128.load32_splat(g);
                    a20 = f32x4.add(a20, f32x4.mul(d, v128.load(w)));
                    a21 = f32x4.add(a21, f32x4.mul(d, v128.load(w, 16)));
                    g += 4;
                    w += wtCo;
                  }
                }
                if (ox0 + 3 >= 0 && ox0 + 3 < outW) {
                  let g = dyR + <usize>(ox0 + 3) * dyPix;
                  let w = wRow;
                  for (let o = 0; o < co; o++) {
                    const d = v128.load32_splat(g);
                    a30 = f32x4.add(a30, f32x4.mul(d, v128.load(w)));
                    a31 = f32x4.add(a31, f32x4.mul(d, v128.load(w, 16)));
                    g += 4;
                    w += wtCo;
                  }
                }
              }
            }
            const o0 = dxRow + <usize>ix * dxPix;
            v128.store(o0, a00);
            v128.store(o0, a01, 16);
            if (four) {
              const step = <usize>sw * dxPix;
              v128.store(o0 + step, a10);
              v128.store(o0 + step, a11, 16);
              v128.store(o0 + 2 * step, a20);
              v128.store(o0 + 2 * step, a21, 16);
              v128.store(o0 + 3 * step, a30);
              v128.store(o0 + 3 * step, a31, 16);
              ix += 4 * sw;
            } else {
              ix += sw;
            }
          }
        }
      }
    }
  }
  return 0;
}

/**
 * The same input gradient for few input channels (the U-Net's first layer has one): vectorised
 * over the output channels instead of 8 input channels, so nothing is computed for padding.
 *
 *   dx[b, iy, ix, ci] = Σ_{kh, kw} hsum(Σ_{co/4} dy[b, oy, ox, co:co+4] · w[kh, kw, ci, co:co+4])
 *
 * Layout contract: dy is [batch, outH, outW, co4] and w is [fh, fw, ci, co4], co4 a multiple of 4
 * with zero padding; dx is [batch, inH, inW, ci] and every element of it is written. Taps that fall
 * outside dy contribute zero. Returns 0, or NN_BAD_ARGS.
 */
export function nnConv2dBackpropInputNarrow(
  dyPtr: usize,
  wPtr: usize,
  dxPtr: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  ci: i32,
  outH: i32,
  outW: i32,
  co4: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
): i32 {
  if (batch <= 0 || inH <= 0 || inW <= 0 || outH <= 0 || outW <= 0 || ci <= 0) return NN_BAD_ARGS;
  if (co4 <= 0 || (co4 & 3) != 0) return NN_BAD_ARGS;
  if (fh <= 0 || fw <= 0 || sh <= 0 || sw <= 0 || pt < 0 || pl < 0) return NN_BAD_ARGS;
  if (dyPtr == 0 || wPtr == 0 || dxPtr == 0) return NN_BAD_ARGS;
  const dyPix = <usize>co4 * 4;
  const dyRow = <usize>outW * dyPix;
  const wTap = <usize>ci * dyPix; // bytes per tap of w
  const co8 = co4 & ~7;
  for (let b = 0; b < batch; b++) {
    const dyImg = dyPtr + <usize>b * <usize>outH * dyRow;
    for (let iy = 0; iy < inH; iy++) {
      for (let ix = 0; ix < inW; ix++) {
        const dx = dxPtr + ((<usize>b * <usize>inH + <usize>iy) * <usize>inW + <usize>ix) * <usize>ci * 4;
        for (let c = 0; c < ci; c++) {
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          for (let kh = 0; kh < fh; kh++) {
            const ty = iy + pt - kh;
            if (ty < 0 || ty % sh != 0) continue;
            const oy = ty / sh;
            if (oy >= outH) continue;
            for (let kw = 0; kw < fw; kw++) {
              const tx = ix + pl - kw;
              if (tx < 0 || tx % sw != 0) continue;
              const ox = tx / sw;
              if (ox >= outW) continue;
              const g = dyImg + <usize>oy * dyRow + <usize>ox * dyPix;
              const w = wPtr + <usize>(kh * fw + kw) * wTap + <usize>c * dyPix;
              let o: i32 = 0;
              for (; o < co8; o += 8) {
                const q = (<usize>o) << 2;
                a0 = f32x4.add(a0, f32x4.mul(v128.load(g + q), v128.load(w + q)));
                a1 = f32x4.add(a1, f32x4.mul(v128.load(g + q, 16), v128.load(w + q, 16)));
              }
              if (o < co4) {
                const q = (<usize>o) << 2;
                a0 = f32x4.add(a0, f32x4.mul(v128.load(g + q), v128.load(w + q)));
              }
            }
          }
          const s = f32x4.add(a0, a1);
          store<f32>(
            dx + ((<usize>c) << 2),
            f32x4.extract_lane(s, 0) +
              f32x4.extract_lane(s, 1) +
              (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3)),
          );
        }
      }
    }
  }
  return 0;
}
