import * as tf from '@tensorflow/tfjs-core';
import { defineLoss } from '@xent/core';
import { lpNorm } from '../distances/lp-norm.js';
import {
  checkClassWeights,
  classCosines,
  classWeightInputs,
  marginSoftmaxCrossEntropy,
} from '../internal/margin-softmax.js';
import {
  bindClassWeights,
  type ClassWeightFactoryOptions,
  type TrainableLoss,
} from '../internal/trainable-class-weights.js';
import type { MarginScale } from './arc-face-loss.js';
import {
  multiplicativeAngularTarget,
  type SphereFaceLossOptions,
  sphereFaceOptionSpecs,
} from './sphere-face-loss.js';

/** Options of {@link largeMarginSoftmaxLoss}: those of SphereFace (`margin` 4, `scale` 1). */
export type LargeMarginSoftmaxLossOptions = SphereFaceLossOptions;

const inputs = /* @__PURE__ */ classWeightInputs('C', 'one weight row per class (PML’s W, transposed)');

/**
 * L-Softmax, the large-margin softmax (Liu et al., ICML 2016), with the class weights as an input;
 * {@link createLargeMarginSoftmaxLoss} owns them. Logits keep both norms, ‖wⱼ‖‖xᵢ‖cos θⱼ:
 *
 *   ℓᵢ = −log( e^{s‖w_yᵢ‖‖xᵢ‖ψ(θ_yᵢ)} / (e^{s‖w_yᵢ‖‖xᵢ‖ψ(θ_yᵢ)} + Σ_{j≠yᵢ} e^{s‖wⱼ‖‖xᵢ‖cos θⱼ}) ),
 *   ψ(θ) = (−1)ᵏ cos(mθ) − 2k for θ ∈ [kπ/m, (k+1)π/m]
 *
 * (PML's `LargeMarginSoftmaxLoss`.) With m = 1 and s = 1 it is the plain softmax cross-entropy of
 * x·Wᵀ. One class gives 0 with a zero gradient.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C, D]`.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://arxiv.org/abs/1612.02295
 * @example const loss = largeMarginSoftmaxLoss(embeddings, labels, classWeights, { margin: 4 });
 */
export const largeMarginSoftmaxLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  LargeMarginSoftmaxLossOptions,
  MarginScale
>({
  id: 'xent/large-margin-softmax',
  name: 'largeMarginSoftmaxLoss',
  family: 'metric',
  summary: 'L-Softmax: a multiplicative angular margin on the target class, logits keep ‖w‖‖x‖.',
  reference: {
    title: 'Large-Margin Softmax Loss for Convolutional Neural Networks',
    url: 'https://arxiv.org/abs/1612.02295',
    year: 2016,
  },
  inputs,
  defaults: { margin: 4, scale: 1 },
  options: sphereFaceOptionSpecs,
  check: ({ labels, classWeights }, _options, context) => {
    checkClassWeights(labels, classWeights, 1, context);
  },
  perExample: ({ embeddings, labels, classWeights }, { margin, scale }) => {
    const norms = tf.mul(lpNorm(embeddings, 2, true), tf.reshape(lpNorm(classWeights, 2), [1, -1]));
    return marginSoftmaxCrossEntropy(classCosines(embeddings, classWeights), labels, {
      target: multiplicativeAngularTarget(margin),
      scale: tf.mul(norms, scale),
    });
  },
});

/**
 * {@link largeMarginSoftmaxLoss} with trainable class weights `[numClasses, embeddingSize]`,
 * initialised N(0, 1) like PML.
 *
 * @see https://arxiv.org/abs/1612.02295
 * @example
 * const { loss, variables } = createLargeMarginSoftmaxLoss({ numClasses: 10, embeddingSize: 64 });
 */
export function createLargeMarginSoftmaxLoss(
  options: ClassWeightFactoryOptions,
): TrainableLoss<LargeMarginSoftmaxLossOptions, 'classWeights'> {
  return bindClassWeights(
    'createLargeMarginSoftmaxLoss',
    'classWeights',
    largeMarginSoftmaxLoss,
    options,
    'normal',
  );
}
