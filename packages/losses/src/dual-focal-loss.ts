import * as tf from '@tensorflow/tfjs-core';
import {
  customGradient,
  defineLoss,
  type IgnoreIndexOptions,
  labelPositions,
  powNonNegative,
  type ReductionOptions,
  XentError,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

/** u^γ and γ·u^(γ−1) for u ≥ 0, with 0 where u = 0 (finite for γ < 1). */
function powers(u: tf.Tensor, gamma: number): [tf.Tensor, tf.Tensor] {
  const positive = tf.greater(u, 0);
  const logU = tf.log(tf.where(positive, u, tf.onesLike(u)));
  const value = powNonNegative(u, gamma);
  const slope =
    gamma === 0
      ? tf.zerosLike(u)
      : tf.where(positive, tf.mul(tf.exp(tf.mul(logU, gamma - 1)), gamma), tf.zerosLike(u));
  return [value, slope];
}

/**
 * The dual focal loss per row as one op with its closed-form gradient. With u = 1 − p_y + p_j,
 * w = u^γ, w′ = γu^(γ−1), L = log p_y:
 *   ∂ℓ/∂z_k = p_k·(w − L·w′·(p_y − p_j)) + 1[k = y]·(L·w′·p_y − w) − 1[k = j]·L·w′·p_j
 * computed as one softmax scaled per row plus two scattered updates (no [N, C] autodiff chain).
 * j = argmax{ z_k : z_k < z_y } (the same order as p), found from the logits.
 */
function dualFocal(gamma: number) {
  return customGradient<[tf.Tensor, tf.Tensor]>(([logits, labels], save) => {
    const value = tf.tidy(() => {
      const { rows, jRows, exists } = runnerUp(logits, labels);
      const lse = tf.logSumExp(logits, -1);
      const logpY = tf.sub(tf.gatherND(logits, rows), lse);
      const pJ = tf.mul(tf.exp(tf.sub(tf.gatherND(logits, jRows), lse)), exists);
      const [w] = powers(tf.add(tf.sub(1, tf.exp(logpY)), pJ), gamma);
      return tf.mul(tf.neg(logpY), w);
    });
    save([logits, labels]);
    return {
      value,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [input, ids] = saved as [tf.Tensor, tf.Tensor];
          const { rows, jRows, exists } = runnerUp(input, ids);
          const p = tf.softmax(input, -1);
          const pY = tf.gatherND(p, rows);
          const pJ = tf.mul(tf.gatherND(p, jRows), exists);
          const logpY = tf.sub(tf.gatherND(input, rows), tf.logSumExp(input, -1));
          const [w, slope] = powers(tf.add(tf.sub(1, pY), pJ), gamma);
          const lw = tf.mul(logpY, slope);
          const coefP = tf.mul(tf.sub(w, tf.mul(lw, tf.sub(pY, pJ))), dy);
          const coefY = tf.mul(tf.sub(tf.mul(lw, pY), w), dy);
          const coefJ = tf.mul(tf.neg(tf.mul(lw, pJ)), dy);
          const scaled = tf.mul(p, tf.expandDims(coefP, 1));
          const atY = tf.tensorScatterUpdate(scaled, rows, tf.add(tf.gatherND(scaled, rows), coefY));
          const grad = tf.tensorScatterUpdate(atY, jRows, tf.add(tf.gatherND(atY, jRows), coefJ));
          return [grad, tf.zeros(ids.shape, 'float32')];
        }),
    };
  });
}

/**
 * Positions (i, yᵢ) and (i, jᵢ) with j = argmax{ z_k : z_k < z_y } (the same order as p), and 1 where such
 * a j exists (else 0; j is then arbitrary and weighted 0). Arithmetic masks: broadcasting less/where are
 * slow on tfjs-wasm.
 *
 * No sentinel values: entries not below z_y are moved under the row's minimum by 2·(max − min) + 1, a
 * shift the size of the data, and "exists" is the max of the 0/1 mask. (A −10³⁰ sentinel broke on
 * webgl: its max reduction starts from −10²⁰, so a row with no entry below the target's read as having
 * one, whenever the data had been uploaded to the GPU.)
 */
function runnerUp(logits: tf.Tensor, ids: tf.Tensor) {
  const rows = labelPositions(ids);
  const below = tf.step(tf.sub(tf.expandDims(tf.gatherND(logits, rows), 1), logits));
  const span = tf.sub(tf.max(logits, -1, true), tf.min(logits, -1, true));
  const shift = tf.add(tf.mul(span, 2), 1);
  const candidates = tf.sub(logits, tf.mul(tf.sub(1, below), shift));
  const j = tf.cast(tf.argMax(candidates, -1), 'int32');
  const exists = tf.max(below, -1);
  return { rows, jRows: labelPositions(j), exists };
}

/** Options for {@link dualFocalLoss}. */
export interface DualFocalLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Focusing parameter γ ≥ 0; γ = 0 gives cross-entropy. @defaultValue 5 */
  readonly gamma?: number;
}

/**
 * Dual focal loss (Tao, Dong, Xu, ICML 2023): the focal weight also grows with the runner-up.
 *
 *   ℓᵢ = −(1 − p_{i,yᵢ} + p_{i,j})^γ·log p_{i,yᵢ},   p_{i,j} = max{ p_ik : p_ik < p_{i,yᵢ} } (0 if none)
 *
 * p_j is the largest probability strictly below the target's (as in the authors' code), not the
 * largest non-target one; both p_y and p_j carry gradient (closed form). Class-id labels only.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 class ids `[N]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2305.13665
 * @example const loss = dualFocalLoss(logits, labels, { gamma: 5 });
 */
export const dualFocalLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  DualFocalLossOptions,
  { gamma: number }
>({
  id: 'xent/dual-focal',
  name: 'dualFocalLoss',
  family: 'classification',
  summary: 'Focal loss whose weight (1 − p_y + p_j)^γ also counts the closest lower probability p_j.',
  reference: {
    title: 'Dual Focal Loss for Calibration',
    url: 'https://arxiv.org/abs/2305.13665',
    year: 2023,
    authors: 'Tao, Dong, Xu',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { gamma: 5 },
  options: { gamma: { type: 'number', min: 0, description: 'focusing parameter γ' } },
  check: ({ labels }, _options, { fn }) => {
    if (labels.dtype !== 'int32') {
      throw new XentError('DTYPE_MISMATCH', {
        fn,
        argument: 'labels',
        expected: 'int32 class ids [N] (p_j is defined relative to one target class)',
        received: `float32 [${labels.shape.join(', ')}]`,
      });
    }
  },
  perExample: ({ logits, labels }, { gamma }) => dualFocal(gamma)(logits, labels),
});
