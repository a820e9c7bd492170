import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
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

/** Options of {@link sphereFaceLoss} and {@link largeMarginSoftmaxLoss}. */
export interface SphereFaceLossOptions extends ReductionOptions {
  /** Integer angular multiplier m ≥ 1 (m = 1: no margin). @defaultValue 4 */
  readonly margin?: number;
  /** Extra logit scale s. @defaultValue 1 */
  readonly scale?: number;
}

const binomial = (n: number, k: number): number => {
  let value = 1;
  for (let i = 1; i <= k; i++) value = (value * (n - k + i)) / i;
  return value;
};

/**
 * The multiplicative angular target ψ(θ) = (−1)ᵏ cos(mθ) − 2k, k = ⌊mθ/π⌋ (L-Softmax, SphereFace):
 * monotone in θ on [0, π]. cos(mθ) = Σₙ (−1)ⁿ C(m, 2n) cᵐ⁻²ⁿ (1 − c²)ⁿ (no `acos`);
 * k = #{j ∈ 1..m : c < cos(jπ/m)} is a constant to autodiff.
 */
export function multiplicativeAngularTarget(margin: number): (cosine: tf.Tensor) => tf.Tensor {
  return (c) => {
    const sin2 = tf.sub(1, tf.square(c));
    let cosMTheta: tf.Tensor = tf.zerosLike(c);
    for (let n = 0; 2 * n <= margin; n++) {
      let term: tf.Tensor = tf.fill(c.shape, (-1) ** n * binomial(margin, 2 * n));
      for (let p = 0; p < margin - 2 * n; p++) term = tf.mul(term, c);
      for (let p = 0; p < n; p++) term = tf.mul(term, sin2);
      cosMTheta = tf.add(cosMTheta, term);
    }
    let k: tf.Tensor = tf.zerosLike(c);
    for (let j = 1; j <= margin; j++) k = tf.add(k, tf.step(tf.sub(Math.cos((j * Math.PI) / margin), c)));
    const sign = tf.sub(1, tf.mul(2, tf.sub(k, tf.mul(2, tf.floor(tf.div(k, 2))))));
    return tf.sub(tf.mul(sign, cosMTheta), tf.mul(2, k));
  };
}

/** Option metadata shared with L-Softmax. */
export const sphereFaceOptionSpecs = {
  margin: { type: 'number', min: 1, integer: true, description: 'angular multiplier m' },
  scale: { type: 'number', min: 0, exclusiveMin: true, description: 'logit scale s' },
} as const;

const inputs = /* @__PURE__ */ classWeightInputs('C', 'one weight row per class (PML’s W, transposed)');

/**
 * SphereFace, the multiplicative angular margin A-Softmax (Liu et al., CVPR 2017), with the class
 * weights as an input; {@link createSphereFaceLoss} owns them. With cos θⱼ = x̂ᵢ·ŵⱼ (weights
 * normalised, the embedding's norm kept):
 *
 *   ℓᵢ = −log( e^{s‖xᵢ‖ψ(θ_yᵢ)} / (e^{s‖xᵢ‖ψ(θ_yᵢ)} + Σ_{j≠yᵢ} e^{s‖xᵢ‖cos θⱼ}) ),
 *   ψ(θ) = (−1)ᵏ cos(mθ) − 2k for θ ∈ [kπ/m, (k+1)π/m]
 *
 * (PML's `SphereFaceLoss`, without the paper's annealing λ.) One class gives 0 with a zero gradient; a
 * zero embedding gives log C.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C, D]`.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://arxiv.org/abs/1704.08063
 * @example const loss = sphereFaceLoss(embeddings, labels, classWeights, { margin: 4 });
 */
export const sphereFaceLoss = /* @__PURE__ */ defineLoss<typeof inputs, SphereFaceLossOptions, MarginScale>({
  id: 'xent/sphereface',
  name: 'sphereFaceLoss',
  family: 'metric',
  summary: 'A-Softmax: a multiplicative angular margin on the target class, logits scaled by ‖x‖.',
  reference: {
    title: 'SphereFace: Deep Hypersphere Embedding for Face Recognition',
    url: 'https://arxiv.org/abs/1704.08063',
    year: 2017,
  },
  inputs,
  defaults: { margin: 4, scale: 1 },
  options: sphereFaceOptionSpecs,
  check: ({ labels, classWeights }, _options, context) => {
    checkClassWeights(labels, classWeights, 1, context);
  },
  perExample: ({ embeddings, labels, classWeights }, { margin, scale }) =>
    marginSoftmaxCrossEntropy(classCosines(embeddings, classWeights), labels, {
      target: multiplicativeAngularTarget(margin),
      scale: tf.mul(lpNorm(embeddings, 2, true), scale),
    }),
});

/**
 * {@link sphereFaceLoss} with trainable class weights `[numClasses, embeddingSize]`, initialised
 * N(0, 1) like PML.
 *
 * @see https://arxiv.org/abs/1704.08063
 * @example
 * const { loss, variables } = createSphereFaceLoss({ numClasses: 10, embeddingSize: 64 });
 */
export function createSphereFaceLoss(
  options: ClassWeightFactoryOptions,
): TrainableLoss<SphereFaceLossOptions, 'classWeights'> {
  return bindClassWeights('createSphereFaceLoss', 'classWeights', sphereFaceLoss, options, 'normal');
}
