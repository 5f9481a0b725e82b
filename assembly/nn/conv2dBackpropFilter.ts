// Filter gradient of a 2-D convolution (NHWC), the kernel that stock tfjs-wasm lacks.
//
//   dw[kh, kw, ci, co] = Σ_{b, oy, ox} x[b, oy·sh + kh − pt, ox·sw + kw − pl, ci] · dy[b, oy, ox, co]
//
// For a fixed tap (kh, kw) this is a GEMM dw_k[ci, co] += xᵀ·dy whose K dimension runs over the
// output pixels; a run of output pixels along one row reads a strided run of input pixels, so no
// im2col buffer is needed. Register tile: 4 input channels × 8 output channels (8 f32x4
// accumulators) kept in registers over a chunk of output rows, then added into dw.
//
// Layout contract (the JS wrapper pads): `ci4` is a multiple of 4 and `co8` a multiple of 8, the
// padded channels of x and dy are zero, dw is [fh, fw, ci4, co8] and zero-filled by the caller.

import { NN_BAD_ARGS } from './errors';

// Output rows are grouped so that one chunk covers about this many pixels: enough work to
// amortise the accumulator load/store, small enough for the rows of x and dy to stay in cache.
const CHUNK_PIXELS: i32 = 256;

/** Returns 0, or NN_BAD_ARGS when a size is out of range (nothing is written then). */
export function nnConv2dBackpropFilter(
  xPtr: usize,
  dyPtr: usize,
  dwPtr: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  ci4: i32,
  outH: i32,
  outW: i32,
  co8: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
): i32 {
  if (batch <= 0 || inH <= 0 || inW <= 0 || outH <= 0 || outW <= 0) return NN_BAD_ARGS;
  if (ci4 <= 0 || (ci4 & 3) != 0 || co8 <= 0 || (co8 & 7) != 0) return NN_BAD_ARGS;
  if (fh <= 0 || fw <= 0 || sh <= 0 || sw <= 0 || pt < 0 || pl < 0) return NN_BAD_ARGS;
  if (xPtr == 0 || dyPtr == 0 || dwPtr == 0) return NN_BAD_ARGS;
  const xRow = <usize>inW * <usize>ci4 * 4; // bytes per input row
  const dyRow = <usize>outW * <usize>co8 * 4;
  const xPix = <usize>sw * <usize>ci4 * 4; // bytes between the input pixels of adjacent outputs
  const dyPix = <usize>co8 * 4;
  let rowsPerChunk = CHUNK_PIXELS / outW;
  if (rowsPerChunk < 1) rowsPerChunk = 1;

  for (let b = 0; b < batch; b++) {
    const xImg = xPtr + <usize>b * <usize>inH * xRow;
    const dyImg = dyPtr + <usize>b * <usize>outH * dyRow;
    for (let oy0 = 0; oy0 < outH; oy0 += rowsPerChunk) {
      const oy1 = min(oy0 + rowsPerChunk, outH);
      for (let kh = 0; kh < fh; kh++) {
        // Output rows of the chunk whose input row iy = oy·sh + kh − pt is inside the image.
        let ya = oy0;
        while (ya < oy1 && ya * sh + kh - pt < 0) ya++;
        let yb = oy1;
        while (yb > ya && (yb - 1) * sh + kh - pt >= inH) yb--;
        if (ya >= yb) continue;
        for (let kw = 0; kw < fw; kw++) {
          // Output columns whose input column ix = ox·sw + kw − pl is inside the image.
          let xa = 0;
          while (xa < outW && xa * sw + kw - pl < 0) xa++;
          let xb = outW;
          while (xb > xa && (xb - 1) * sw + kw - pl >= inW) xb--;
          if (xa >= xb) continue;
          const n = xb - xa;
          const dwTap = dwPtr + <usize>(kh * fw + kw) * <usize>ci4 * <usize>co8 * 4;
          for (let ci = 0; ci < ci4; ci += 4) {
            for (let co = 0; co < co8; co += 8) {
              const d = dwTap + (<usize>ci * <usize>co8 + <usize>co) * 4;
              const rs = <usize>co8 * 4;
              let a00 = v128.load(d);
              let a01 = v128.load(d, 16);
              let a10 = v128.load(d + rs);
              let a11 = v128.load(d + rs, 16);
              let a20 = v128.load(d + 2 * rs);
              let a21 = v128.load(d + 2 * rs, 16);
              let a30 = v128.load(d + 3 * rs);
              let a31 = v128.load(d + 3 * rs, 16);
              for (let oy = ya; oy < yb; oy++) {
                const iy = oy * sh + kh - pt;
                let xp = xImg + <usize>iy * xRow + (<usize>(xa * sw + kw - pl) * <usize>ci4 + <usize>ci) * 4;
                let gp = dyImg + <usize>oy * dyRow + (<usize>xa * <usize>co8 + <usize>co) * 4;
                for (let i = 0; i < n; i++) {
                  const g0 = v128.load(gp);
                  const g1 = v128.load(gp, 16);
                  const x0 = v128.load32_splat(xp);
                  const x1 = v128.load32_splat(xp, 4);
                  const x2 = v128.load32_splat(xp, 8);
                  const x3 = v128.load32_splat(xp, 12);
                  a00 = f32x4.add(a00, f32x4.mul(x0, g0));
                  a01 = f32x4.add(a01, f32x4.mul(x0, g1));
                  a10 = f32x4.add(a10, f32x4.mul(x1, g0));
                  a11 = f32x4.add(a11, f32x4.mul(x1, g1));
                  a20 = f32x4.add(a20, f32x4.mul(x2, g0));
                  a21 = f32x4.add(a21, f32x4.mul(x2, g1));
                  a30 = f32x4.add(a30, f32x4.mul(x3, g0));
                  a31 = f32x4.add(a31, f32x4.mul(x3, g1));
                  xp += xPix;
                  gp += dyPix;
                }
              }
              v128.store(d, a00);
              v128.store(d, a01, 16);
              v128.store(d + rs, a10);
              v128.store(d + rs, a11, 16);
              v128.store(d + 2 * rs, a20);
              v128.store(d + 2 * rs, a21, 16);
              v128.store(d + 3 * rs, a30);
              v128.store(d + 3 * rs, a31, 16);
            }
          }
        }
      }
    }
  }
  return 0;
}
