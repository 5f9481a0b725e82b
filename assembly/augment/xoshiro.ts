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
