import * as tf from '@tensorflow/tfjs-core';
import { customGradient, defineLoss, type IgnoreIndexOptions, type ReductionOptions } from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { trueClassLoss } from './internal/true-class.js';

/**
 * max_k x_k − mean_k x_k per row, with the closed-form gradient 1[k = argmax] − 1/C (one broadcast and
 * one scatter instead of autodiff's equal/cast/mul and ones/mul/div passes over [N, C]).
 */
const maxMinusMean = /* @__PURE__ */ customGradient<[tf.Tensor]>(([x], save) => {
  const value = tf.tidy(() => tf.sub(tf.max(x, -1), tf.mean(x, -1)));
  save([x]);
  return {
    value,
    gradFunc: (dy, [saved]) =>
      tf.tidy(() => {
        const [rows, cols] = saved!.shape as [number, number];
        const top = tf.stack([tf.range(0, rows, 1, 'int32'), tf.argMax(saved!, -1)], 1);
        // zeros + column: a broadcasting add (tf.broadcastTo is ~50× slower on tfjs-wasm 4.22).
        const spread = tf.add(tf.zerosLike(saved!), tf.expandDims(tf.div(dy, -cols), 1));
        return tf.tensorScatterUpdate(spread, top, tf.mul(dy, 1 - 1 / cols));
      }),
  };
});

/** Options for {@link maxSupLoss}. */
export interface MaxSupLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Weight λ of the max-suppression term (the paper schedules it 0.1 → 0.2 over training). @defaultValue 0.1 */
  readonly lambda?: number;
}

/**
 * MaxSup (Zhou et al., 2025): cross-entropy plus a penalty on the top-1 logit's lead over the mean
 * logit — label smoothing's logit term with z_y replaced by max_k z_k, so it also suppresses
 * confident wrong predictions.
 *
 *   ℓᵢ = −log p_{i,yᵢ} + λ·(max_k z_ik − (1/C)·Σ_k z_ik)
 *
 * With float targets the first term is −Σ_c t_ic·log p_ic.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels int32 `[N]` ids or float32 `[N, C]` targets.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2502.15798
 * @example const loss = maxSupLoss(logits, labels, { lambda: 0.1 });
 */
export const maxSupLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  MaxSupLossOptions,
  { lambda: number }
>({
  id: 'xent/max-sup',
  name: 'maxSupLoss',
  family: 'classification',
  summary: 'Cross-entropy plus λ·(max logit − mean logit): label smoothing without representation collapse.',
  reference: {
    title: 'MaxSup: Overcoming Representation Collapse in Label Smoothing',
    url: 'https://arxiv.org/abs/2502.15798',
    year: 2025,
    authors: 'Zhou, Li, Cheng, Yan, Dong, Fritz, Keuper',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { lambda: 0.1 },
  options: { lambda: { type: 'number', min: 0, description: 'weight λ of max − mean' } },
  perExample: ({ logits, labels }, { lambda }) => {
    const crossEntropy = trueClassLoss(logits, labels, (nll) => nll);
    return lambda === 0 ? crossEntropy : tf.add(crossEntropy, tf.mul(maxMinusMean(logits), lambda));
  },
});
