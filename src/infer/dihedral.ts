import * as tf from '@tensorflow/tfjs-core';

/**
 * The 8 flips/rotations of square `[N, H, W, C]` tiles, numbered by bits: 1 = transpose,
 * 2 = flip left-right, 4 = flip up-down, applied in that order. 0 is the identity.
 */
export function dihedralTransform<T extends tf.Tensor4D>(x: T, t: number): T {
  return tf.tidy(() => {
    let y: tf.Tensor4D = x;
    if (t & 1) y = tf.transpose(y, [0, 2, 1, 3]);
    if (t & 2) y = tf.reverse(y, 2);
    if (t & 4) y = tf.reverse(y, 1);
    return y === x ? tf.clone(x) : y;
  }) as T;
}

/** Undoes {@link dihedralTransform} with the same `t`. */
export function dihedralInverse<T extends tf.Tensor4D>(y: T, t: number): T {
  return tf.tidy(() => {
    let x: tf.Tensor4D = y;
    if (t & 4) x = tf.reverse(x, 1);
    if (t & 2) x = tf.reverse(x, 2);
    if (t & 1) x = tf.transpose(x, [0, 2, 1, 3]);
    return x === y ? tf.clone(y) : x;
  }) as T;
}
