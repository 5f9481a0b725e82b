// Loads the AssemblyScript module once per JS realm (main thread, worker thread or Web Worker).
// The binary is embedded as base64, so no user ever points at a .wasm file; top-level await
// keeps every kernel wrapper synchronous after import.
import { WASM_BASE64 } from './generated/wasm-binary.js';

/** Raw exports of build/unet-wasm.wasm. Only src/kernels may use them. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  free(ptr: number): void;
  [kernel: string]: unknown;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  // AssemblyScript strings: UTF-16 code units, byte length stored 4 bytes before the data.
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0]! >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
}

// Filled once instantiated; abort() needs it to read the message string.
const live: { memory?: WebAssembly.Memory } = {};

const imports = {
  env: {
    abort(msg: number, file: number, line: number, col: number): never {
      const m = live.memory;
      const text = m ? `${readAsString(m, msg)} at ${readAsString(m, file)}:${line}:${col}` : 'abort';
      throw new Error(`unet-wasm kernel aborted: ${text}`);
    },
    trace(): void {},
    seed(): number {
      return 0;
    },
  },
};

const module = await WebAssembly.compile(decodeBase64(WASM_BASE64));
const instance = await WebAssembly.instantiate(module, imports);

/** The instantiated module's exports. */
export const wasm = instance.exports as unknown as WasmExports;
live.memory = wasm.memory;
