import { gaussianBlurWasm } from '../kernels/augment.js';
import { dericheCoefficients, MAX_SIGMA } from './deriche.js';
import { checkFloat32, checkRange, checkSize } from './validate.js';

/**
 * Gaussian blur of a `width` x `height` f32 image with standard deviation `sigma` (pixels),
 * half-sample-symmetric ('reflect') borders, as scipy.ndimage.gaussian_filter(x, sigma,
 * mode='reflect'). Separable Deriche 4th-order recursive filter in WASM SIMD: the cost per pixel
 * does not depend on sigma. sigma = 0 returns a copy; sigma is limited to [0, 1000].
 * @throws AugmentError on bad sizes, array length or sigma.
 */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  checkSize(width, height);
  checkFloat32(src, width * height, 'src');
  checkRange(sigma, 0, MAX_SIGMA, 'sigma');
  if (sigma === 0) return src.slice();
  return gaussianBlurWasm(src, width, height, dericheCoefficients(sigma));
}
