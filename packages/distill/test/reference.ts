// Float64 references written from the papers' formulas with plain loops (never calling the library).
export type Matrix = number[][];

export function lse(row: readonly number[]): number {
  const max = Math.max(...row);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

export function softmax64(row: readonly number[], temperature = 1): number[] {
  const scaled = row.map((v) => v / temperature);
  const z = lse(scaled);
  return scaled.map((v) => Math.exp(v - z));
}

/** KL(q ‖ p) = Σ q log(q/p) for probability vectors. */
export function kl64(q: readonly number[], p: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < q.length; i++) if (q[i]! > 0) sum += q[i]! * Math.log(q[i]! / p[i]!);
  return sum;
}

/** Row z-score with the unbiased std and the 1e-7 guard of the logit-standardization code. */
export function standardize64(row: readonly number[]): number[] {
  const mean = row.reduce((a, b) => a + b, 0) / row.length;
  const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / (row.length - 1);
  return row.map((v) => (v - mean) / (1e-7 + Math.sqrt(variance)));
}

export function ce64(row: readonly number[], label: number): number {
  return lse(row) - row[label]!;
}

export const sum64 = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
export const mean64 = (values: readonly number[]) => sum64(values) / values.length;
