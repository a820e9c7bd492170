// Float64 references written from the papers' formulas with plain loops over enumerated pairs and
// triplets (pytorch-metric-learning's test approach). They never call the implementation or tfjs.
import type { Nested } from '@xent/testing';

export type Matrix = number[][];

export const asMatrix = (x: Nested): Matrix => x as Matrix;

export function normalize(rows: Matrix): Matrix {
  return rows.map((r) => {
    const n = Math.max(Math.sqrt(r.reduce((s, v) => s + v * v, 0)), 1e-12);
    return r.map((v) => v / n);
  });
}

export const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0);
export const euclid = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0));

/** Euclidean distances of normalised rows (PML's default LpDistance). */
export const l2Matrix = (x: Nested) => {
  const e = normalize(asMatrix(x));
  return e.map((a) => e.map((b) => euclid(a, b)));
};
/** Cosine similarities. */
export const cosMatrix = (x: Nested) => {
  const e = normalize(asMatrix(x));
  return e.map((a) => e.map((b) => dot(a, b)));
};

export const relu = (v: number) => Math.max(v, 0);
export const softplus = (v: number) => (v > 30 ? v : Math.log1p(Math.exp(v)));
export const lse = (values: number[]) => {
  const m = Math.max(...values);
  return m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
};
export const mean = (values: number[]) =>
  values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
export const avgNonZero = (values: number[]) => mean(values.filter((v) => v > 0));

export interface Pair {
  readonly a: number;
  readonly b: number;
}
export interface Triplet {
  readonly a: number;
  readonly p: number;
  readonly n: number;
}

export function allPairs(labels: number[]): { pos: Pair[]; neg: Pair[] } {
  const pos: Pair[] = [];
  const neg: Pair[] = [];
  labels.forEach((la, a) => {
    labels.forEach((lb, b) => {
      if (a !== b) (la === lb ? pos : neg).push({ a, b });
    });
  });
  return { pos, neg };
}

export function allTriplets(labels: number[]): Triplet[] {
  const out: Triplet[] = [];
  labels.forEach((la, a) => {
    labels.forEach((lp, p) => {
      if (p === a || lp !== la) return;
      labels.forEach((ln, n) => {
        if (ln !== la) out.push({ a, p, n });
      });
    });
  });
  return out;
}

/** The toy fixture of PML's tests: points (2 cos θ, ½ sin θ), θ = 0, 20, …, 80°, labels [0, 0, 1, 1, 2]. */
export const toyEmbeddings = [0, 20, 40, 60, 80].map((deg) => {
  const t = (deg * Math.PI) / 180;
  return [2 * Math.cos(t), 0.5 * Math.sin(t)];
});
export const toyLabels = [0, 0, 1, 1, 2];

// ---- per-loss references ----

export function tripletRef(
  x: Nested,
  labels: number[],
  o: {
    margin?: number;
    swap?: boolean;
    smooth?: boolean;
    reducer?: 'avgNonZero' | 'mean';
    cosine?: boolean;
  } = {},
  triplets = allTriplets(labels),
): number {
  const m = o.margin ?? 0.05;
  const d = o.cosine ? cosMatrix(x) : l2Matrix(x);
  const losses = triplets.map(({ a, p, n }) => {
    let an = d[a]![n]!;
    if (o.swap) an = o.cosine ? Math.max(an, d[p]![n]!) : Math.min(an, d[p]![n]!);
    const v = (o.cosine ? an - d[a]![p]! : d[a]![p]! - an) + m;
    return o.smooth ? softplus(v) : relu(v);
  });
  return o.reducer === 'mean' ? mean(losses) : avgNonZero(losses);
}

export function contrastiveRef(
  x: Nested,
  labels: number[],
  o: { posMargin?: number; negMargin?: number } = {},
  pairs = allPairs(labels),
): number {
  const d = l2Matrix(x);
  const pos = pairs.pos.map(({ a, b }) => relu(d[a]![b]! - (o.posMargin ?? 0)));
  const neg = pairs.neg.map(({ a, b }) => relu((o.negMargin ?? 1) - d[a]![b]!));
  return avgNonZero(pos) + avgNonZero(neg);
}

export function marginRef(
  x: Nested,
  labels: number[],
  o: { margin?: number; beta?: number | number[]; nu?: number } = {},
  triplets = allTriplets(labels),
): number {
  const d = l2Matrix(x);
  const alpha = o.margin ?? 0.2;
  const betaOf = (a: number) => (Array.isArray(o.beta) ? o.beta[labels[a]!]! : (o.beta ?? 1.2));
  let sum = 0;
  let count = 0;
  let reg = 0;
  for (const { a, p, n } of triplets) {
    const pos = relu(d[a]![p]! - betaOf(a) + alpha);
    const neg = relu(betaOf(a) - d[a]![n]! + alpha);
    sum += pos + neg;
    count += (pos > 0 ? 1 : 0) + (neg > 0 ? 1 : 0);
    reg += (o.nu ?? 0) * betaOf(a);
  }
  if (triplets.length === 0) return 0;
  const hinge = count > 0 ? sum / count : 0;
  if (Array.isArray(o.beta)) return hinge + (count > 0 ? reg / count : 0);
  return hinge + (o.nu ?? 0) * (o.beta ?? 1.2);
}

export function msRef(
  x: Nested,
  labels: number[],
  o: { alpha?: number; beta?: number; base?: number; epsilon?: number; mining?: boolean } = {},
): number {
  const s = cosMatrix(x);
  const { alpha = 2, beta = 50, base = 0.5, epsilon = 0.1, mining = true } = o;
  const total = labels.map((la, i) => {
    const P = labels.flatMap((lb, j) => (j !== i && lb === la ? [j] : []));
    const N = labels.flatMap((lb, j) => (lb !== la ? [j] : []));
    let keptP = P;
    let keptN = N;
    if (mining) {
      const hardestPos = Math.min(...P.map((j) => s[i]![j]!));
      const hardestNeg = Math.max(...N.map((k) => s[i]![k]!));
      keptN = N.filter((k) => s[i]![k]! + epsilon > hardestPos);
      keptP = P.filter((j) => s[i]![j]! - epsilon < hardestNeg);
    }
    const pos = keptP.length
      ? Math.log(1 + keptP.reduce((t, j) => t + Math.exp(-alpha * (s[i]![j]! - base)), 0)) / alpha
      : 0;
    const neg = keptN.length
      ? Math.log(1 + keptN.reduce((t, k) => t + Math.exp(beta * (s[i]![k]! - base)), 0)) / beta
      : 0;
    return pos + neg;
  });
  return mean(total);
}

export function tcmRef(
  x: Nested,
  labels: number[],
  o: { lambdaPlus?: number; lambdaMinus?: number; marginPlus?: number; marginMinus?: number } = {},
): number {
  const s = cosMatrix(x);
  const { lambdaPlus = 1, lambdaMinus = 1, marginPlus = 0.9, marginMinus = 0.5 } = o;
  const { pos, neg } = allPairs(labels);
  const hardPos = pos.map(({ a, b }) => s[a]![b]!).filter((v) => v <= marginPlus);
  const hardNeg = neg.map(({ a, b }) => s[a]![b]!).filter((v) => v >= marginMinus);
  return (
    lambdaPlus * mean(hardPos.map((v) => marginPlus - v)) +
    lambdaMinus * mean(hardNeg.map((v) => v - marginMinus))
  );
}

/** `weightsAt`: evaluate the detached weights [·]₊ at these embeddings (for the stop-gradient). */
export function circleRef(
  x: Nested,
  labels: number[],
  o: { m?: number; gamma?: number } = {},
  weightsAt: Nested = x,
): number {
  const s = cosMatrix(x);
  const w = cosMatrix(weightsAt);
  const { m = 0.4, gamma = 80 } = o;
  const losses = labels.map((la, i) => {
    const P = labels.flatMap((lb, j) => (j !== i && lb === la ? [j] : []));
    const N = labels.flatMap((lb, j) => (lb !== la ? [j] : []));
    if (!P.length || !N.length) return 0;
    const lp = P.map((j) => -gamma * relu(1 + m - w[i]![j]!) * (s[i]![j]! - (1 - m)));
    const ln = N.map((j) => gamma * relu(w[i]![j]! + m) * (s[i]![j]! - m));
    return softplus(lse(lp) + lse(ln));
  });
  return avgNonZero(losses);
}

export function supConRef(x: Nested, labels: number[], o: { temperature?: number } = {}): number {
  const s = cosMatrix(x);
  const t = o.temperature ?? 0.1;
  const losses = labels.map((la, i) => {
    const P = labels.flatMap((lb, j) => (j !== i && lb === la ? [j] : []));
    if (!P.length) return 0;
    const denominator = lse(labels.flatMap((_, j) => (j !== i ? [s[i]![j]! / t] : [])));
    return -mean(P.map((p) => s[i]![p]! / t - denominator));
  });
  return avgNonZero(losses);
}

export function ntXentRef(x: Nested, labels: number[], o: { temperature?: number } = {}): number {
  const s = cosMatrix(x);
  const t = o.temperature ?? 0.07;
  const { pos } = allPairs(labels);
  const losses = pos.map(({ a, b }) => {
    const negatives = labels.flatMap((l, k) => (l !== labels[a] ? [Math.exp(s[a]![k]! / t)] : []));
    const numerator = Math.exp(s[a]![b]! / t);
    return -Math.log(numerator / (numerator + negatives.reduce((u, v) => u + v, 0)));
  });
  return mean(losses);
}

/** log(1 + Σ wᵢ·e^{xᵢ}) in float64, shifted by m = max(0, max over wᵢ > 0 of xᵢ) so it never overflows. */
export function logOnePlusWeighted(xs: number[], ws: number[]): number {
  const m = Math.max(0, ...xs.filter((_, i) => ws[i]! > 0));
  return m + Math.log(Math.exp(-m) + xs.reduce((t, v, i) => t + ws[i]! * Math.exp(v - m), 0));
}

/**
 * Metrix's mixed multi-similarity loss as loops: for each anchor a owning mixed embeddings u (with soft
 * positivity y_u), (1/α)·log(1 + Σ y·e^{−α(s − λ)}) + (1/β)·log(1 + Σ (1 − y)·e^{β(s − λ)}), averaged
 * over the anchors that own some; s = cosine (default) or dot product.
 */
export function metrixMsRef(
  e: Matrix,
  u: Matrix,
  anchors: number[],
  targets: number[],
  o: { alpha?: number; beta?: number; base?: number; similarity?: 'cosine' | 'dot' } = {},
): number {
  const { alpha = 2, beta = 50, base = 0.5, similarity = 'cosine' } = o;
  const [en, un] = similarity === 'cosine' ? [normalize(e), normalize(u)] : [e, u];
  const owners = [...new Set(anchors)];
  const per = owners.map((a) => {
    const idx = anchors.flatMap((v, i) => (v === a ? [i] : []));
    const s = idx.map((i) => dot(en[a]!, un[i]!));
    const pos = logOnePlusWeighted(
      s.map((v) => -alpha * (v - base)),
      idx.map((i) => targets[i]!),
    );
    const neg = logOnePlusWeighted(
      s.map((v) => beta * (v - base)),
      idx.map((i) => 1 - targets[i]!),
    );
    return pos / alpha + neg / beta;
  });
  return per.reduce((t, v) => t + v, 0) / owners.length;
}
