// A tiny RGBA raster with lines, rectangles and a 5×7 bitmap font: enough to draw the report's
// plots and overlays without a canvas. No node: imports, so the browser demo can reuse it.

/** RGB(A) colour, 0–255 per channel. */
export type Color = readonly [number, number, number] | readonly [number, number, number, number];

/** 5×7 glyphs, one 5-bit row per entry (bit 4 = leftmost). Lower case draws as upper case. */
const FONT: Record<string, readonly number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [28, 18, 17, 17, 17, 18, 28],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '.': [0, 0, 0, 0, 0, 12, 12],
  ',': [0, 0, 0, 0, 12, 4, 8],
  '-': [0, 0, 0, 31, 0, 0, 0],
  '+': [0, 4, 4, 31, 4, 4, 0],
  ':': [0, 12, 12, 0, 12, 12, 0],
  '/': [0, 1, 2, 4, 8, 16, 0],
  '%': [24, 25, 2, 4, 8, 19, 3],
  '(': [2, 4, 8, 8, 8, 4, 2],
  ')': [8, 4, 2, 2, 2, 4, 8],
  '=': [0, 0, 31, 0, 31, 0, 0],
  _: [0, 0, 0, 0, 0, 0, 31],
  '|': [4, 4, 4, 4, 4, 4, 4],
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '?': [14, 17, 1, 2, 4, 0, 4],
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

/** An RGBA image you can draw on. */
export class Raster {
  readonly data: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Color = [255, 255, 255],
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel, alpha-blending when the colour has an alpha < 255. Outside pixels are ignored. */
  set(x: number, y: number, c: Color): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const a = (c[3] ?? 255) / 255;
    const d = this.data;
    d[i] = d[i]! * (1 - a) + c[0] * a;
    d[i + 1] = d[i + 1]! * (1 - a) + c[1] * a;
    d[i + 2] = d[i + 2]! * (1 - a) + c[2] * a;
    d[i + 3] = 255;
  }

  fillRect(x: number, y: number, w: number, h: number, c: Color): void {
    for (let yy = Math.max(0, Math.floor(y)); yy < Math.min(this.height, Math.floor(y + h)); yy++) {
      for (let xx = Math.max(0, Math.floor(x)); xx < Math.min(this.width, Math.floor(x + w)); xx++)
        this.set(xx, yy, c);
    }
  }

  /** A line of the given thickness (square brush). */
  line(x0: number, y0: number, x1: number, y1: number, c: Color, thickness = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const r = (thickness - 1) / 2;
    let last = '';
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      const key = `${Math.round(x)},${Math.round(y)}`;
      if (key === last) continue;
      last = key;
      if (thickness <= 1) this.set(x, y, c);
      else this.fillRect(Math.round(x - r), Math.round(y - r), thickness, thickness, c);
    }
  }

  /** Width in pixels of `text` at `scale`. */
  static textWidth(text: string, scale = 1): number {
    return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
  }

  /** Draws `text` with its top-left corner at (x, y). Unknown characters draw as '?'. */
  text(x: number, y: number, text: string, c: Color, scale = 1): void {
    let cx = x;
    for (const ch of text) {
      const g = FONT[ch] ?? FONT[ch.toUpperCase()] ?? FONT['?']!;
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if ((g[row]! >> (GLYPH_WIDTH - 1 - col)) & 1)
            this.fillRect(cx + col * scale, y + row * scale, scale, scale, c);
        }
      }
      cx += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** Draws text rotated 90° counter-clockwise (for a y-axis label), its bottom-left at (x, y). */
  textVertical(x: number, y: number, text: string, c: Color, scale = 1): void {
    let cy = y;
    for (const ch of text) {
      const g = FONT[ch] ?? FONT[ch.toUpperCase()] ?? FONT['?']!;
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if ((g[row]! >> (GLYPH_WIDTH - 1 - col)) & 1)
            this.fillRect(x + row * scale, cy - (col + 1) * scale, scale, scale, c);
        }
      }
      cy -= (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** Copies `src` with its top-left corner at (x, y). */
  blit(src: Raster, x: number, y: number): void {
    for (let yy = 0; yy < src.height; yy++) {
      const ty = y + yy;
      if (ty < 0 || ty >= this.height) continue;
      for (let xx = 0; xx < src.width; xx++) {
        const tx = x + xx;
        if (tx < 0 || tx >= this.width) continue;
        const s = (yy * src.width + xx) * 4;
        this.data.set(src.data.subarray(s, s + 4), (ty * this.width + tx) * 4);
      }
    }
  }
}
