import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, l2Normalize, type ReductionOptions, squaredL2 } from '@xent/core';
import { checkClassWeights, marginSoftmaxCrossEntropy } from '../internal/margin-softmax.js';
import {
  bindClassWeights,
  type ClassWeightFactoryOptions,
  type TrainableLoss,
} from '../internal/trainable-class-weights.js';

/** Options of {@link proxyNcaLoss}. */
export interface ProxyNcaLossOptions extends ReductionOptions {
  /** Softmax scale (inverse temperature) on the negated squared distances. @defaultValue 1 */
  readonly softmaxScale?: number;
}

const inputs = [
  { name: 'embeddings', dtype: 'float32', shape: ['B', 'D'], description: 'embeddings' },
  { name: 'labels', dtype: 'int32', shape: ['B'], description: 'class ids in [0, C)' },
  { name: 'proxies', dtype: 'float32', shape: ['C', 'D'], description: 'one proxy per class' },
] as const;

/**
 * ProxyNCA (Movshovitz-Attias et al., ICCV 2017), with the proxies as an input;
 * {@link createProxyNcaLoss} owns them. NCA's neighbour softmax over the class proxies instead of the
 * batch, on squared Euclidean distances of L2-normalised rows:
 *
 *   ℓᵢ = −log( e^{−σ‖x̂ᵢ − p̂_yᵢ‖²} / Σⱼ e^{−σ‖x̂ᵢ − p̂ⱼ‖²} )
 *
 * (PML's `ProxyNCALoss` with its default `LpDistance(power=2)`; where PML drops a row whose
 * probability underflows to 0, this returns its finite log-space value.) One class gives 0 with a zero
 * gradient.
 *
 * @param embeddings float32 `[B, D]`. @param labels int32 `[B]` in [0, C). @param proxies float32 `[C, D]`.
 * @returns per-example float32 `[B]` with `reduction: 'none'`, else a scalar (mean by default).
 * @see https://arxiv.org/abs/1703.07464
 * @example const loss = proxyNcaLoss(embeddings, labels, proxies, { softmaxScale: 1 });
 */
export const proxyNcaLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  ProxyNcaLossOptions,
  { softmaxScale: number }
>({
  id: 'xent/proxy-nca',
  name: 'proxyNcaLoss',
  family: 'metric',
  summary: 'NCA over class proxies: softmax of negative squared distances to each proxy.',
  reference: {
    title: 'No Fuss Distance Metric Learning using Proxies',
    url: 'https://arxiv.org/abs/1703.07464',
    year: 2017,
  },
  inputs,
  defaults: { softmaxScale: 1 },
  options: {
    softmaxScale: { type: 'number', min: 0, exclusiveMin: true, description: 'softmax scale σ' },
  },
  check: ({ labels, proxies }, _options, context) => {
    checkClassWeights(labels, proxies, 1, context);
  },
  perExample: ({ embeddings, labels, proxies }, { softmaxScale }) =>
    marginSoftmaxCrossEntropy(tf.neg(squaredL2(l2Normalize(embeddings), l2Normalize(proxies))), labels, {
      scale: softmaxScale,
    }),
});

/**
 * {@link proxyNcaLoss} with trainable proxies `[numClasses, embeddingSize]`, initialised N(0, 1) like
 * PML.
 *
 * @see https://arxiv.org/abs/1703.07464
 * @example
 * const { loss, variables } = createProxyNcaLoss({ numClasses: 10, embeddingSize: 64 });
 * optimizer.minimize(() => loss(model.apply(x) as tf.Tensor, y) as tf.Scalar); // updates variables.proxies
 */
export function createProxyNcaLoss(
  options: ClassWeightFactoryOptions,
): TrainableLoss<ProxyNcaLossOptions, 'proxies'> {
  return bindClassWeights('createProxyNcaLoss', 'proxies', proxyNcaLoss, options, 'normal');
}
