export { withScope, view, copyOut, memoryBytes, Scope, WasmMemoryError } from './memory.js';
export type { TypedArray, TypedArrayCtor } from './memory.js';
