// Scalar mirror of the kernel's powPos (assembly/augment/intensity.ts): max(x, 0)^g through the
// same f32 operations in the same order, so WASM and JS agree bit for bit.
const f = Math.fround;
const F = new Float32Array(1);
const I = new Int32Array(F.buffer);

const SQRT2 = f(1.4142135623730951);
const INV_LN2 = f(1.4426950408889634);
const LN2 = f(0.6931471805599453);
const MIN_NORMAL = f(1.1754943508222875e-38);
const C9 = f(1 / 9);
const C7 = f(1 / 7);
const C5 = f(1 / 5);
const C3 = f(1 / 3);
const E6 = f(1 / 720);
const E5 = f(1 / 120);
const E4 = f(1 / 24);
const E3 = f(1 / 6);

/** max(x, 0)^g (g > 0) exactly as the WASM kernel computes it; 0 for x < 2^-126 or NaN. */
export function powPosJs(x: number, g: number): number {
  x = f(x);
  g = f(g);
  if (!(x >= MIN_NORMAL)) return 0;
  F[0] = x;
  const bits = I[0]!;
  let e = (bits >>> 23) - 127;
  I[0] = (bits & 0x007fffff) | 0x3f800000;
  let m = F[0]!;
  if (m > SQRT2) {
    m = f(m * 0.5);
    e += 1;
  }
  const t = f(f(m - 1) / f(m + 1));
  const t2 = f(t * t);
  let p = C9;
  p = f(f(p * t2) + C7);
  p = f(f(p * t2) + C5);
  p = f(f(p * t2) + C3);
  p = f(f(p * t2) + 1);
  const lnm = f(f(t * p) * 2);
  const log2x = f(e + f(lnm * INV_LN2));
  let y = f(g * log2x);
  y = y < 127 ? y : 127;
  y = -126 < y ? y : -126;
  const fl = Math.floor(y);
  const z = f(f(f(y - fl) - 0.5) * LN2);
  let q = E6;
  q = f(f(q * z) + E5);
  q = f(f(q * z) + E4);
  q = f(f(q * z) + E3);
  q = f(f(q * z) + 0.5);
  q = f(f(q * z) + 1);
  q = f(f(q * z) + 1);
  q = f(q * SQRT2);
  I[0] = (fl + 127) << 23;
  return f(q * F[0]!);
}

/** Natural log of a positive normal f32 exactly as the kernel's lnNormal (noise) computes it. */
export function lnNormalJs(x: number): number {
  F[0] = f(x);
  const bits = I[0]!;
  let e = (bits >>> 23) - 127;
  I[0] = (bits & 0x007fffff) | 0x3f800000;
  let m = F[0]!;
  if (m > SQRT2) {
    m = f(m * 0.5);
    e += 1;
  }
  const t = f(f(m - 1) / f(m + 1));
  const t2 = f(t * t);
  let p = C9;
  p = f(f(p * t2) + C7);
  p = f(f(p * t2) + C5);
  p = f(f(p * t2) + C3);
  p = f(f(p * t2) + 1);
  const lnm = f(f(t * p) * 2);
  return f(f(e * LN2) + lnm);
}
