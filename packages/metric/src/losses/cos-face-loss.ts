import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
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

/** Options of {@link cosFaceLoss}. */
export interface CosFaceLossOptions extends ReductionOptions {
  /** Additive cosine margin m. @defaultValue 0.35 */
  readonly margin?: number;
  /** Logit scale s. @defaultValue 64 */
  readonly scale?: number;
}

const inputs = /* @__PURE__ */ classWeightInputs('C', 'one weight row per class (PML’s W, transposed)');

/**
 * CosFace / AM-Softmax, the large margin cosine loss (Wang et al., CVPR 2018), with the class weights
 * as an input; {@link createCosFaceLoss} owns them. With cos θⱼ = x̂ᵢ·ŵⱼ (rows L2-normalised):
 *
 *   ℓᵢ = −log( e^{s(cos θ_yᵢ − m)} / (e^{s(cos θ_yᵢ − m)} + Σ_{j≠yᵢ} e^{s·cos θⱼ}) )
 *
 * (PML's `CosFaceLoss`.) One class gives 0 with a zero gradient.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C, D]`.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://arxiv.org/abs/1801.09414
 * @example const loss = cosFaceLoss(embeddings, labels, classWeights, { margin: 0.35, scale: 64 });
 */
export const cosFaceLoss = /* @__PURE__ */ defineLoss<typeof inputs, CosFaceLossOptions, MarginScale>({
  id: 'xent/cosface',
  name: 'cosFaceLoss',
  family: 'metric',
  summary: 'Softmax over cosines to class weights with an additive cosine margin on the target class.',
  reference: {
    title: 'CosFace: Large Margin Cosine Loss for Deep Face Recognition',
    url: 'https://arxiv.org/abs/1801.09414',
    year: 2018,
  },
  inputs,
  defaults: { margin: 0.35, scale: 64 },
  options: {
    margin: { type: 'number', description: 'cosine margin m' },
    scale: { type: 'number', min: 0, exclusiveMin: true, description: 'logit scale s' },
  },
  check: ({ labels, classWeights }, _options, context) => {
    checkClassWeights(labels, classWeights, 1, context);
  },
  perExample: ({ embeddings, labels, classWeights }, { margin, scale }) =>
    marginSoftmaxCrossEntropy(classCosines(embeddings, classWeights), labels, {
      target: (c) => tf.sub(c, margin),
      scale,
    }),
});

/**
 * {@link cosFaceLoss} with trainable class weights `[numClasses, embeddingSize]`, initialised N(0, 1)
 * like PML.
 *
 * @see https://arxiv.org/abs/1801.09414
 * @example
 * const { loss, variables } = createCosFaceLoss({ numClasses: 10, embeddingSize: 64 });
 * optimizer.minimize(() => loss(model.apply(x) as tf.Tensor, y) as tf.Scalar);
 */
export function createCosFaceLoss(
  options: ClassWeightFactoryOptions,
): TrainableLoss<CosFaceLossOptions, 'classWeights'> {
  return bindClassWeights('createCosFaceLoss', 'classWeights', cosFaceLoss, options, 'normal');
}
