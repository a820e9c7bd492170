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
    const z = c.map((cv, j) => {
      let dot = b ? b[j]! : 0;
      for (let k = 0; k < row.length; k++) dot += row[k]! * cv[k]!;
      return s > 0 ? s * Math.tanh(dot / s) : dot;
    });
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((acc, x) => acc + Math.exp(x - max), 0));
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
