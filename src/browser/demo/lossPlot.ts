// The demo's loss curve on a canvas: every step, the epoch means and the validation loss.
import type { EpochRecord } from '../../train/index.js';

/** Draws the losses; x is the global step. */
export function drawLossPlot(
  canvas: HTMLCanvasElement,
  steps: readonly number[],
  history: readonly EpochRecord[],
  stepsPerEpoch: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: W, height: H } = canvas;
  const m = { l: 48, r: 12, t: 10, b: 30 };
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  const vals = [
    ...steps,
    ...history.map((h) => h.loss),
    ...history.flatMap((h) => (h.validation ? [h.validation.loss] : [])),
  ].filter(Number.isFinite);
  const n = Math.max(steps.length, history.length * stepsPerEpoch, 2);
  // Zoom on the data (a loss near 0.69 that falls to 0.3 should fill the plot), with some air.
  const vmax = vals.length ? Math.max(...vals) : 1;
  const vmin = vals.length ? Math.min(...vals) : 0;
  const pad = Math.max((vmax - vmin) * 0.08, 0.01);
  const hi = vmax + pad;
  const lo = Math.max(0, vmin - pad);
  const x = (i: number): number => m.l + ((W - m.l - m.r) * i) / (n - 1 || 1);
  const y = (v: number): number => H - m.b - ((H - m.t - m.b) * (v - lo)) / (hi - lo || 1);
  // Axes and ticks.
  ctx.strokeStyle = '#c5cbd6';
  ctx.fillStyle = '#5b667a';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    ctx.beginPath();
    ctx.moveTo(m.l, y(v));
    ctx.lineTo(W - m.r, y(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(3), 4, y(v) + 4);
  }
  ctx.fillText('step', W - m.r - 26, H - 8);
  for (let e = 1; e * stepsPerEpoch < n; e++) {
    ctx.fillText(`e${e + 1}`, x(e * stepsPerEpoch) + 2, H - m.b + 14);
    ctx.beginPath();
    ctx.setLineDash([3, 3]);
    ctx.moveTo(x(e * stepsPerEpoch), m.t);
    ctx.lineTo(x(e * stepsPerEpoch), H - m.b);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  if (vals.length === 0) {
    ctx.fillText('the loss appears here while training', m.l + 20, H / 2);
    return;
  }
  // Per-step losses.
  ctx.strokeStyle = '#9bb7f0';
  ctx.lineWidth = 1.2;
  ctx.beginPath();
  steps.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
  // Epoch means (at the epoch's last step) and validation losses.
  const dots = (values: [number, number][], color: string): void => {
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    values.forEach(([i, v], k) => (k === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
    for (const [i, v] of values) {
      ctx.beginPath();
      ctx.arc(x(i), y(v), 3.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  };
  dots(
    history.map((h) => [(h.epoch + 1) * stepsPerEpoch - 1, h.loss]),
    '#1d4fc4',
  );
  dots(
    history.flatMap((h) =>
      h.validation ? [[(h.epoch + 1) * stepsPerEpoch - 1, h.validation.loss] as [number, number]] : [],
    ),
    '#e0791b',
  );
}
