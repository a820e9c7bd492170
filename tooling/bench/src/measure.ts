import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';

/** Timing of one benchmarked function, in milliseconds. */
export interface Timing {
  readonly median: number;
  readonly min: number;
  readonly samples: readonly number[];
}

function disposeAll(value: unknown): void {
  if (value instanceof tf.Tensor) value.dispose();
  else if (Array.isArray(value)) value.forEach(disposeAll);
}

async function settle(value: unknown): Promise<void> {
  // Wait for the backend to finish (GPU/WebGPU queues) by reading the outputs.
  if (value instanceof tf.Tensor) await value.data();
  else if (Array.isArray(value)) for (const item of value) await settle(item);
}

/**
 * Times `fn` in a tidy scope (the tensors it returns are read back, then disposed) after `warmup` untimed runs.
 * Report the median; compare only ratios measured in the same process.
 */
export async function time(
  fn: () => unknown,
  options: { warmup?: number; iterations?: number } = {},
): Promise<Timing> {
  const samples: number[] = [];
  const runs = (options.warmup ?? 1) + (options.iterations ?? 5);
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = tf.tidy(() => fn() as tf.TensorContainer);
    await settle(result);
    const elapsed = performance.now() - start;
    disposeAll(result);
    if (i >= (options.warmup ?? 1)) samples.push(elapsed);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, samples };
}

/** Peak memory of one run of `fn`, two ways (see TOOLCHAIN.md: report both). */
export interface PeakMemory {
  /** tf.profile's peak bytes above the bytes alive before the run (counts every Tensor, aliases again). */
  readonly peakTensorBytes: number;
  /** Process peak RSS (VmHWM, reset before the run) above the RSS before it; NaN where /proc is missing. */
  readonly peakRssBytes: number;
}

function readStatusKb(field: string): number {
  try {
    const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: VmHWM cannot be reset; peakRssBytes is then an upper bound
  }
}

/** Measures the extra memory one run of `fn` needs at its peak; outputs are read, then disposed. */
export async function peakMemory(fn: () => unknown): Promise<PeakMemory> {
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = readStatusKb('VmRSS');
  resetPeakRss();
  const bytesBefore = tf.memory().numBytes;
  let result: unknown;
  const profile = await tf.profile(() => {
    result = tf.tidy(() => fn() as tf.TensorContainer);
    return result as tf.Tensor;
  });
  await settle(result);
  const peakRss = readStatusKb('VmHWM');
  disposeAll(result);
  return { peakTensorBytes: Math.max(0, profile.peakBytes - bytesBefore), peakRssBytes: peakRss - rssBefore };
}
