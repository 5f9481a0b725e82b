// Calling real kernels 10^4 times does not grow linear memory once their buffers have been sized.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memoryBytes } from '../../src/kernels/index.js';
import { inflateWasm } from '../../src/kernels/tiff.js';
import { Rng } from '../../src/random/index.js';
import { decodeTiff, encodeTiff } from '../../src/tiff/index.js';

describe('kernels do not leak', () => {
  it('inflate 10^4 times: linear memory stops growing', () => {
    const rng = new Rng(1);
    const data = new Uint8Array(4096).map(() => rng.int(16));
    const z = new Uint8Array(deflateSync(data));
    for (let i = 0; i < 50; i++) inflateWasm(z, data.length); // warm up: tables, allocator
    const before = memoryBytes();
    let last: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 10_000; i++) last = inflateWasm(z, data.length);
    expect(memoryBytes()).toBe(before);
    expect(last).toHaveLength(data.length);
    expect(last[1234]).toBe(data[1234]);
  });

  it('decodeTiff and encodeTiff 10^4 times, including failures: linear memory stops growing', () => {
    const page = { width: 32, height: 24, data: new Uint16Array(32 * 24).map((_, i) => i * 7) };
    const tiff = encodeTiff([page, page], { compression: 'deflate' });
    const broken = tiff.slice();
    broken.fill(0xff, 10, 40); // corrupt the first strip's zlib stream
    const run = (): void => {
      expect(decodeTiff(tiff)[1]!.data[100]).toBe(700);
      expect(() => decodeTiff(broken)).toThrow(/cannot be decoded/);
      encodeTiff([page], { compression: 'deflate' });
    };
    for (let i = 0; i < 50; i++) run();
    const before = memoryBytes();
    for (let i = 0; i < 3_400; i++) run();
    expect(memoryBytes()).toBe(before);
  });
});
