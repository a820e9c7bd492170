import { defineLoss, powNonNegative, type ReductionOptions } from '@xent/core';
import { lpNorm } from '../distances/lp-norm.js';

/** Options of {@link lpRegularizer}. */
export interface LpRegularizerOptions extends ReductionOptions {
  /** Norm order p ≥ 1. @defaultValue 2 */
  readonly p?: number;
  /** Power applied to the norm. @defaultValue 1 */
  readonly power?: number;
}

const inputs = [
  { name: 'x', dtype: 'float32', shape: ['N', 'D'], description: 'embeddings or class weights' },
] as const;

/**
 * Lp regulariser (PML's `LpRegularizer`): per row ℓᵢ = ‖xᵢ‖_p^power, for embeddings (PML's
 * `embedding_regularizer`) or class weights. Add it to a loss, scaled by its weight:
 * `tf.add(loss, tf.mul(0.1, lpRegularizer(embeddings)))`. A zero row gives 0 with a zero gradient.
 *
 * @param x float32 `[N, D]`. @returns per-row `[N]` with `reduction: 'none'`, else a scalar (mean).
 * @see https://kevinmusgrave.github.io/pytorch-metric-learning/regularizers/
 * @example const reg = lpRegularizer(embeddings, { p: 2, power: 2 });
 */
export const lpRegularizer = /* @__PURE__ */ defineLoss<
  typeof inputs,
  LpRegularizerOptions,
  { p: number; power: number }
>({
  id: 'xent/lp-regularizer',
  name: 'lpRegularizer',
  family: 'metric',
  summary: 'Penalises the Lp norm (to a power) of each embedding or class-weight row.',
  reference: {
    title: 'pytorch-metric-learning: LpRegularizer',
    url: 'https://kevinmusgrave.github.io/pytorch-metric-learning/regularizers/',
  },
  inputs,
  defaults: { p: 2, power: 1 },
  options: {
    p: { type: 'number', min: 1, description: 'norm order p' },
    power: { type: 'number', min: 0, exclusiveMin: true, description: 'power of the norm' },
  },
  perExample: ({ x }, { p, power }) => powNonNegative(lpNorm(x, p), power),
});
