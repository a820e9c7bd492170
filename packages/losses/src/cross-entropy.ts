import * as tf from '@tensorflow/tfjs-core';
import {
  defineLoss,
  type IgnoreIndexOptions,
  isClassIds,
  type ReductionOptions,
  readSyncIfPossible,
  rowLogSumExp,
  sparseSoftmaxCrossEntropy,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

/** Options for {@link crossEntropyLoss}. */
export interface CrossEntropyLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Label smoothing ε ∈ [0, 1]: targets become (1 − ε)·t + ε/C. @defaultValue 0 */
  readonly labelSmoothing?: number;
  /** Per-class weights `[C]` (≥ 0): ℓ = −Σ_c w_c t_c log p_c (PyTorch's `weight`). @defaultValue none */
  readonly classWeights?: TensorInput;
  /** The PaLM auxiliary z-loss coefficient λ: adds λ·(log Z)², Z = Σ_c exp(z_c). @defaultValue 0 */
  readonly logZPenalty?: number;
}

type Defaults = { labelSmoothing: number; logZPenalty: number };

/**
 * Softmax cross-entropy from logits, with int32 class ids (no one-hot is built) or float targets.
 *
 *   ℓᵢ = −Σ_c w_c t'_ic log softmax(zᵢ)_c + λ·(log Σ_c exp z_ic)²,   t' = (1 − ε)·tᵢ + ε/C
 *
 * (tᵢ the one-hot row of yᵢ for ids; w = 1 without `classWeights`). With ids and no smoothing,
 * weights or penalty, ℓᵢ = log Σ_c exp z_ic − z_i,yᵢ with the closed-form gradient softmax − one-hot
 * (core's `sparseSoftmaxCrossEntropy`). Class weights multiply per-example losses; `'mean'` divides by
 * N (or by Σ `weights`), not by Σ w_yᵢ as PyTorch does: pass `weights` to weight the denominator.
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1512.00567 (label smoothing), https://arxiv.org/abs/2204.02311 (z-loss)
 * @example const loss = crossEntropyLoss(logits, labels, { labelSmoothing: 0.1, logZPenalty: 1e-4 });
 */
export const crossEntropyLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  CrossEntropyLossOptions,
  Defaults
>({
  id: 'xent/cross-entropy',
  name: 'crossEntropyLoss',
  family: 'classification',
  summary: 'Softmax cross-entropy with int labels (no one-hot), label smoothing, class weights and z-loss.',
  reference: {
    title: 'Rethinking the Inception Architecture for Computer Vision (label smoothing)',
    url: 'https://arxiv.org/abs/1512.00567',
    year: 2016,
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { labelSmoothing: 0, logZPenalty: 0 },
  options: {
    labelSmoothing: { type: 'number', min: 0, max: 1, description: 'label smoothing ε' },
    classWeights: { type: 'other', description: 'per-class weights [C], ≥ 0' },
    logZPenalty: { type: 'number', min: 0, description: 'z-loss coefficient λ on (log Z)²' },
  },
  check: (_inputs, { classWeights }, { fn, numClasses, validate }) => {
    if (classWeights === undefined) return;
    const weights = toTensor(classWeights, fn, 'options.classWeights', 'float32');
    const bad = weights.rank !== 1 || weights.shape[0] !== numClasses;
    const data = !bad && validate ? readSyncIfPossible(weights) : undefined;
    const negative = data ? Array.from(data).findIndex((w) => !(w >= 0) || !Number.isFinite(w)) : -1;
    if (bad || negative >= 0) {
      throw new XentError(bad ? 'SHAPE_MISMATCH' : 'INVALID_OPTION', {
        fn,
        argument: 'options.classWeights',
        expected: `finite weights ≥ 0 of shape [${numClasses}]`,
        received: bad ? `shape [${weights.shape.join(', ')}]` : `${data?.[negative]} at [${negative}]`,
      });
    }
  },
  perExample: ({ logits, labels }, { labelSmoothing, classWeights, logZPenalty }, { fn, numClasses }) => {
    const C = numClasses!;
    const weights =
      classWeights === undefined ? undefined : toTensor(classWeights, fn, 'options.classWeights', 'float32');
    // One shared log Z (closed-form softmax gradient) for the smoothing and z-loss terms.
    const lse = labelSmoothing > 0 || logZPenalty > 0 ? rowLogSumExp(logits) : undefined;
    let loss: tf.Tensor;
    if (isClassIds(labels)) {
      const nll = sparseSoftmaxCrossEntropy(logits, labels);
      loss = weights ? tf.mul(tf.gather(weights, labels), nll) : nll;
      if (labelSmoothing > 0) {
        // (1 − ε)·w_y·(lse − z_y) + (ε/C)·Σ_c w_c (lse − z_c)
        const uniform = weights
          ? tf.sub(
              tf.mul(lse!, tf.sum(weights)),
              tf.squeeze(tf.matMul(logits, tf.expandDims(weights, 1)), [1]),
            )
          : tf.sub(tf.mul(lse!, C), tf.sum(logits, -1));
        loss = tf.add(tf.mul(loss, 1 - labelSmoothing), tf.mul(uniform, labelSmoothing / C));
      }
    } else {
      const smoothed =
        labelSmoothing > 0 ? tf.add(tf.mul(labels, 1 - labelSmoothing), labelSmoothing / C) : labels;
      const weighted = weights ? tf.mul(smoothed, weights) : smoothed;
      loss = tf.neg(tf.sum(tf.mul(weighted, tf.logSoftmax(logits, -1)), -1));
    }
    if (logZPenalty > 0) loss = tf.add(loss, tf.mul(tf.square(lse!), logZPenalty));
    return loss;
  },
});
