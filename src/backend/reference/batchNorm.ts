// Plain-TypeScript batch norm in training mode over [n, c] (test oracle of the fused
// UNetBatchNormTrain/Grad kernels): float64 throughout, two-pass variance.

/** Forward results and gradients of {@link batchNormTrainRef}. */
export interface BatchNormRefResult {
  y: Float64Array;
  mean: Float64Array;
  /** Biased (divided by n), as tf.moments. */
  variance: Float64Array;
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
  /** max |γ·invstd·dy|: the size of the terms dx is summed from, a natural error scale for dx. */
  dxScale: number;
}

/**
 * y = (x − mean)·γ/√(variance + ε) + β over `x` [n, c] with batch statistics, and its gradients for
 * the upstream gradient `dy`: dβ = Σdy, dγ = Σdy·x̂, dx = γ·invstd/n·(n·dy − dβ − x̂·dγ).
 * With `relu`, y = max(0, that) and dy counts only where it is > 0 (ReLU's gradient).
 */
export function batchNormTrainRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  dy: ArrayLike<number>,
  n: number,
  c: number,
  epsilon: number,
  relu = false,
): BatchNormRefResult {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let p = 0; p < n; p++) for (let k = 0; k < c; k++) mean[k]! += x[p * c + k]! / n;
  for (let p = 0; p < n; p++) for (let k = 0; k < c; k++) variance[k]! += (x[p * c + k]! - mean[k]!) ** 2 / n;
  const inv = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  const y = new Float64Array(n * c);
  const g = Float64Array.from(dy);
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  for (let p = 0; p < n; p++)
    for (let k = 0; k < c; k++) {
      const i = p * c + k;
      const xh = (x[i]! - mean[k]!) * inv[k]!;
      const z = xh * gamma[k]! + beta[k]!;
      y[i] = relu ? Math.max(0, z) : z;
      if (relu && !(z > 0)) g[i] = 0;
      dbeta[k]! += g[i]!;
      dgamma[k]! += g[i]! * xh;
    }
  const dx = new Float64Array(n * c);
  let dxScale = 0;
  for (let p = 0; p < n; p++)
    for (let k = 0; k < c; k++) {
      const i = p * c + k;
      const xh = (x[i]! - mean[k]!) * inv[k]!;
      dx[i] = ((gamma[k]! * inv[k]!) / n) * (n * g[i]! - dbeta[k]! - xh * dgamma[k]!);
      dxScale = Math.max(dxScale, Math.abs(gamma[k]! * inv[k]! * dy[i]!));
    }
  return { y, mean, variance, dx, dgamma, dbeta, dxScale };
}
