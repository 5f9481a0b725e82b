// Coefficients of Deriche's 4th-order recursive Gaussian (R. Deriche, "Recursively implementing
// the Gaussian and its derivatives", 1993; pole/weight values as tabulated in P. Getreuer,
// "A Survey of Gaussian Convolution Algorithms", IPOL 2013). Shared by the WASM kernel and the
// plain-TS reference so both run the very same filter.
//
// Impulse response h[n] = sum_k alpha_k beta_k^|n|, beta_k = exp(-lambda_k / sigma), normalised
// to unit sum. Each conjugate pair (alpha, beta) becomes one 2nd-order section, run causally
// (n >= 0) and anticausally (n >= 1); see assembly/augment/blur.ts for the equations.

/** One 2nd-order section: p[n] = b0 x[n] + b1 x[n-1] - a1 p[n-1] - a2 p[n-2], and its mirror. */
export interface DericheSection {
  b0: number;
  b1: number;
  /** Anticausal feed-forward: q[n] = c1 x[n+1] + c2 x[n+2] - a1 q[n+1] - a2 q[n+2]. */
  c1: number;
  c2: number;
  a1: number;
  a2: number;
  /** DC gain of the causal section (for its steady-state start). */
  gain: number;
}

export interface DericheCoefficients {
  sections: [DericheSection, DericheSection];
  /** Samples after which a start-state error has decayed below 1e-7 of its size. */
  settle: number;
}

const PAIRS = [
  { alpha: [0.84, 1.8675], lambda: [1.783, 0.6318] },
  { alpha: [-0.34015, -0.1299], lambda: [1.723, 1.997] },
] as const;
/** Smallest decay rate among the poles (real part of lambda). */
const SLOWEST = 1.723;
/** Largest sigma accepted: beyond it the settle length, hence the cost, becomes unreasonable. */
export const MAX_SIGMA = 1000;

/** Deriche 4th-order coefficients for a Gaussian of standard deviation sigma (> 0). */
export function dericheCoefficients(sigma: number): DericheCoefficients {
  const raw = PAIRS.map(({ alpha: [ar, ai], lambda: [lr, li] }) => {
    const m = Math.exp(-lr / sigma);
    const br = m * Math.cos(li / sigma);
    const bi = -m * Math.sin(li / sigma);
    const bb = br * br + bi * bi;
    // alpha/(1 - beta z^-1) + conj, and its anticausal part sum_{n>=1} h[n] z^n.
    const b0 = 2 * ar;
    const b1 = -2 * (ar * br + ai * bi); // -2 Re(alpha conj(beta))
    const c1 = 2 * (ar * br - ai * bi); // 2 Re(alpha beta)
    const c2 = -2 * bb * ar;
    return { b0, b1, c1, c2, a1: -2 * br, a2: bb };
  });
  let total = 0;
  for (const s of raw) total += (s.b0 + s.b1 + s.c1 + s.c2) / (1 + s.a1 + s.a2);
  const sections = raw.map((s) => {
    const b0 = s.b0 / total;
    const b1 = s.b1 / total;
    return {
      b0,
      b1,
      c1: s.c1 / total,
      c2: s.c2 / total,
      a1: s.a1,
      a2: s.a2,
      gain: (b0 + b1) / (1 + s.a1 + s.a2),
    };
  }) as DericheCoefficients['sections'];
  return { sections, settle: Math.ceil((Math.log(1e7) * sigma) / SLOWEST) + 4 };
}

/** Line length the filter runs on: n, or the smallest multiple of n >= max(settle, 4). */
export function paddedLength(n: number, settle: number): number {
  const need = Math.max(settle, 4);
  return n >= need ? n : n * Math.ceil(need / n);
}

/**
 * The 16 floats the WASM kernel reads (layout in assembly/augment/blur.ts); `scale` multiplies
 * the filter's output (used once, on the vertical pass, for the elastic field's alpha).
 */
export function packCoefficients(k: DericheCoefficients, scale = 1): Float32Array {
  const [s, t] = k.sections;
  const f = (v: number) => v * scale;
  return Float32Array.of(
    f(s.b0),
    f(s.b1),
    f(s.c1),
    f(s.c2),
    f(t.b0),
    f(t.b1),
    f(t.c1),
    f(t.c2),
    s.a1,
    s.a2,
    t.a1,
    t.a2,
    f(s.gain),
    f(t.gain),
    0,
    0,
  );
}
