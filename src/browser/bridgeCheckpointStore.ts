// A CheckpointStore whose files live on the other side of a bridge (in headless training: Node,
// through Puppeteer-exposed functions). Files travel as base64 strings.
import { CheckpointError, fileBytes } from '../train/index.js';
import type { CheckpointFiles, CheckpointStore } from '../train/index.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/** The host functions behind a `BridgeCheckpointStore`. */
export interface CheckpointBridge {
  save(name: string, files: Record<string, string>): Promise<void>;
  /** Resolves to null when there is no complete checkpoint `name`. */
  load(name: string): Promise<Record<string, string> | null>;
}

/** Stores checkpoints through a `CheckpointBridge` (e.g. on disk in the Node process). */
export class BridgeCheckpointStore implements CheckpointStore {
  constructor(private readonly bridge: CheckpointBridge) {}

  async save(name: string, files: CheckpointFiles): Promise<void> {
    const wire: Record<string, string> = {};
    for (const [k, v] of Object.entries(files)) wire[k] = bytesToBase64(fileBytes(v));
    await this.bridge.save(name, wire);
  }

  async load(name: string): Promise<Record<string, Uint8Array>> {
    const wire = await this.bridge.load(name);
    if (!wire) throw new CheckpointError(`no checkpoint named '${name}'`);
    const out: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(wire)) out[k] = base64ToBytes(v);
    return out;
  }

  async exists(name: string): Promise<boolean> {
    return (await this.bridge.load(name)) !== null;
  }
}
