import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
import {
  checkClassWeights,
  classCosines,
  classWeightInputs,
  marginSoftmaxCrossEntropy,
  perClassCenters,
} from '../internal/margin-softmax.js';
import {
  bindClassWeights,
  type ClassWeightFactoryOptions,
  type TrainableLoss,
} from '../internal/trainable-class-weights.js';

/** Options of {@link softTripleLoss}. */
export interface SoftTripleLossOptions extends ReductionOptions {
  /** Centres per class K; `centers` has C·K rows. @defaultValue 10 */
  readonly centersPerClass?: number;
  /** Logit scale λ. @defaultValue 20 */
  readonly la?: number;
  /** Temperature γ of the softmax over a class's centres (PML divides by it). @defaultValue 0.1 */
  readonly gamma?: number;
  /** Margin δ subtracted from the target class's similarity. @defaultValue 0.01 */
  readonly margin?: number;
}

const inputs = /* @__PURE__ */ classWeightInputs('CK', 'K centres per class, class c in rows [c·K, (c+1)·K)');

/**
 * SoftTriple loss (Qian et al., ICCV 2019), with the centres as an input; {@link createSoftTripleLoss}
 * owns them. With s_{c,k} = x̂ᵢ·ŵ_{c,k} (rows L2-normalised) and each class's relaxed similarity
 *
 *   S_c = Σₖ softmaxₖ(s_{c,·}/γ)·s_{c,k},   ℓᵢ = −log( e^{λ(S_yᵢ − δ)} / (e^{λ(S_yᵢ − δ)} + Σ_{c≠yᵢ} e^{λS_c}) )
 *
 * (PML's `SoftTripleLoss`: the paper's centre-merging regulariser is not included — add a weight
 * regulariser to the centres if wanted.) One class gives 0 with a zero gradient.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C·K, D]`, the centres of class c in rows c·K … c·K + K − 1.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://arxiv.org/abs/1909.05235
 * @example const loss = softTripleLoss(embeddings, labels, centers, { centersPerClass: 10 });
 */
export const softTripleLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  SoftTripleLossOptions,
  { centersPerClass: number; la: number; gamma: number; margin: number }
>({
  id: 'xent/soft-triple',
  name: 'softTripleLoss',
  family: 'metric',
  summary: 'Several centres per class, softly pooled, in a margin softmax: triplets without sampling.',
  reference: {
    title: 'SoftTriple Loss: Deep Metric Learning Without Triplet Sampling',
    url: 'https://arxiv.org/abs/1909.05235',
    year: 2019,
  },
  inputs,
  defaults: { centersPerClass: 10, la: 20, gamma: 0.1, margin: 0.01 },
  options: {
    centersPerClass: { type: 'number', min: 1, integer: true, description: 'centres per class K' },
    la: { type: 'number', min: 0, exclusiveMin: true, description: 'logit scale λ' },
    gamma: { type: 'number', min: 0, exclusiveMin: true, description: 'centre softmax temperature γ' },
    margin: { type: 'number', description: 'margin δ' },
  },
  check: ({ labels, classWeights }, { centersPerClass }, context) => {
    checkClassWeights(labels, classWeights, centersPerClass, context);
  },
  perExample: ({ embeddings, labels, classWeights }, { centersPerClass, la, gamma, margin }) => {
    const centers = perClassCenters(classCosines(embeddings, classWeights), centersPerClass); // [B, C, K]
    const relaxed = tf.sum(tf.mul(tf.softmax(tf.div(centers, gamma), -1), centers), -1); // [B, C]
    return marginSoftmaxCrossEntropy(relaxed, labels, { target: (s) => tf.sub(s, margin), scale: la });
  },
});

/** Options of {@link createSoftTripleLoss}. */
export interface CreateSoftTripleLossOptions extends ClassWeightFactoryOptions {
  /** Centres per class K (pass the same to the loss). @defaultValue 10 */
  readonly centersPerClass?: number;
}

/**
 * {@link softTripleLoss} with trainable centres `[numClasses·K, embeddingSize]`, initialised
 * U(±1/√(C·K)) like PML (`kaiming_uniform_(a=√5)`); the bound loss passes `centersPerClass` itself.
 *
 * @see https://arxiv.org/abs/1909.05235
 * @example
 * const { loss, variables } = createSoftTripleLoss({ numClasses: 10, embeddingSize: 64, centersPerClass: 4 });
 */
export function createSoftTripleLoss(
  options: CreateSoftTripleLossOptions,
): TrainableLoss<Omit<SoftTripleLossOptions, 'centersPerClass'>, 'classWeights'> {
  const centersPerClass = options.centersPerClass ?? 10;
  return bindClassWeights(
    'createSoftTripleLoss',
    'classWeights',
    (embeddings, labels, weights, lossOptions?: Omit<SoftTripleLossOptions, 'centersPerClass'>) =>
      softTripleLoss(embeddings, labels, weights, { ...lossOptions, centersPerClass }),
    options,
    'kaimingUniform',
    ['centersPerClass', centersPerClass],
  );
}
