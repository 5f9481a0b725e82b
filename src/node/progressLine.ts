// A live status line: rewritten in place with \r on a terminal; on a pipe or file, plain lines at
// most every `interval` ms so logs stay readable.

/** The bits of a Node writable stream the progress line needs. */
export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressLine {
  private live = false;
  private lastPlain = -Infinity;

  constructor(
    private readonly out: OutStream,
    private readonly interval = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Shows `text` as the current status (replacing the previous one on a TTY). */
  update(text: string, force = false): void {
    if (this.out.isTTY) {
      const cols = this.out.columns ?? 120;
      const t = text.length >= cols ? `${text.slice(0, Math.max(0, cols - 2))}…` : text;
      this.out.write(`\r${t}\x1b[K`);
      this.live = true;
    } else if (force || this.now() - this.lastPlain >= this.interval) {
      this.out.write(`${text}\n`);
      this.lastPlain = this.now();
    }
  }

  /** Prints a permanent line (above the status line on a TTY). */
  line(text: string): void {
    if (this.live) {
      this.out.write('\r\x1b[K');
      this.live = false;
    }
    this.out.write(`${text}\n`);
  }

  /** Ends the status line (a TTY gets the cursor back on a fresh line). */
  done(): void {
    if (this.live) {
      this.out.write('\r\x1b[K');
      this.live = false;
    }
  }
}
