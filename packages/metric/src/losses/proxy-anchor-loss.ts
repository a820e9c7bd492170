import * as tf from '@tensorflow/tfjs-core';
import { checkClassIds, defineLoss, dotProduct, l2Normalize, oneHot } from '@xent/core';
import { logOnePlusSumExp } from '../internal/log-one-plus.js';

/** Options of {@link proxyAnchorLoss}. */
export interface ProxyAnchorLossOptions {
  /** Margin δ. @defaultValue 0.1 */
  readonly margin?: number;
  /** Scale α. @defaultValue 32 */
  readonly alpha?: number;
  /** @defaultValue true */
  readonly validate?: boolean;
}

const inputs = [
  { name: 'embeddings', dtype: 'float32', shape: ['B', 'D'], description: 'embeddings' },
  { name: 'labels', dtype: 'int32', shape: ['B'], description: 'class ids in [0, C)' },
  { name: 'proxies', dtype: 'float32', shape: ['C', 'D'], description: 'one proxy per class' },
] as const;

/**
 * Proxy-Anchor loss (Kim et al., CVPR 2020) with the proxies as an input; see
 * {@link createProxyAnchorLoss} for the trainable version. With s(x, p) the cosine similarity:
 *
 *   L = (1/|P⁺|) Σ_{p∈P⁺} log(1 + Σ_{x∈X_p⁺} e^{−α(s(x,p) − δ)}) + (1/C) Σ_p log(1 + Σ_{x∈X_p⁻} e^{α(s(x,p) + δ)})
 *
 * P⁺ = proxies with at least one positive in the batch.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]` in [0, C).  @param proxies float32 `[C, D]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2003.13911
 * @example const loss = proxyAnchorLoss(embeddings, labels, proxies, { margin: 0.1, alpha: 32 });
 */
export const proxyAnchorLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  ProxyAnchorLossOptions,
  { margin: number; alpha: number }
>({
  id: 'xent/proxy-anchor',
  name: 'proxyAnchorLoss',
  family: 'metric',
  summary: 'Proxies act as anchors: each pulls its class and pushes all others, with soft weights.',
  reference: {
    title: 'Proxy Anchor Loss for Deep Metric Learning',
    url: 'https://arxiv.org/abs/2003.13911',
    year: 2020,
  },
  inputs,
  defaults: { margin: 0.1, alpha: 32 },
  options: {
    margin: { type: 'number', description: 'margin δ' },
    alpha: { type: 'number', min: 0, exclusiveMin: true, description: 'scale α' },
  },
  check: ({ labels, proxies }, _options, context) => {
    if (context.validate) checkClassIds(context.fn, 'labels', labels, proxies.shape[0]!);
  },
  batch: ({ embeddings, labels, proxies }, { margin, alpha }) => {
    const classes = proxies.shape[0]!;
    const cosine = dotProduct(l2Normalize(proxies), l2Normalize(embeddings)); // [C, B]
    const member = tf.transpose(oneHot(labels, classes)); // [C, B]
    const pos = logOnePlusSumExp(tf.mul(tf.sub(cosine, margin), -alpha), member);
    const neg = logOnePlusSumExp(tf.mul(tf.add(cosine, margin), alpha), tf.sub(1, member));
    const withPositives = tf.sum(tf.step(tf.sum(member, 1)));
    return tf.add(tf.div(tf.sum(pos), tf.maximum(withPositives, 1)), tf.div(tf.sum(neg), classes));
  },
});
