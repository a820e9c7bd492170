// Float64 references written from the papers' formulas with plain loops (no tfjs, no implementation code).
export type Row = readonly number[];
export type Label = number | Row;

export function logSoftmax64(row: Row): number[] {
  const max = Math.max(...row);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return row.map((v) => v - lse);
}

export function logSumExp64(row: Row): number {
  const max = Math.max(...row);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** The target row of a label: one-hot for an id, the row itself for soft targets. */
export function targets64(label: Label, C: number): number[] {
  return typeof label === 'number' ? Array.from({ length: C }, (_, c) => (c === label ? 1 : 0)) : [...label];
}

/** Σ_c t_c · f(p_c, c) per row: the per-example value of a loss defined on the true-class probability. */
export function perRow(
  logits: readonly Row[],
  labels: readonly Label[],
  f: (p: number, logP: number) => number,
): number[] {
  return logits.map((row, i) => {
    const logp = logSoftmax64(row);
    const t = targets64(labels[i]!, row.length);
    let total = 0;
    for (let c = 0; c < row.length; c++) if (t[c] !== 0) total += t[c]! * f(Math.exp(logp[c]!), logp[c]!);
    return total;
  });
}

export interface CeOptions {
  labelSmoothing?: number;
  classWeights?: readonly number[];
  logZPenalty?: number;
}

export function crossEntropy64(
  logits: readonly Row[],
  labels: readonly Label[],
  o: CeOptions = {},
): number[] {
  const eps = o.labelSmoothing ?? 0;
  return logits.map((row, i) => {
    const C = row.length;
    const logp = logSoftmax64(row);
    const t = targets64(labels[i]!, C);
    let loss = 0;
    for (let c = 0; c < C; c++) {
      const smoothed = (1 - eps) * t[c]! + eps / C;
      loss -= (o.classWeights?.[c] ?? 1) * smoothed * logp[c]!;
    }
    return loss + (o.logZPenalty ?? 0) * logSumExp64(row) ** 2;
  });
}

/** Φ^τ written on u = Σ_{y'≠y} exp(h_y' − h_y), as in the paper. */
export function compSum64(logits: readonly Row[], labels: readonly Label[], tau: number): number[] {
  return logits.map((row, i) => {
    const t = targets64(labels[i]!, row.length);
    let total = 0;
    for (let y = 0; y < row.length; y++) {
      if (t[y] === 0) continue;
      let u = 0;
      for (let k = 0; k < row.length; k++) if (k !== y) u += Math.exp(row[k]! - row[y]!);
      const phi = tau === 1 ? Math.log1p(u) : ((1 + u) ** (1 - tau) - 1) / (1 - tau);
      total += t[y]! * phi;
    }
    return total;
  });
}

export function gce64(logits: readonly Row[], labels: readonly Label[], q: number, k = 0): number[] {
  return perRow(logits, labels, (p) => Math.min((1 - p ** q) / q, k > 0 ? (1 - k ** q) / q : Infinity));
}

export function mae64(logits: readonly Row[], labels: readonly Label[]): number[] {
  return perRow(logits, labels, (p) => 1 - p);
}

export function zLoss64(
  logits: readonly Row[],
  labels: readonly Label[],
  a = 1,
  b = 0,
  epsilon = 1e-6,
): number[] {
  return logits.map((row, i) => {
    const C = row.length;
    const mu = row.reduce((s, v) => s + v, 0) / C;
    const sigma = Math.sqrt(row.reduce((s, v) => s + (v - mu) ** 2, 0) / C);
    const t = targets64(labels[i]!, C);
    let total = 0;
    for (let c = 0; c < C; c++) {
      const z = (row[c]! - mu) / (sigma + epsilon);
      total += (t[c]! * Math.log1p(Math.exp(a * (b - z)))) / a;
    }
    return total;
  });
}

export function squentropy64(logits: readonly Row[], labels: readonly Label[]): number[] {
  const ce = crossEntropy64(logits, labels);
  return logits.map((row, i) => {
    const t = targets64(labels[i]!, row.length);
    let squares = 0;
    for (let j = 0; j < row.length; j++) squares += (1 - t[j]!) * row[j]! ** 2;
    return ce[i]! + squares / (row.length - 1);
  });
}

export function normalize64(row: Row, mode: 'none' | 'softplus' | 'l1'): number[] {
  if (mode === 'none') return [...row];
  const positive = mode === 'softplus' ? row.map((v) => Math.log1p(Math.exp(v))) : [...row];
  const scale = positive.reduce((s, v) => s + Math.abs(v), 0) / row.length;
  return positive.map((v) => v / Math.max(scale, 1e-12));
}

/** λ · log((1/C) Σ_k exp((c·(1 − t_k) + s̃_k − Σ_j t_j s̃_j)/λ)) on normalised scores. */
export function ldrKl64(scores: Row, label: Label, lambda: number, margin: number): number {
  const C = scores.length;
  const t = targets64(label, C);
  const trueScore = scores.reduce((s, v, j) => s + t[j]! * v, 0);
  const terms = scores.map((v, k) => (margin * (1 - t[k]!) + v - trueScore) / lambda);
  return lambda * (logSumExp64(terms) - Math.log(C));
}

/** ALDR-KL per row given the stored λ_old; returns the loss and the new λ. */
export function aldrKl64(
  row: Row,
  label: Label,
  lambdaOld: number,
  o: { lambda0: number; alpha: number; margin: number; normalization: 'none' | 'softplus' | 'l1' },
): { loss: number; lambda: number } {
  const C = row.length;
  const s = normalize64(row, o.normalization);
  const logp = logSoftmax64(s.map((v) => v / lambdaOld));
  const smoothed = logp.map((l) => Math.exp(l) + 1e-5);
  const total = smoothed.reduce((a, b) => a + b, 0);
  let kl = 0;
  for (const v of smoothed) kl += (v / total) * Math.log((C * v) / total);
  const lambda = o.lambda0 - (o.lambda0 * kl) / (o.alpha * Math.log(C));
  const extra = (-(o.alpha * Math.log(C)) / (2 * o.lambda0)) * (lambda - o.lambda0) ** 2;
  return { loss: ldrKl64(s, label, lambda, o.margin) + extra, lambda };
}
