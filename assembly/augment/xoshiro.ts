// xoshiro128** exactly as src/random/rng.ts (Rng.nextU32), so WASM draws the same stream as JS.
// The 4-word state lives in linear memory: JS seeds it (new Rng(seed).getState()), the kernel
// advances it and writes it back so JS can continue the stream.
import { E_ARGS, E_MEMORY, inMemory } from './util';

function rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

// State held in globals while a kernel runs (loaded from / stored to the caller's buffer).
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

export function rngLoad(state: usize): void {
  s0 = load<u32>(state);
  s1 = load<u32>(state, 4);
  s2 = load<u32>(state, 8);
  s3 = load<u32>(state, 12);
}

export function rngStore(state: usize): void {
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}

/** Next raw 32-bit output (Rng.nextU32). */
export function rngNextU32(): u32 {
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}

/** Uniform in [0, 1) with 32 bits (Rng.next), computed in f64 exactly like JS. */
export function rngNext(): f64 {
  return <f64>rngNextU32() * 2.3283064365386963e-10;
}

/** Writes n raw u32 outputs of the stream at `state` into out. */
export function augXoshiroU32(state: usize, out: usize, n: i32): i32 {
  if (n < 0) return E_ARGS;
  if (!inMemory(state, 16) || (n > 0 && !inMemory(out, (<u64>n) << 2))) return E_MEMORY;
  rngLoad(state);
  for (let i = 0; i < n; i++) store<u32>(out + ((<usize>i) << 2), rngNextU32());
  rngStore(state);
  return 0;
}

/** Fills out with n floats f32(lo + (hi - lo) * next()), i.e. Float32Array.of(rng.uniform(lo, hi)). */
export function augUniformF32(state: usize, out: usize, n: i32, lo: f64, hi: f64): i32 {
  if (n < 0) return E_ARGS;
  if (!inMemory(state, 16) || (n > 0 && !inMemory(out, (<u64>n) << 2))) return E_MEMORY;
  rngLoad(state);
  const span = hi - lo;
  for (let i = 0; i < n; i++) store<f32>(out + ((<usize>i) << 2), <f32>(lo + span * rngNext()));
  rngStore(state);
  return 0;
}

/** The last, partial group of noise4. */
const NOISE_TAIL: usize = memory.data(16, 16);

/** 2^23 (i32 lanes), 2^-23 (f32 lanes), 5 and 9 (i32 lanes) for noise4, as whole vectors. */
const NOISE_CONSTS: usize = memory.data<i32>(
  [
    0x00800000, 0x00800000, 0x00800000, 0x00800000, 0x34000000, 0x34000000, 0x34000000, 0x34000000, 5, 5, 5,
    5, 9, 9, 9, 9,
  ],
  16,
);

/**
 * Four xoshiro128** generators side by side, one per i32x4 lane (states at `states`: lane k's
 * words s0..s3 at states + 16 k). out[i] takes the next output u of lane i % 4 and becomes the
 * exact float ((u >>> 8) - 2^23) / 2^23, uniform in [-1, 1). Lanes of a last partial group draw
 * too but are not stored. The advanced states are written back.
 */
export function noise4(states: usize, out: usize, n: i32): void {
  // Transpose the four states so that vector j holds word j of every lane.
  let a = v128.load(states);
  let b = v128.load(states, 16);
  let c = v128.load(states, 32);
  let d = v128.load(states, 48);
  let s0 = v128.shuffle<i32>(
    v128.shuffle<i32>(a, b, 0, 4, 1, 5),
    v128.shuffle<i32>(c, d, 0, 4, 1, 5),
    0,
    1,
    4,
    5,
  );
  let s1 = v128.shuffle<i32>(
    v128.shuffle<i32>(a, b, 0, 4, 1, 5),
    v128.shuffle<i32>(c, d, 0, 4, 1, 5),
    2,
    3,
    6,
    7,
  );
  let s2 = v128.shuffle<i32>(
    v128.shuffle<i32>(a, b, 2, 6, 3, 7),
    v128.shuffle<i32>(c, d, 2, 6, 3, 7),
    0,
    1,
    4,
    5,
  );
  let s3 = v128.shuffle<i32>(
    v128.shuffle<i32>(a, b, 2, 6, 3, 7),
    v128.shuffle<i32>(c, d, 2, 6, 3, 7),
    2,
    3,
    6,
    7,
  );
  // Loaded as vectors: V8 rebuilds a v128 constant, or re-splats a scalar, in every iteration.
  const bias = v128.load(NOISE_CONSTS);
  const scale = v128.load(NOISE_CONSTS, 16); // 2^-23
  const five = v128.load(NOISE_CONSTS, 32);
  const nine = v128.load(NOISE_CONSTS, 48);
  // Multiplying by 5 and 9 (pmulld) beat shift + add by 18 %: the loop was bound by vector shifts.
  // A partial last group goes to NOISE_TAIL, so the loop stores whole vectors without a branch.
  const full = n & ~3;
  for (let i = 0; i < n; i += 4) {
    const m = i32x4.mul(s1, five);
    const rot = v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25));
    const r = i32x4.mul(rot, nine);
    const t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
    const v = f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(r, 8), bias)), scale);
    v128.store(i < full ? out + ((<usize>i) << 2) : NOISE_TAIL, v);
  }
  for (let i = full; i < n; i++)
    store<f32>(out + ((<usize>i) << 2), load<f32>(NOISE_TAIL + ((<usize>(i - full)) << 2)));
  // Transpose back.
  a = v128.shuffle<i32>(
    v128.shuffle<i32>(s0, s1, 0, 4, 1, 5),
    v128.shuffle<i32>(s2, s3, 0, 4, 1, 5),
    0,
    1,
    4,
    5,
  );
  b = v128.shuffle<i32>(
    v128.shuffle<i32>(s0, s1, 0, 4, 1, 5),
    v128.shuffle<i32>(s2, s3, 0, 4, 1, 5),
    2,
    3,
    6,
    7,
  );
  c = v128.shuffle<i32>(
    v128.shuffle<i32>(s0, s1, 2, 6, 3, 7),
    v128.shuffle<i32>(s2, s3, 2, 6, 3, 7),
    0,
    1,
    4,
    5,
  );
  d = v128.shuffle<i32>(
    v128.shuffle<i32>(s0, s1, 2, 6, 3, 7),
    v128.shuffle<i32>(s2, s3, 2, 6, 3, 7),
    2,
    3,
    6,
    7,
  );
  v128.store(states, a);
  v128.store(states, b, 16);
  v128.store(states, c, 32);
  v128.store(states, d, 48);
}

/** Kernel form of noise4 (for tests): states = 4 x 4 u32, out = n f32. */
export function augNoise4(states: usize, out: usize, n: i32): i32 {
  if (n < 0) return E_ARGS;
  if (!inMemory(states, 64) || (n > 0 && !inMemory(out, (<u64>n) << 2))) return E_MEMORY;
  noise4(states, out, n);
  return 0;
}
