export { Rng, mixSeed } from './rng.js';
export type { RngState } from './rng.js';
