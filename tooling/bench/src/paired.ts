import { time } from './measure.js';

/** Times of an entry measured in rounds paired with a baseline, and their per-round ratios. */
export interface PairedTiming {
  /** Median of the entry's times, in ms. */
  readonly median: number;
  /** Minimum of the entry's times, in ms. */
  readonly min: number;
  /** Median over rounds of entry time / baseline time of the same round. */
  readonly pairedRatio: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Times `entry` in `rounds` rounds, each running `baseline` once and then `entry` once, so that load
 * from other processes hits both alike; the paired ratio (median of per-round ratios) is robust to it.
 */
export async function timePaired(
  baseline: () => unknown,
  entry: () => unknown,
  rounds: number,
): Promise<PairedTiming> {
  const times: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const base = await time(baseline, { warmup: 0, iterations: 1 });
    const own = await time(entry, { warmup: 0, iterations: 1 });
    times.push(own.median);
    ratios.push(own.median / base.median);
  }
  return { median: median(times), min: Math.min(...times), pairedRatio: median(ratios) };
}
