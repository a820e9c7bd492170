import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions, safeSqrt } from '@xent/core';
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

/** Options of {@link arcFaceLoss}. */
export interface ArcFaceLossOptions extends ReductionOptions {
  /** Additive angular margin m, in **degrees** (PML's unit; 28.6° ≈ 0.5 rad). @defaultValue 28.6 */
  readonly margin?: number;
  /** Logit scale s. @defaultValue 64 */
  readonly scale?: number;
}

/** Options of the margin/scale losses, as resolved by `defineLoss`. */
export interface MarginScale {
  margin: number;
  scale: number;
}

/**
 * ArcFace's target score ψ(cos θ) = cos(θ + m) while θ + m ≤ π, else cos θ − m·sin m (keeps ψ
 * decreasing in θ), written without `acos`: cos(θ + m) = c·cos m − √(1 − c²)·sin m, and θ ≤ π − m ⟺
 * c > −cos m. The gradient stays finite at c = ±1.
 */
export function arcFaceTarget(marginDegrees: number): (cosine: tf.Tensor) => tf.Tensor {
  const m = (marginDegrees * Math.PI) / 180;
  return (c) => {
    const rotated = tf.sub(
      tf.mul(c, Math.cos(m)),
      tf.mul(safeSqrt(tf.relu(tf.sub(1, tf.square(c)))), Math.sin(m)),
    );
    const linear = tf.sub(c, m * Math.sin(m));
    const inRange = tf.step(tf.add(c, Math.cos(m)));
    return tf.add(tf.mul(inRange, rotated), tf.mul(tf.sub(1, inRange), linear));
  };
}

/** Option metadata shared by ArcFace and sub-center ArcFace. */
export const arcFaceOptionSpecs = {
  margin: { type: 'number', min: 0, max: 180, exclusiveMax: true, description: 'angular margin m (degrees)' },
  scale: { type: 'number', min: 0, exclusiveMin: true, description: 'logit scale s' },
} as const;

const inputs = /* @__PURE__ */ classWeightInputs('C', 'one weight row per class (PML’s W, transposed)');

/**
 * ArcFace, the additive angular margin loss (Deng et al., CVPR 2019), with the class weights as an
 * input; {@link createArcFaceLoss} owns them as a trainable variable. With cos θⱼ = x̂ᵢ·ŵⱼ (both rows
 * L2-normalised):
 *
 *   ℓᵢ = −log( e^{s·ψ(θ_yᵢ)} / (e^{s·ψ(θ_yᵢ)} + Σ_{j≠yᵢ} e^{s·cos θⱼ}) ),
 *   ψ(θ) = cos(θ + m) if θ ≤ π − m, else cos θ − m·sin m
 *
 * (PML's `ArcFaceLoss`; its weights `W` are `[D, C]`, ours are rows `[C, D]`.) One class gives 0 with a
 * zero gradient; a zero embedding row has cos θ = 0 for every class.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C, D]`, one row per class.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://arxiv.org/abs/1801.07698
 * @example const loss = arcFaceLoss(embeddings, labels, classWeights, { margin: 28.6, scale: 64 });
 */
export const arcFaceLoss = /* @__PURE__ */ defineLoss<typeof inputs, ArcFaceLossOptions, MarginScale>({
  id: 'xent/arcface',
  name: 'arcFaceLoss',
  family: 'metric',
  summary: 'Softmax over cosines to class weights with an additive angular margin on the target class.',
  reference: {
    title: 'ArcFace: Additive Angular Margin Loss for Deep Face Recognition',
    url: 'https://arxiv.org/abs/1801.07698',
    year: 2019,
  },
  inputs,
  defaults: { margin: 28.6, scale: 64 },
  options: arcFaceOptionSpecs,
  check: ({ labels, classWeights }, _options, context) => {
    checkClassWeights(labels, classWeights, 1, context);
  },
  perExample: ({ embeddings, labels, classWeights }, { margin, scale }) =>
    marginSoftmaxCrossEntropy(classCosines(embeddings, classWeights), labels, {
      target: arcFaceTarget(margin),
      scale,
    }),
});

/**
 * {@link arcFaceLoss} with trainable class weights `[numClasses, embeddingSize]`, initialised N(0, 1)
 * like PML. Train them with the model's optimizer (`optimizer.minimize` updates every trainable
 * variable it reaches).
 *
 * @see https://arxiv.org/abs/1801.07698
 * @example
 * const { loss, variables } = createArcFaceLoss({ numClasses: 10, embeddingSize: 64 });
 * optimizer.minimize(() => loss(model.apply(x) as tf.Tensor, y) as tf.Scalar);
 * variables.classWeights.dispose(); // when done
 */
export function createArcFaceLoss(
  options: ClassWeightFactoryOptions,
): TrainableLoss<ArcFaceLossOptions, 'classWeights'> {
  return bindClassWeights('createArcFaceLoss', 'classWeights', arcFaceLoss, options, 'normal');
}
