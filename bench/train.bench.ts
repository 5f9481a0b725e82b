// Training-step benchmark of the U-Net on tfjs (npm run bench:train [-- flags]).
//
//   --size 128 --batch 2 --base 16 --depth 4 --bn --steps 10 --warmup 3 --backend wasm
//   --profile        per-kernel profile of one step (top kernels, ms and share)
//   --stock          also time the stock tfjs-wasm kernels (with a Conv3D-based filter-gradient fill,
//                    since stock 'wasm' has no Conv2DBackpropFilter) in the same run
//   --no-torch       skip the PyTorch comparison
//   --rounds N       with PyTorch: alternate N blocks of ours and N of PyTorch, ceil(steps / N) timed
//                    steps each after one untimed step (default 3)
//   --threads N      XNNPACK threads of tfjs-wasm (default: all CPUs; 1 = single-threaded build)
//   --helper 0|1     run half of our gradient kernels on a helper thread (default 1 with >= 2 CPUs)
//   --ab-adam        same as --ab UnetAdamUpdate (the fused Adam against stock Adam's arithmetic)
//   --adaptive       stop sharing gradient kernels with the helper thread for a few calls when it
//                    keeps the main thread waiting (nnSplitThreshold.adaptive; default off)
//   --ab K1,K2       also time the same step with our kernels K1, K2 (names of WASM_KERNEL_NAMES)
//                    unregistered, interleaved with ours (A/B in one process; e.g. --ab Sum)
//   --ab-in-place    also time the same step with the gradient kernels copying tensors into our
//                    module instead of running in place on the tfjs heap, interleaved with ours
//
// Prints the median wall-clock ms per full step (forward, backward, Adam) and the median CPU ms of
// the process per step (steadier than wall time on a loaded machine). When `python3 -c 'import
// torch'` works (python3 on PATH or /usr/bin/python3), the same config is timed in PyTorch in the
// same run, in blocks alternating with ours, and the ratio printed. PyTorch is optional.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  registerWasmKernels,
  unregisterWasmKernels,
  WASM_KERNEL_NAMES,
  type BackendName,
  type WasmKernelName,
} from '../src/backend/index.js';
import { initNodeBackend, wasmThreadCount } from '../src/node/backend.js';
import { nnHelper } from '../src/kernels/nnHelper.js';
import { nnSplitThreshold } from '../src/kernels/nn.js';
import { suspendNnShared } from '../src/kernels/nnShared.js';
import { buildUNet } from '../src/model/index.js';
import { weightedCrossEntropy } from '../src/train/loss.js';
import { FusedAdamOptimizer } from '../src/train/fusedAdam.js';

interface Config {
  size: number;
  batch: number;
  base: number;
  depth: number;
  bn: boolean;
  steps: number;
  warmup: number;
  rounds: number;
  backend: BackendName;
  profile: boolean;
  stock: boolean;
  torch: boolean;
  threads: number | undefined;
  helper: boolean | undefined;
  ab: WasmKernelName[];
  abInPlace: boolean;
  adaptive: boolean;
}

function parseArgs(argv: string[]): Config {
  const cfg: Config = {
    size: 128,
    batch: 2,
    base: 16,
    depth: 4,
    bn: false,
    steps: 10,
    warmup: 3,
    rounds: 3,
    backend: 'wasm',
    profile: false,
    stock: false,
    torch: true,
    threads: undefined,
    helper: undefined,
    ab: [],
    abInPlace: false,
    adaptive: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      return v;
    };
    if (a === '--') continue;
    else if (a === '--size') cfg.size = num();
    else if (a === '--batch') cfg.batch = num();
    else if (a === '--base') cfg.base = num();
    else if (a === '--depth') cfg.depth = num();
    else if (a === '--steps') cfg.steps = num();
    else if (a === '--warmup') cfg.warmup = num();
    else if (a === '--rounds') cfg.rounds = Math.max(1, num());
    else if (a === '--bn') cfg.bn = true;
    else if (a === '--profile') cfg.profile = true;
    else if (a === '--ab-adam') cfg.ab = ['UnetAdamUpdate'];
    else if (a === '--adaptive') cfg.adaptive = true;
    else if (a === '--ab-in-place') cfg.abInPlace = true;
    else if (a === '--ab') {
      const names = (argv[++i] ?? '').split(',');
      for (const n of names) {
        if (!(WASM_KERNEL_NAMES as readonly string[]).includes(n))
          throw new Error(`--ab: unknown kernel ${n}`);
      }
      cfg.ab = names as WasmKernelName[];
    } else if (a === '--stock') cfg.stock = true;
    else if (a === '--no-torch') cfg.torch = false;
    else if (a === '--threads') cfg.threads = num();
    else if (a === '--helper') cfg.helper = num() !== 0;
    else if (a === '--backend') cfg.backend = argv[++i] as BackendName;
    else throw new Error(`unknown flag ${a}`);
  }
  return cfg;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One training step closure (forward, weighted cross-entropy, backward, Adam) on fixed random data. */
function makeStep(cfg: Config): { step: () => number; dispose: () => void } {
  const model: tfl.LayersModel = buildUNet({
    inputSize: cfg.size,
    baseFilters: cfg.base,
    depth: cfg.depth,
    batchNorm: cfg.bn,
    padding: 'same',
    seed: 1,
  });
  const x = tf.randomNormal([cfg.batch, cfg.size, cfg.size, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = tf.randomUniform([cfg.batch, cfg.size, cfg.size], 0, 2, 'int32', 2) as tf.Tensor3D;
  const weights = tf.randomUniform([cfg.batch, cfg.size, cfg.size], 0.5, 2, 'float32', 3) as tf.Tensor3D;
  // trainUNet's optimizer: stock Adam's arithmetic, one fused kernel per variable on 'wasm' (stock
  // Adam's ops when UnetAdamUpdate is unregistered, e.g. by --ab-adam or --stock).
  const opt = new FusedAdamOptimizer(1e-3);
  const step = (): number => {
    const loss = opt.minimize(
      () => weightedCrossEntropy(model.apply(x, { training: true }) as tf.Tensor4D, labels, weights),
      true,
    );
    const v = loss!.dataSync()[0]!;
    loss!.dispose();
    return v;
  };
  return {
    step,
    dispose: () => {
      model.dispose();
      opt.dispose();
      tf.dispose([x, labels, weights]);
    },
  };
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  /** CPU time of the main thread alone (Linux), NaN elsewhere. */
  mainMs: number;
}

// Linux: CPU ms of the main thread from /proc (clock ticks of 10 ms; summed over all timed steps).
// On a machine with a free core per thread, a step's wall time is about its main-thread CPU time
// plus the time the main thread waits for helpers, so it shows what threading buys under load.
function mainThreadCpuMs(): number {
  try {
    const s = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** `n` timed steps (no warm-up). */
function stepBlock(step: () => number, n: number): Block & { mainMs: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const main0 = mainThreadCpuMs();
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const loss = step();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (!Number.isFinite(loss)) throw new Error(`loss is ${loss} at step ${i}`);
  }
  return { wall, cpu, mainMs: mainThreadCpuMs() - main0 };
}

function timeSteps(step: () => number, cfg: Config): Timing {
  for (let i = 0; i < cfg.warmup; i++) step();
  const b = stepBlock(step, cfg.steps);
  return { wallMs: median(b.wall), cpuMs: median(b.cpu), mainMs: b.mainMs / cfg.steps };
}

/** Timed steps in each block of {@link timeInterleaved}. */
const stepsPerBlock = (cfg: Config): number => Math.max(1, Math.ceil(cfg.steps / cfg.rounds));

/**
 * Ours and PyTorch in alternating blocks (`cfg.rounds` each, the order swapped every round; one
 * untimed step opens every block), so both see the same drift of this VM's speed.
 */
async function timeInterleaved(
  step: () => number,
  torch: TorchProcess,
  cfg: Config,
): Promise<{ ours: Timing; torch: Timing }> {
  for (let i = 0; i < cfg.warmup; i++) step();
  const per = stepsPerBlock(cfg);
  const o: Block = { wall: [], cpu: [] };
  const t: Block = { wall: [], cpu: [] };
  let mainMs = 0;
  for (let r = 0; r < cfg.rounds; r++) {
    for (const side of r % 2 ? (['torch', 'ours'] as const) : (['ours', 'torch'] as const)) {
      if (side === 'torch') {
        const b = await torch.block(per);
        t.wall.push(...b.wall);
        t.cpu.push(...b.cpu);
      } else {
        step();
        const b = stepBlock(step, per);
        o.wall.push(...b.wall);
        o.cpu.push(...b.cpu);
        mainMs += b.mainMs;
      }
    }
  }
  return {
    ours: { wallMs: median(o.wall), cpuMs: median(o.cpu), mainMs: mainMs / (per * cfg.rounds) },
    torch: { wallMs: median(t.wall), cpuMs: median(t.cpu), mainMs: NaN },
  };
}

async function profileStep(step: () => number, label: string, top = 15): Promise<void> {
  const info = await tf.profile(() => {
    step();
  });
  const agg = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    // `*__op` entries wrap custom-gradient ops whose kernels are listed too: skip, or we count twice.
    if (k.name.endsWith('__op')) continue;
    const e = agg.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.n++;
    agg.set(k.name, e);
  }
  const total = [...agg.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`\n#### Per-kernel profile of one step (${label})\n`);
  console.log('| kernel | calls | ms | share |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, e] of [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(`| ${name} | ${e.n} | ${e.ms.toFixed(1)} | ${((100 * e.ms) / total).toFixed(1)} % |`);
  }
  console.log(
    `| **all kernels** | ${[...agg.values()].reduce((s, e) => s + e.n, 0)} | ${total.toFixed(1)} | 100 % |`,
  );
}

// Stock 'wasm' cannot train a conv net (no Conv2DBackpropFilter). The "before" baseline fills that
// gap with the stock Conv3DBackpropFilterV2 kernel on a depth-1 volume.
function registerStockFill(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      const s = typeof strides === 'number' ? [strides, strides] : strides;
      const cfg = tf.getKernel('Conv3DBackpropFilterV2', 'wasm')!;
      const out = cfg.kernelFunc({
        inputs: {
          x: { ...x, shape: [x.shape[0]!, 1, ...x.shape.slice(1)] },
          dy: { ...dy, shape: [dy.shape[0]!, 1, ...dy.shape.slice(1)] },
        },
        backend,
        attrs: { strides: [1, ...s], pad, filterShape: [1, ...filterShape] },
      }) as tf.TensorInfo;
      return { ...out, shape: [...filterShape] };
    },
  });
}

function findTorchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

const TORCH_SCRIPT = String.raw`
import os, sys, time, json, torch, torch.nn as nn
size, batch, base, depth, bn, warmup = [int(v) for v in sys.argv[1:7]]
# Debian's build starts with one OpenMP thread here; give PyTorch every core, as ours gets them.
if 'OMP_NUM_THREADS' not in os.environ: torch.set_num_threads(os.cpu_count())
torch.manual_seed(0)
def block(cin, cout):
    layers = []
    for c in (cin, cout):
        layers += [nn.Conv2d(c, cout, 3, padding=1, bias=not bn)]
        if bn: layers += [nn.BatchNorm2d(cout)]
        layers += [nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)
class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        f = [base * 2**i for i in range(depth + 1)]
        self.down = nn.ModuleList([block(1 if i == 0 else f[i-1], f[i]) for i in range(depth)])
        self.bottom = block(f[depth-1], f[depth])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(f[i+1], f[i], 2, stride=2) for i in reversed(range(depth))])
        self.dec = nn.ModuleList([block(2*f[i], f[i]) for i in reversed(range(depth))])
        self.head = nn.Conv2d(f[0], 2, 1)
    def forward(self, x):
        skips = []
        for d in self.down:
            x = d(x); skips.append(x); x = nn.functional.max_pool2d(x, 2)
        x = self.bottom(x)
        for up, dec in zip(self.ups, self.dec):
            x = dec(torch.cat([skips.pop(), up(x)], 1))
        return self.head(x)
m = UNet(); opt = torch.optim.Adam(m.parameters(), 1e-3)
x = torch.randn(batch, 1, size, size); y = torch.randint(0, 2, (batch, size, size)); w = torch.rand(batch, size, size) + 0.5
def step():
    opt.zero_grad()
    nll = nn.functional.cross_entropy(m(x), y, reduction='none')
    loss = ((nll * w).sum((1, 2)) / w.sum((1, 2))).mean()
    loss.backward(); opt.step()
for _ in range(warmup): step()
print(json.dumps({"threads": torch.get_num_threads(), "version": torch.__version__}), flush=True)
# Then blocks on request: a line "n" runs one untimed step and n timed ones; "0" ends.
for line in sys.stdin:
    n = int(line)
    if n == 0: break
    step()
    ts, cs = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time(); step()
        ts.append((time.perf_counter() - t0) * 1000); cs.append((time.process_time() - c0) * 1000)
    print(json.dumps({"ms": ts, "cpuMs": cs}), flush=True)
`;

/** Wall and CPU ms of each timed step of one block. */
interface Block {
  wall: number[];
  cpu: number[];
}

/**
 * PyTorch in a child process that stays up, so its blocks of steps can alternate with ours: this
 * VM's speed drifts by ±15 % over minutes, and timing one side after the other put that drift
 * into the ratio.
 */
class TorchProcess {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  threads = 0;
  version = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const w = this.waiting;
      this.waiting = null;
      if (w) w(line);
      else this.lines.push(line);
    });
  }

  /** Builds the model and runs its warm-up steps; a message instead when PyTorch is unavailable. */
  static async start(cfg: Config): Promise<TorchProcess | string> {
    const py = findTorchPython();
    if (py === null) return 'PyTorch not available (python3 -c "import torch" fails); skipped';
    const args = [cfg.size, cfg.batch, cfg.base, cfg.depth, cfg.bn ? 1 : 0, cfg.warmup].map(String);
    const child = spawn(py, ['-c', TORCH_SCRIPT, ...args]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const proc = new TorchProcess(child);
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code) =>
        resolve(`PyTorch run failed (exit ${code}): ${stderr.trim().split('\n').pop()}`),
      ),
    );
    const first = await Promise.race([proc.next(), exited]);
    try {
      const info = JSON.parse(first) as { threads: number; version: string };
      proc.threads = info.threads;
      proc.version = info.version;
      return proc;
    } catch {
      child.kill();
      return first;
    }
  }

  private next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** One untimed step, then `steps` timed ones. */
  async block(steps: number): Promise<Block> {
    this.child.stdin.write(`${steps}\n`);
    const r = JSON.parse(await this.next()) as { ms: number[]; cpuMs: number[] };
    return { wall: r.ms, cpu: r.cpuMs };
  }

  close(): void {
    this.child.stdin.end('0\n');
  }
}

async function main(): Promise<void> {
  const cfg = parseArgs(process.argv.slice(2));
  nnSplitThreshold.adaptive = cfg.adaptive;
  const active = await initNodeBackend(cfg.backend, {
    ...(cfg.threads === undefined ? {} : { threads: cfg.threads }),
    ...(cfg.helper === undefined ? {} : { helperThread: cfg.helper }),
  });
  const threads = active === 'wasm' ? await wasmThreadCount() : 1;
  const helper = nnHelper() !== null;
  const desc = `base ${cfg.base}, depth ${cfg.depth}, same padding, ${cfg.bn ? 'batch norm' : 'no BN'}, ${cfg.size}×${cfg.size}, batch ${cfg.batch}, Adam`;
  console.log(`### Training step: ${desc}\n`);
  const torch = cfg.torch ? await TorchProcess.start(cfg) : null;
  console.log(
    `backend ${active} (${threads} XNNPACK thread${threads > 1 ? 's' : ''}, gradient-kernel helper thread ${helper ? 'on' : 'off'}); ${cfg.warmup} warm-up steps, then the median of ${torch instanceof TorchProcess ? 'the blocks below' : `${cfg.steps} steps`}; load average ${loadAvg()}\n`,
  );
  const rows: string[] = [];
  let torchLine = '';
  const run = makeStep(cfg);
  let ours: Timing;
  let torchTiming: Timing | null = null;
  if (torch instanceof TorchProcess) {
    const per = stepsPerBlock(cfg);
    console.log(
      `ours and PyTorch alternate: ${cfg.rounds} blocks each of ${per} timed steps (after one untimed step), medians over all ${per * cfg.rounds}\n`,
    );
    ({ ours, torch: torchTiming } = await timeInterleaved(run.step, torch, cfg));
    torch.close();
  } else {
    ours = timeSteps(run.step, cfg);
  }
  rows.push(
    `| tfjs-${active}${active === 'wasm' ? ' + unet-wasm kernels' : ''} | ${ours.wallMs.toFixed(0)} | ${ours.cpuMs.toFixed(0)} | ${ours.mainMs.toFixed(0)} | 1.00 |`,
  );
  if ((cfg.ab.length > 0 || cfg.abInPlace) && active === 'wasm') {
    // Alternate blocks of steps with and without the kernels, so both see the same load.
    const without = cfg.abInPlace ? 'in place (copying instead)' : cfg.ab.join(', ');
    let resume = (): void => {};
    const disable = (): void => {
      if (cfg.abInPlace) resume = suspendNnShared();
      else unregisterWasmKernels(cfg.ab);
    };
    const enable = (): void => {
      if (cfg.abInPlace) resume();
      else registerWasmKernels();
    };
    const on: number[] = [];
    const off: number[] = [];
    const onCpu: number[] = [];
    const offCpu: number[] = [];
    for (let r = 0; r < 4; r++) {
      for (const disabled of r % 2 ? [true, false] : [false, true]) {
        if (disabled) disable();
        const t = timeSteps(run.step, { ...cfg, steps: Math.max(3, Math.ceil(cfg.steps / 2)), warmup: 1 });
        enable();
        (disabled ? off : on).push(t.wallMs);
        (disabled ? offCpu : onCpu).push(t.cpuMs);
      }
    }
    rows.push(
      `| A/B, with ours (interleaved) | ${median(on).toFixed(0)} | ${median(onCpu).toFixed(0)} | – | ${(median(on) / ours.wallMs).toFixed(2)} |`,
      `| A/B, without ${without} (interleaved) | ${median(off).toFixed(0)} | ${median(offCpu).toFixed(0)} | – | ${(median(off) / ours.wallMs).toFixed(2)} |`,
    );
  }
  let stock: Timing | null = null;
  if (cfg.stock && active === 'wasm') {
    unregisterWasmKernels();
    registerStockFill();
    stock = timeSteps(run.step, { ...cfg, steps: Math.min(cfg.steps, 3), warmup: 1 });
    rows.push(
      `| tfjs-wasm stock kernels (+ Conv3D filter-grad fill) | ${stock.wallMs.toFixed(0)} | ${stock.cpuMs.toFixed(0)} | ${stock.mainMs.toFixed(0)} | ${(stock.wallMs / ours.wallMs).toFixed(2)} |`,
    );
    if (cfg.profile) await profileStep(run.step, 'stock tfjs-wasm kernels');
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    registerWasmKernels();
  }
  if (cfg.profile)
    await profileStep(run.step, `tfjs-${active}${active === 'wasm' ? ' + unet-wasm kernels' : ''}`);
  run.dispose();
  if (typeof torch === 'string') console.log(`\n${torch}`);
  if (torch instanceof TorchProcess && torchTiming) {
    const t = torchTiming;
    rows.push(
      `| PyTorch ${torch.version} (${torch.threads} threads) | ${t.wallMs.toFixed(0)} | ${t.cpuMs.toFixed(0)} | – | ${(t.wallMs / ours.wallMs).toFixed(2)} |`,
    );
    torchLine = `\nours / PyTorch: **${(ours.wallMs / t.wallMs).toFixed(2)}×** (goal ≤ 1.5×)`;
  }
  console.log(
    '\n| implementation | ms/step (median wall) | CPU ms/step, all threads (median) | main-thread CPU ms/step (mean) | ratio to ours (wall) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  if (torchLine) console.log(torchLine);
}

function loadAvg(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

await main();
// Idle tfjs-wasm pthread workers are unref'd, but exit explicitly so a stray handle cannot hang npm.
process.exit(0);
