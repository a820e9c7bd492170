import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';

const inputs = [
  { name: 'classWeights', dtype: 'float32', shape: ['C', 'D'], description: 'one weight row per class' },
] as const;

/**
 * Center-invariant regulariser (Wu et al., "Deep Face Recognition with Center Invariant Loss", 2017;
 * PML's `CenterInvariantRegularizer`): per class ℓ_c = (‖w_c‖² − (1/C)Σ_k‖w_k‖²)² / 4, pulling the
 * class weights' norms together. Equal norms (or one class) give 0 with a zero gradient.
 *
 * @param classWeights float32 `[C, D]`. @returns `[C]` with `reduction: 'none'`, else a scalar (mean).
 * @see https://dl.acm.org/doi/10.1145/3126686.3126693
 * @example const loss = tf.add(cosFaceLoss(x, y, w), centerInvariantRegularizer(w));
 */
export const centerInvariantRegularizer = /* @__PURE__ */ defineLoss<typeof inputs, ReductionOptions, object>(
  {
    id: 'xent/center-invariant-regularizer',
    name: 'centerInvariantRegularizer',
    family: 'metric',
    summary: 'Penalises the spread of the squared norms of the class weights.',
    reference: {
      title: 'Deep Face Recognition with Center Invariant Loss',
      url: 'https://dl.acm.org/doi/10.1145/3126686.3126693',
      year: 2017,
    },
    inputs,
    defaults: {},
    perExample: ({ classWeights }) => {
      const squared = tf.sum(tf.square(classWeights), 1);
      return tf.div(tf.square(tf.sub(squared, tf.mean(squared))), 4);
    },
  },
);
