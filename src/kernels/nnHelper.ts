// A second thread for the nn kernels. tfjs kernels are synchronous, so the protocol is too: the
// main thread stages the helper's share of the inputs in a SharedArrayBuffer, wakes the helper
// with Atomics.notify, computes its own share, then Atomics.waits for the helper. The helper runs
// its own instance of our WASM module (its memory is not shared), copies its inputs in from the
// staging buffer and its output back. With the nn kernels attached to tfjs-wasm's shared heap
// (nnShared.ts) the helper also runs its own instance of those on that heap, and a call passes
// only pointers (CMD.runShared): nothing is staged or copied. Platform code (src/node) creates the
// thread from NN_HELPER_SOURCE and installs it with setNnHelper.
import { WASM_BASE64 } from './generated/wasm-binary.js';

/** Control words (Int32Array over a 256-byte SharedArrayBuffer). */
export const CTRL = {
  seq: 0, // main increments to post a command
  done: 1, // helper stores the seq it finished
  cmd: 2,
  status: 3, // 0 ok, < 0 failure
  kernel: 4, // index into NN_HELPER_KERNELS
  nbuf: 5,
  buf: 6, // 3 words per buffer: staging offset (floats), length (floats), flags
  nargs: 20,
  args: 21, // up to 32 i32 arguments after the buffer pointers
} as const;
export const CTRL_WORDS = 64;
export const CMD = { run: 1, setStaging: 2, exit: 3, runShared: 4 } as const;
export const BUF = { in: 1, out: 2 } as const;
export const NN_HELPER_KERNELS = [
  'nnConv2dBackpropFilter',
  'nnConv2dBackpropInput',
  'nnConv2dBackpropInputNarrow',
] as const;

/** What the nn wrappers need from a helper thread. */
export interface NnHelper {
  /** A Float32Array over shared staging memory of at least `floats` elements (may replace the previous one). */
  staging(floats: number): Float32Array;
  /** Posts a kernel call; buffers are [stagingOffset, length, flags] in floats. */
  start(
    kernel: (typeof NN_HELPER_KERNELS)[number],
    buffers: [number, number, number][],
    args: number[],
  ): void;
  /** Whether the helper runs the shared-heap kernels on `memory` (see startShared). */
  hasShared(memory: WebAssembly.Memory): boolean;
  /** Posts a call of a shared-heap kernel: all arguments, pointers into the shared heap included. */
  startShared(kernel: (typeof NN_HELPER_KERNELS)[number], args: number[]): void;
  /** Waits for the posted call; false if the helper failed or timed out (the caller then does the work itself). */
  finish(): boolean;
}

let current: NnHelper | null = null;

/** Installs (or removes, with null) the helper thread used by the nn kernels. */
export function setNnHelper(helper: NnHelper | null): void {
  current = helper;
}

/** The installed helper thread, if any. */
export function nnHelper(): NnHelper | null {
  return current;
}

/** The module's bytes, for a helper thread to compile its own instance. */
export function nnWasmBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Body of the helper thread (plain JS, for `new Worker(src, { eval: true, workerData })` in Node).
 * workerData: { module: WebAssembly.Module, ctrl: SharedArrayBuffer, shared?: { module, memory } }
 * (the nnShared module and the shared heap to instantiate it on). A new staging buffer
 * arrives as a message on parentPort before the CMD.setStaging command that announces it.
 */
export const NN_HELPER_SOURCE = `
'use strict';
const { parentPort, workerData, receiveMessageOnPort } = require('worker_threads');
const CTRL = ${JSON.stringify(CTRL)};
const CMD = ${JSON.stringify(CMD)};
const BUF = ${JSON.stringify(BUF)};
const KERNELS = ${JSON.stringify(NN_HELPER_KERNELS)};
const imports = {};
for (const imp of WebAssembly.Module.imports(workerData.module)) {
  imports[imp.module] = imports[imp.module] || {};
  if (imp.kind === 'function') {
    imports[imp.module][imp.name] = imp.name === 'abort' ? () => { throw new Error('nn helper: kernel aborted'); } : () => 0;
  }
}
const ex = new WebAssembly.Instance(workerData.module, imports).exports;
const sx = workerData.shared
  ? new WebAssembly.Instance(workerData.shared.module, { env: { memory: workerData.shared.memory } }).exports
  : null;
const ctrl = new Int32Array(workerData.ctrl);
let staging = null;
let seen = 0;
function run() {
  const fn = ex[KERNELS[ctrl[CTRL.kernel]]];
  const nbuf = ctrl[CTRL.nbuf];
  const ptrs = [];
  try {
    for (let i = 0; i < nbuf; i++) {
      const off = ctrl[CTRL.buf + 3 * i], len = ctrl[CTRL.buf + 3 * i + 1], flags = ctrl[CTRL.buf + 3 * i + 2];
      const p = ex.alloc(Math.max(4, len * 4));
      ptrs.push(p);
      const view = new Float32Array(ex.memory.buffer, p, len);
      if (flags & BUF.in) view.set(staging.subarray(off, off + len)); else view.fill(0);
    }
    const args = [];
    for (let i = 0; i < ctrl[CTRL.nargs]; i++) args.push(ctrl[CTRL.args + i]);
    const rc = fn(...ptrs, ...args);
    if (rc !== 0) return rc;
    for (let i = 0; i < nbuf; i++) {
      const off = ctrl[CTRL.buf + 3 * i], len = ctrl[CTRL.buf + 3 * i + 1], flags = ctrl[CTRL.buf + 3 * i + 2];
      if (flags & BUF.out) staging.set(new Float32Array(ex.memory.buffer, ptrs[i], len), off);
    }
    return 0;
  } finally {
    for (const p of ptrs) ex.free(p);
  }
}
for (;;) {
  Atomics.wait(ctrl, CTRL.seq, seen);
  seen = Atomics.load(ctrl, CTRL.seq);
  const cmd = ctrl[CTRL.cmd];
  if (cmd === CMD.exit) break;
  let status = 0;
  try {
    if (cmd === CMD.setStaging) {
      const m = receiveMessageOnPort(parentPort);
      if (!m) throw new Error('nn helper: no staging buffer');
      staging = new Float32Array(m.message);
    } else if (cmd === CMD.run) {
      status = run();
    } else if (cmd === CMD.runShared) {
      const args = [];
      for (let i = 0; i < ctrl[CTRL.nargs]; i++) args.push(ctrl[CTRL.args + i]);
      status = sx[KERNELS[ctrl[CTRL.kernel]]](...args);
    }
  } catch (e) {
    status = -100;
  }
  ctrl[CTRL.status] = status;
  Atomics.store(ctrl, CTRL.done, seen);
  Atomics.notify(ctrl, CTRL.done);
}
`;
