// Part B's float64 helpers (plain loops), on top of ./reference.ts.
import type { Nested } from '@xent/testing';
import { logSoftmax64, targets64 } from './reference.js';

export { logSoftmax64 };

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export function softmax64(row: readonly number[]): number[] {
  return logSoftmax64(row).map(Math.exp);
}

/** Per-row map over (logits row, target row) of conformance inputs `[logits, labels]`. */
export function perExample64(
  inputs: readonly Nested[],
  f: (row: number[], target: number[], i: number) => number,
): number[] {
  const rows = inputs[0] as number[][];
  const labels = inputs[1] as (number | number[])[];
  return rows.map((row, i) => f(row, targets64(labels[i]!, row.length), i));
}

/** CE = −Σ t·log p of one row. */
export function crossEntropyRow64(row: readonly number[], target: readonly number[]): number {
  const logp = logSoftmax64(row);
  return -sum(target.map((t, c) => t * logp[c]!));
}
