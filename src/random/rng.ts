// One seeded PRNG for the whole library: xoshiro128** seeded through splitmix32. Integer-only
// arithmetic (Math.imul, >>> 0) makes the stream identical on every platform and in AssemblyScript.

/** Serializable generator state, saved in checkpoints so a resumed run draws the same numbers. */
export type RngState = [number, number, number, number];

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) >>> 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Seeded random numbers. `new Rng(seed)` always yields the same sequence for the same seed. */
export class Rng {
  private s: RngState;

  constructor(seed: number | RngState = 0) {
    if (Array.isArray(seed)) {
      this.s = [seed[0] >>> 0, seed[1] >>> 0, seed[2] >>> 0, seed[3] >>> 0];
    } else {
      if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number, got ${seed}`);
      const st = { s: Math.trunc(seed) >>> 0 };
      this.s = [splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st)];
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next raw 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [arr[i], arr[j]] = [arr[j]!, arr[i]!];
    }
    return arr;
  }

  /** A derived, independent seed (for per-sample or per-worker streams). */
  fork(): number {
    return this.nextU32();
  }

  /** Snapshot of the state, for checkpoints. */
  getState(): RngState {
    return [...this.s] as RngState;
  }
}

/** Mixes several integers into one 32-bit seed, e.g. (runSeed, epoch, sampleIndex). */
export function mixSeed(...parts: number[]): number {
  const st = { s: 0x243f6a88 };
  let h = 0;
  for (const p of parts) {
    st.s = (st.s ^ (Math.trunc(p) >>> 0)) >>> 0;
    h = (h ^ splitmix32(st)) >>> 0;
    st.s = h;
  }
  return h;
}
