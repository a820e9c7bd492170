import type { Nested } from '@xent/testing';

/** Options the float64 reference understands (the same names as the op's). */
export interface ReferenceOptions {
  readonly ignoreIndex?: number;
  readonly softcap?: number;
  readonly labelSmoothing?: number;
  readonly logZPenalty?: number;
  readonly reduction?: 'none' | 'sum' | 'mean';
}

const rows = (x: Nested) => x as readonly (readonly number[])[];

/** ẑ_v = s·tanh((e·c_v + b_v)/s) (no tanh when s = 0), with plain loops. */
function logitsOf(
  e: readonly number[],
  c: readonly (readonly number[])[],
  b: readonly number[] | undefined,
  s: number,
): number[] {
  return c.map((cv, j) => {
    let dot = b ? b[j]! : 0;
    for (let k = 0; k < e.length; k++) dot += e[k]! * cv[k]!;
    return s > 0 ? s * Math.tanh(dot / s) : dot;
  });
}

/** log Σ exp(z), max-shifted. */
function logSumExpOf(z: readonly number[]): number {
  const max = Math.max(...z);
  return max + Math.log(z.reduce((acc, x) => acc + Math.exp(x - max), 0));
}

/**
 * Float64 CCE straight from the formula, with plain loops:
 * ℓ_n = LSE_n − (1 − α)·ẑ_{n,y_n} − (α/V)·Σ_v ẑ_nv + λ·LSE_n², ẑ = s·tanh(z/s), z = e_n·c_v + b_v.
 */
export function referenceRows(
  embeddings: Nested,
  classifier: Nested,
  targets: readonly number[],
  bias: Nested | undefined,
  options: ReferenceOptions = {},
): number[] {
  const e = rows(embeddings);
  const c = rows(classifier);
  const b = bias as readonly number[] | undefined;
  const ignore = options.ignoreIndex ?? -100;
  const alpha = options.labelSmoothing ?? 0;
  const lambda = options.logZPenalty ?? 0;
  const s = options.softcap ?? 0;
  const v = c.length;
  return e.map((row, n) => {
    if (targets[n] === ignore) return 0;
    const z = logitsOf(row, c, b, s);
    const lse = logSumExpOf(z);
    const sum = z.reduce((acc, x) => acc + x, 0);
    return lse - (1 - alpha) * z[targets[n]!]! - (alpha / v) * sum + lambda * lse * lse;
  });
}

/** The reduced float64 reference (`mean` over non-ignored rows, 0 when there are none). */
export function referenceLoss(
  embeddings: Nested,
  classifier: Nested,
  targets: readonly number[],
  bias: Nested | undefined,
  options: ReferenceOptions = {},
): number | number[] {
  const values = referenceRows(embeddings, classifier, targets, bias, options);
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return values;
  const total = values.reduce((a, x) => a + x, 0);
  if (reduction === 'sum') return total;
  const count = targets.filter((t) => t !== (options.ignoreIndex ?? -100)).length;
  return count === 0 ? 0 : total / count;
}

/** Options of {@link referenceSequence}: the op's names, with plain arrays for the tensors. */
export interface SequenceReferenceOptions extends Omit<ReferenceOptions, 'reduction'> {
  readonly shift?: number;
  /** `[B][T]`, or `[B]` (one weight per sequence). */
  readonly weights?: readonly (number | readonly number[])[];
  readonly classWeights?: readonly number[];
}

/** What {@link referenceSequence} computes for every reduction at once. */
export interface SequenceReference {
  readonly none: number[][];
  readonly sum: number;
  readonly mean: number;
  readonly lse: number[][];
}

/**
 * Float64 CCE of a batch of sequences straight from the formula, with plain loops. Position t of
 * sequence b is scored against target y[b][t + k] (k = shift) for t < T − k, with
 * ℓ = ω·[(1 − α)·w_y·(LSE − ẑ_y) + (α/V)·Σ_v w_v·(LSE − ẑ_v) + λ·LSE²]  (PyTorch's `weight=` and
 * `label_smoothing`), ω the token weight of the target's position; mean = Σ ℓ / Σ ω·w_y over
 * non-ignored targets (0 when that is 0).
 */
export function referenceSequence(
  embeddings: Nested,
  classifier: Nested,
  targets: readonly (readonly number[])[],
  bias: Nested | undefined,
  options: SequenceReferenceOptions = {},
): SequenceReference {
  const e = embeddings as readonly (readonly (readonly number[])[])[];
  const c = rows(classifier);
  const b = bias as readonly number[] | undefined;
  const k = options.shift ?? 0;
  const ignore = options.ignoreIndex ?? -100;
  const alpha = options.labelSmoothing ?? 0;
  const lambda = options.logZPenalty ?? 0;
  const s = options.softcap ?? 0;
  const cw = options.classWeights;
  const v = c.length;
  const none: number[][] = [];
  const lses: number[][] = [];
  let sum = 0;
  let denominator = 0;
  e.forEach((sequence, bi) => {
    const lossRow: number[] = [];
    const lseRow: number[] = [];
    for (let t = 0; t + k < sequence.length; t++) {
      const x = sequence[t]!;
      const z = logitsOf(x, c, b, s);
      const lse = logSumExpOf(z);
      lseRow.push(lse);
      const y = targets[bi]![t + k]!;
      if (y === ignore) {
        lossRow.push(0);
        continue;
      }
      const w = options.weights?.[bi];
      const omega = w === undefined ? 1 : typeof w === 'number' ? w : w[t + k]!;
      const wy = cw ? cw[y]! : 1;
      let uniform = 0;
      for (let j = 0; j < v; j++) uniform += (cw ? cw[j]! : 1) * (lse - z[j]!);
      const loss = (1 - alpha) * wy * (lse - z[y]!) + (alpha / v) * uniform + lambda * lse * lse;
      lossRow.push(omega * loss);
      sum += omega * loss;
      denominator += omega * wy;
    }
    none.push(lossRow);
    lses.push(lseRow);
  });
  return { none, sum, mean: denominator > 0 ? sum / denominator : 0, lse: lses };
}
