// Checkpoints as directories: <dir>/<name>/{model.json, weights.bin, optimizer.bin, state.json}.
// A save writes a temporary directory and renames it into place, so a run killed mid-save leaves
// the previous checkpoint intact.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, fileBytes } from '../train/index.js';
import type { CheckpointFiles, CheckpointStore } from '../train/index.js';

/** A `CheckpointStore` on the file system. */
export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly dir: string) {}

  private path(name: string): string {
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.'))
      throw new CheckpointError(`bad checkpoint name '${name}'`);
    return join(this.dir, name);
  }

  async save(name: string, files: CheckpointFiles): Promise<void> {
    const target = this.path(name);
    const tmp = `${target}.tmp-${process.pid}`;
    const old = `${target}.old-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    // state.json last: its presence marks a complete checkpoint.
    const names = Object.keys(files).sort((a, b) => Number(a === 'state.json') - Number(b === 'state.json'));
    for (const f of names) {
      if (!/^[\w.-]+$/.test(f)) throw new CheckpointError(`bad checkpoint file name '${f}'`);
      writeFileSync(join(tmp, f), fileBytes(files[f]!));
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  }

  async load(name: string): Promise<Record<string, Uint8Array>> {
    const dir = this.path(name);
    if (!existsSync(dir)) throw new CheckpointError(`no checkpoint at ${dir}`);
    const out: Record<string, Uint8Array> = {};
    for (const f of readdirSync(dir)) out[f] = new Uint8Array(readFileSync(join(dir, f)));
    return out;
  }

  async exists(name: string): Promise<boolean> {
    return existsSync(join(this.path(name), 'state.json'));
  }
}
