/**
 * linearCrossEntropy vs the dense tfjs baseline over a grid of shapes, per backend, in one process:
 * CPU-time and peak-tensor-bytes ratios, a markdown table and a PNG heat map.
 *
 * NODE_OPTIONS="--conditions=@xent/source" npx tsx packages/cce/bench/grid.ts \
 *   [--backends=wasm,cpu] [--n=16,256,2048] [--v=1000,32000,256000] [--d=64,512] \
 *   [--max-gflop=wasm:8,cpu:1] [--png=packages/cce/bench/grid.png] [--replot=packages/cce/bench/grid.json]
 *
 * The measurements also go to the PNG's name with `.json`; `--replot=` redraws table and PNG from one.
 *
 * Points whose dense work 6·N·V·D exceeds the backend's cap are listed as not run (raise --max-gflop to
 * include them); points whose dense logits cannot fit (≈ 8 live N×V float32 tensors over the heap
 * limit) are listed as "dense cannot run". The default grid takes a few minutes on 2 cores (the
 * recorded one, with --n=16,256,2048,8192 --d=64,512,4096, took 227 s under a load average of 5–10). Time is process CPU
 * time (one thread: the ratios hold on a shared machine where wall time does not).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { machineLine, peakMemory, time } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { Image, type Rgb } from './png.js';
import { args, cceForwardBackward, denseForwardBackward, makeProblem } from './problems.js';

const a = args();
const list = (key: string, fallback: string) => (a[key] ?? fallback).split(',').map(Number);
const backends = (a.backends ?? 'wasm,cpu').split(',') as Array<'wasm' | 'cpu'>;
const ns = list('n', '16,256,2048');
const vs = list('v', '1000,32000,256000');
const ds = list('d', '64,512');
const caps: Record<string, number> = { wasm: 8, cpu: 1 };
for (const entry of (a['max-gflop'] ?? '').split(',').filter(Boolean)) {
  const [name, value] = entry.split(':');
  caps[name!] = Number(value);
}
/** Rough dense rates (GFLOP/s of 6NVD) on the reference machine, to size iterations. */
const RATE: Record<string, number> = { wasm: 2, cpu: 0.5 };
/** Dense forward + backward keeps ~8 N×V float32 tensors; the wasm heap stops at 4 GiB. */
const DENSE_BYTES_LIMIT = 3 * 2 ** 30;

interface Cell {
  n: number;
  v: number;
  d: number;
  status: 'ok' | 'cap' | 'dense-oom';
  denseMs?: number;
  oursMs?: number;
  denseBytes?: number;
  oursBytes?: number;
}

async function cpuTime(fn: () => unknown, warmup: number, iterations: number): Promise<number> {
  if (warmup > 0) await time(fn, { warmup: warmup - 1, iterations: 1 });
  const before = process.cpuUsage();
  await time(fn, { warmup: 0, iterations });
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e3 / iterations;
}

const results: Record<string, Cell[]> = a.replot ? JSON.parse(readFileSync(a.replot, 'utf8')) : {};
const started = performance.now();
for (const backend of a.replot ? [] : backends) {
  if (!(await useBackend(backend))) {
    console.log(`(no ${backend} backend: skipped)`);
    continue;
  }
  console.log(machineLine());
  const cells: Cell[] = [];
  results[backend] = cells;
  for (const n of ns) {
    for (const v of vs) {
      for (const d of ds) {
        const gflop = (6 * n * v * d) / 1e9;
        const cell: Cell = { n, v, d, status: 'ok' };
        cells.push(cell);
        if (gflop > caps[backend]!) {
          cell.status = 'cap';
          continue;
        }
        const p = makeProblem(n, v, d, 'random');
        const estimate = gflop / RATE[backend]!;
        // Small points: many alternating rounds of many calls (op overhead dominates, so noise does).
        const [rounds, iterations] = estimate < 0.2 ? [8, 25] : estimate < 2 ? [4, 2] : [1, 1];
        const denseRuns = 8 * 4 * n * v <= DENSE_BYTES_LIMIT;
        if (!denseRuns) cell.status = 'dense-oom';
        const oneHot = denseRuns ? tf.oneHot(p.y, v) : undefined;
        const ours = () => cceForwardBackward(p);
        const dense = () => denseForwardBackward(p, oneHot!);
        // Warm-up (kernel setup, XNNPACK operators) outside the measurement, except for the largest points.
        // (50 calls for the small points: until V8 has optimised the JS around the kernels; with 10 the
        // first rounds still ran partly unoptimised code and N=16, V=1000, D=64 read 1.14–1.39×; 3 calls and
        // 4 rounds for the mid points: with 1 and 2, cpu N=16 V=1000 D=4096 read 1.08× where 6 rounds read 0.90×).
        if (estimate < 2) {
          const calls = estimate < 0.2 ? 50 : 3;
          await time(ours, { warmup: 0, iterations: calls });
          if (oneHot) await time(dense, { warmup: 0, iterations: calls });
        }
        cell.oursMs = 0;
        cell.denseMs = oneHot ? 0 : undefined;
        for (let round = 0; round < rounds; round++) {
          cell.oursMs += (await cpuTime(ours, 0, iterations)) / rounds;
          if (oneHot) cell.denseMs! += (await cpuTime(dense, 0, iterations)) / rounds;
        }
        cell.oursBytes = (await peakMemory(ours)).peakTensorBytes;
        if (oneHot) {
          cell.denseBytes = (await peakMemory(dense)).peakTensorBytes;
          oneHot.dispose();
        }
        tf.dispose([p.e, p.c, p.y]);
        console.log(
          `${backend} N=${n} V=${v} D=${d}: ours ${cell.oursMs.toFixed(0)} ms, dense ${cell.denseMs?.toFixed(0) ?? '—'} ms, ` +
            `time ${ratio(cell.oursMs, cell.denseMs)}, bytes ${ratio(cell.oursBytes, cell.denseBytes)}`,
        );
      }
    }
  }
}

function ratio(ours: number | undefined, dense: number | undefined): string {
  return ours !== undefined && dense ? `${(ours / dense).toFixed(2)}×` : '—';
}
const mib = (x: number | undefined) => (x === undefined ? '—' : (x / 2 ** 20).toFixed(1));

// Markdown table.
for (const [backend, cells] of Object.entries(results)) {
  console.log(`\n#### ${backend}: forward + backward, random logits (CPU ms; peak tensor MiB)\n`);
  console.log('| N | V | D | dense ms | ours ms | time × | dense MiB | ours MiB | bytes × |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const c of cells) {
    if (c.status === 'cap') {
      console.log(
        `| ${c.n} | ${c.v} | ${c.d} | not run: 6NVD = ${((6 * c.n * c.v * c.d) / 1e9).toFixed(0)} GFLOP > cap | | | | | |`,
      );
      continue;
    }
    const dense = c.status === 'dense-oom' ? 'cannot run (N×V heap)' : c.denseMs!.toFixed(0);
    console.log(
      `| ${c.n} | ${c.v} | ${c.d} | ${dense} | ${c.oursMs!.toFixed(0)} | ${ratio(c.oursMs, c.denseMs)} | ${mib(c.denseBytes)} | ${mib(c.oursBytes)} | ${ratio(c.oursBytes, c.denseBytes)} |`,
    );
  }
}
console.log(`\n(grid run took ${((performance.now() - started) / 1e3).toFixed(0)} s)`);

// PNG heat map: one panel per backend × measure; rows N, columns (V, D); green below 1×, red above.
const png = a.png ?? 'packages/cce/bench/grid.png';
const cellW = 64;
const cellH = 26;
const left = 70;
const top = 44;
const columns = vs.flatMap((v) => ds.map((d) => [v, d] as const));
const panelW = left + columns.length * cellW + 20;
const panelH = top + ns.length * cellH + 40;
const panels = Object.entries(results).flatMap(([backend, cells]) =>
  (['time', 'bytes'] as const).map((measure) => ({ backend, cells, measure })),
);
const image = new Image(panelW * 2, panelH * Math.ceil(panels.length / 2) + 30);
image.text(
  10,
  8,
  'LINEARCROSSENTROPY / DENSE, FORWARD + BACKWARD. GREEN BELOW 1, RED ABOVE, GREY NOT RUN',
  [0, 0, 0],
  2,
);
const shortV = (v: number) => (v >= 1000 ? `${Math.round(v / 1000)}K` : `${v}`);
function color(r: number | undefined): Rgb {
  if (r === undefined || !Number.isFinite(r)) return [200, 200, 200];
  const t = Math.max(-1, Math.min(1, Math.log10(r) / 1.5)); // ±1.5 decades saturate
  const fade = Math.round(235 - 180 * Math.abs(t));
  return t <= 0 ? [fade, 235, fade] : [235, fade, fade];
}
panels.forEach(({ backend, cells, measure }, k) => {
  const x0 = (k % 2) * panelW;
  const y0 = 30 + Math.floor(k / 2) * panelH;
  image.text(
    x0 + 10,
    y0 + 4,
    `${backend} ${measure === 'time' ? 'CPU time' : 'peak bytes'} ratio`,
    [0, 0, 0],
    2,
  );
  columns.forEach(([v, d], j) => {
    image.text(x0 + left + j * cellW + 4, y0 + 20, `V${shortV(v)}`, [60, 60, 60], 1);
    image.text(x0 + left + j * cellW + 4, y0 + 28, `D${d}`, [60, 60, 60], 1);
  });
  ns.forEach((n, i) => {
    image.text(x0 + 6, y0 + top + i * cellH + 8, `N${n}`, [60, 60, 60], 2);
    columns.forEach(([v, d], j) => {
      const c = cells.find((x) => x.n === n && x.v === v && x.d === d);
      const r =
        measure === 'time'
          ? (c?.oursMs ?? Number.NaN) / (c?.denseMs ?? Number.NaN)
          : (c?.oursBytes ?? Number.NaN) / (c?.denseBytes ?? Number.NaN);
      const cx = x0 + left + j * cellW;
      const cy = y0 + top + i * cellH;
      image.rect(cx, cy, cellW - 2, cellH - 2, color(Number.isFinite(r) ? r : undefined));
      const label = Number.isFinite(r)
        ? r < 0.1
          ? r.toFixed(3)
          : r.toFixed(2)
        : c?.status === 'dense-oom'
          ? 'OOM'
          : '-';
      image.text(cx + 4, cy + 7, label, [0, 0, 0], 2);
    });
  });
});
image.write(png);
const json = png.replace(/\.png$/, '.json');
if (!a.replot) writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
console.log(`wrote ${png}${a.replot ? '' : ` and ${json}`}`);
