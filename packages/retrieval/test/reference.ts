// Float64 references written from the papers' formulas with plain loops (no tfjs, no implementation code).
export type Matrix = number[][];

export const softplus = (x: number): number =>
  x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function logSumExp(values: readonly number[]): number {
  if (values.length === 0) return Number.NEGATIVE_INFINITY;
  const max = Math.max(...values);
  return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function normalize(a: readonly number[]): number[] {
  const n = Math.sqrt(dot(a, a));
  return a.map((x) => x / Math.max(n, 1e-12));
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  return dot(normalize(a), normalize(b));
}

/** sim(a_i, b_j) for all i, j. */
export function similarities(a: Matrix, b: Matrix, kind: 'cosine' | 'dot' = 'cosine'): Matrix {
  return a.map((x) => b.map((y) => (kind === 'cosine' ? cosine(x, y) : dot(x, y))));
}

export const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

/** Exact pairwise AUC: Σ over (pos, neg) of 1[s_p > s_n] + ½·1[s_p = s_n], divided by the pair count. */
export function pairCountAuc(scores: readonly number[], positive: readonly boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, p) => {
    if (!positive[p]) return;
    scores.forEach((sn, n) => {
      if (positive[n]) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}
