// Float64 helpers for the tests' references, written with plain loops (no tfjs, no library code).
import type { Nested } from '@xent/testing';

export type Rows = number[][];
export type Labels = number[] | number[][];

export const rowsOf = (x: Nested): Rows => x as Rows;

export function logSoftmax64(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}

export function softmax64(row: readonly number[]): number[] {
  return logSoftmax64(row).map(Math.exp);
}

/** The target distribution of row i: one-hot for class ids, the given row for float targets. */
export function targetRow(labels: Nested, i: number, numClasses: number): number[] {
  const label = (labels as Nested[])[i]!;
  if (typeof label === 'number') return Array.from({ length: numClasses }, (_, c) => (c === label ? 1 : 0));
  return label as number[];
}

/** Per-row map over (logits row, target row). */
export function perRow(
  inputs: readonly Nested[],
  f: (row: number[], target: number[], i: number) => number,
): number[] {
  const rows = rowsOf(inputs[0]!);
  return rows.map((row, i) => f(row, targetRow(inputs[1]!, i, row.length), i));
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** CE = −Σ t·log p, the float64 baseline several properties compare to. */
export function crossEntropy64(row: number[], target: number[]): number {
  const logp = logSoftmax64(row);
  return -sum(target.map((t, c) => t * logp[c]!));
}
