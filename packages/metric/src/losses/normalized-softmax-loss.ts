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

/** Options of {@link normalizedSoftmaxLoss}. */
export interface NormalizedSoftmaxLossOptions extends ReductionOptions {
  /** Temperature τ. @defaultValue 0.05 */
  readonly temperature?: number;
}

const inputs = /* @__PURE__ */ classWeightInputs('C', 'one weight row per class (PML’s W, transposed)');

/**
 * Normalised softmax (Zhai & Wu, "Classification is a Strong Baseline for Deep Metric Learning",
 * BMVC 2019), with the class weights as an input; {@link createNormalizedSoftmaxLoss} owns them:
 *
 *   ℓᵢ = −log softmax(x̂ᵢ·Ŵᵀ / τ)_yᵢ   (rows of x and W L2-normalised)
 *
 * (PML's `NormalizedSoftmaxLoss` with its default normalising `DotProductSimilarity`.) One class gives
 * 0 with a zero gradient.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C).
 * @param classWeights float32 `[C, D]`.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://arxiv.org/abs/1811.12649
 * @example const loss = normalizedSoftmaxLoss(embeddings, labels, classWeights, { temperature: 0.05 });
 */
export const normalizedSoftmaxLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  NormalizedSoftmaxLossOptions,
  { temperature: number }
>({
  id: 'xent/normalized-softmax',
  name: 'normalizedSoftmaxLoss',
  family: 'metric',
  summary: 'Softmax cross-entropy over temperature-scaled cosines to normalised class weights.',
  reference: {
    title: 'Classification is a Strong Baseline for Deep Metric Learning',
    url: 'https://arxiv.org/abs/1811.12649',
    year: 2019,
  },
  inputs,
  defaults: { temperature: 0.05 },
  options: { temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'temperature τ' } },
  check: ({ labels, classWeights }, _options, context) => {
    checkClassWeights(labels, classWeights, 1, context);
  },
  perExample: ({ embeddings, labels, classWeights }, { temperature }) =>
    marginSoftmaxCrossEntropy(classCosines(embeddings, classWeights), labels, { scale: 1 / temperature }),
});

/**
 * {@link normalizedSoftmaxLoss} with trainable class weights `[numClasses, embeddingSize]`,
 * initialised N(0, 1) like PML.
 *
 * @see https://arxiv.org/abs/1811.12649
 * @example
 * const { loss, variables } = createNormalizedSoftmaxLoss({ numClasses: 10, embeddingSize: 64 });
 */
export function createNormalizedSoftmaxLoss(
  options: ClassWeightFactoryOptions,
): TrainableLoss<NormalizedSoftmaxLossOptions, 'classWeights'> {
  return bindClassWeights(
    'createNormalizedSoftmaxLoss',
    'classWeights',
    normalizedSoftmaxLoss,
    options,
    'normal',
  );
}
