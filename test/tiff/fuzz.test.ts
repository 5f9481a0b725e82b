// Seeded fuzzing: mutated fixtures (byte and bit flips, extreme words in the IFDs, truncations)
// either decode or raise a TiffError — never another error type, a hang or a crash — each in < 1 s.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { openTiff } from '../../src/tiff/ifd.js';
import { decodeTiff, TiffError } from '../../src/tiff/index.js';
import {
  buildTiff,
  FIXTURES,
  flip,
  hasFixtures,
  randomSamples,
  readFixture,
  type SynthPage,
} from './helpers.js';

const present = hasFixtures();
if (!present) console.warn(`tiff fuzz test skipped: no fixtures in ${FIXTURES.pathname}`);

const CASES = Number(process.env.TIFF_FUZZ_CASES ?? 2400);
const EXTREME = [0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 0x10000, 3];

function mutate(src: Uint8Array, ifds: number[], rng: Rng): Uint8Array {
  let b = src.slice();
  const kind = rng.int(6);
  const near = (): number => {
    // A byte in or near an IFD (entries, inline values, next pointer) when there is one.
    if (ifds.length === 0 || b.length === 0) return rng.int(Math.max(1, b.length));
    const at = ifds[rng.int(ifds.length)]! + rng.int(240) - 20;
    return Math.min(b.length - 1, Math.max(0, at));
  };
  if (b.length === 0) return Uint8Array.of(rng.int(256));
  switch (kind) {
    case 0: // random bytes anywhere
      for (let k = 1 + rng.int(4); k > 0; k--) b[rng.int(b.length)] = rng.int(256);
      break;
    case 1: // bit flips in the IFDs
      for (let k = 1 + rng.int(3); k > 0; k--) flip(b, near(), 1 << rng.int(8));
      break;
    case 2: // truncation
      b = b.subarray(0, rng.int(b.length));
      break;
    case 3: // truncation plus a flip
      b = b.subarray(0, 1 + rng.int(b.length));
      flip(b, rng.int(b.length), 1 << rng.int(8));
      break;
    case 4: // many flips in the compressed data
      for (let k = 1 + rng.int(16); k > 0; k--)
        flip(b, 8 + rng.int(Math.max(1, b.length - 8)), 1 << rng.int(8));
      break;
    default: {
      // an extreme 16- or 32-bit value written over an IFD field
      const at = near();
      const v = EXTREME[rng.int(EXTREME.length)]!;
      for (let k = 0; k < (rng.chance(0.5) ? 2 : 4) && at + k < b.length; k++)
        b[at + k] = (v >>> (8 * k)) & 0xff;
    }
  }
  return b;
}

describe.skipIf(!present)('decodeTiff on mutated fixtures', () => {
  it(`${CASES} seeded mutations each decode or raise TiffError within 1 s`, () => {
    const names = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.tif'))
      .sort();
    const files: Array<{ n: string; bytes: Uint8Array; ifds: number[] }> = names.map((n) => {
      const bytes = readFixture(n);
      let ifds: number[] = [];
      try {
        ifds = openTiff(bytes).ifdOffsets;
      } catch {
        // bad-* fixtures: mutate them anyway
      }
      return { n, bytes, ifds };
    });
    // Plus layouts the fixtures lack: planar tiles, big-endian BigTIFF, float predictor, signed.
    const r = new Rng(17);
    const synth = (p: Omit<SynthPage, 'data'>): SynthPage => ({
      ...p,
      data: randomSamples(p.dtype, p.width * p.height * p.spp, () => r.next()),
    });
    const extra = [
      buildTiff(
        [
          synth({
            width: 40,
            height: 33,
            spp: 3,
            dtype: 'u16',
            planar: 2,
            tile: [16, 16],
            compression: 8,
            predictor: 2,
          }),
        ],
        {
          littleEndian: false,
        },
      ),
      buildTiff(
        [
          synth({
            width: 30,
            height: 20,
            spp: 1,
            dtype: 'f64',
            compression: 5,
            predictor: 3,
            rowsPerStrip: 7,
          }),
        ],
        {
          bigTiff: true,
          littleEndian: false,
        },
      ),
      buildTiff([
        synth({ width: 25, height: 9, spp: 2, dtype: 'i32', planar: 2, compression: 32773, rowsPerStrip: 4 }),
        synth({ width: 13, height: 17, spp: 1, dtype: 'bit', compression: 5, tile: [16, 16] }),
      ]),
    ];
    extra.forEach((e, i) => files.push({ n: `synthetic-${i}`, bytes: e.bytes, ifds: e.ifdOffsets }));
    const rng = new Rng(Number(process.env.TIFF_FUZZ_SEED ?? 0x7f1ff));
    let decoded = 0;
    let rejected = 0;
    let slowest = 0;
    const others: string[] = [];
    for (let c = 0; c < CASES; c++) {
      const f = files[c % files.length]!;
      const input = mutate(f.bytes, f.ifds, rng);
      const t0 = performance.now();
      try {
        const pages = decodeTiff(input);
        for (const p of pages) expect(p.data.length).toBe(p.width * p.height * p.samplesPerPixel);
        decoded++;
      } catch (e) {
        if (e instanceof TiffError) rejected++;
        else others.push(`case ${c} (${f.n}): ${(e as Error).name}: ${(e as Error).message}`);
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    console.log(`fuzz: ${decoded} decoded, ${rejected} TiffError, slowest ${slowest.toFixed(1)} ms`);
    expect(others).toEqual([]);
    expect(slowest).toBeLessThan(1000);
    // Both outcomes must occur, or the mutations are not reaching the decoder.
    expect(decoded).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});
