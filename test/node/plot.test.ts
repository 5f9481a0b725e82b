import { describe, expect, it } from 'vitest';
import { overlayPanels } from '../../src/node/overlay.js';
import { linePlot, niceStep } from '../../src/node/plot.js';
import { Raster } from '../../src/node/raster.js';

function countColor(r: Raster, c: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < r.width * r.height; i++) {
    if (r.data[i * 4] === c[0] && r.data[i * 4 + 1] === c[1] && r.data[i * 4 + 2] === c[2]) n++;
  }
  return n;
}

describe('raster plots', () => {
  it('picks 1-2-5 tick steps', () => {
    expect(niceStep(1, 5)).toBeCloseTo(0.2);
    expect(niceStep(0.07, 5)).toBeCloseTo(0.01);
    expect(niceStep(37, 5)).toBe(5);
    expect(niceStep(80, 5)).toBe(20);
    expect(niceStep(0, 5)).toBe(1);
  });

  it('draws text glyphs and lines', () => {
    const r = new Raster(40, 12);
    r.text(1, 1, '0.5', [0, 0, 0]);
    expect(countColor(r, [0, 0, 0])).toBeGreaterThan(10);
    expect(Raster.textWidth('0.5', 2)).toBe((3 * 6 - 1) * 2);
    const l = new Raster(10, 10);
    l.line(0, 0, 9, 9, [255, 0, 0]);
    expect(countColor(l, [255, 0, 0])).toBe(10);
  });

  it('draws every series in its colour, with a marker for a single point', () => {
    const red = [214, 39, 40] as const;
    const blue = [31, 119, 180] as const;
    const p = linePlot({
      title: 'Loss',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { name: 'a', values: [0.9, 0.5, 0.3, 0.25], color: red },
        { name: 'b', values: [0.7], color: blue },
      ],
    });
    expect([p.width, p.height]).toEqual([720, 480]);
    expect(countColor(p, red)).toBeGreaterThan(200);
    expect(countColor(p, blue)).toBeGreaterThan(40);
  });

  it('draws four overlay panels with membrane tints and error colours', () => {
    const w = 8;
    const h = 8;
    const image = new Float32Array(w * h).map((_, i) => i);
    const label = new Uint8Array(w * h).fill(1);
    const pred = new Uint8Array(w * h).fill(1);
    label[0] = 0; // missed membrane → blue in the error panel
    pred[5] = 0; // false membrane → red
    const r = overlayPanels(image, label, pred, w, h);
    expect(r.width).toBe(4 * w + 5 * 8);
    expect(countColor(r, [40, 90, 255])).toBe(1);
    expect(countColor(r, [255, 40, 40])).toBe(1);
  });
});
