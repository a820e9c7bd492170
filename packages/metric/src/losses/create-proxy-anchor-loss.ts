import * as tf from '@tensorflow/tfjs-core';
import { type OptionSchema, resolveOptions, seededNormal } from '@xent/core';
import { type ProxyAnchorLossOptions, proxyAnchorLoss } from './proxy-anchor-loss.js';

/** Options of {@link createProxyAnchorLoss}. */
export interface CreateProxyAnchorLossOptions {
  readonly numClasses: number;
  readonly embeddingSize: number;
  /** Seed of the proxies' initialisation. @defaultValue 0 */
  readonly seed?: number;
}

/** A Proxy-Anchor loss bound to its proxy variable. */
export interface ProxyAnchorLossWithProxies {
  readonly loss: (
    embeddings: tf.Tensor | tf.TensorLike,
    labels: tf.Tensor | tf.TensorLike,
    options?: ProxyAnchorLossOptions,
  ) => tf.Tensor;
  /** `proxies`: float32 `[numClasses, embeddingSize]`, trainable. Dispose it when done. */
  readonly variables: { readonly proxies: tf.Variable };
}

const OPTIONS: OptionSchema<CreateProxyAnchorLossOptions> = {
  numClasses: { type: 'number', min: 1, integer: true, required: true, description: 'number of classes' },
  embeddingSize: { type: 'number', min: 1, integer: true, required: true, description: 'embedding size' },
  seed: { type: 'number', integer: true, description: 'seed of the proxies (0 is a seed)' },
};

/**
 * Proxy-Anchor loss with trainable proxies, initialised like PML (Kaiming normal, fan-out:
 * N(0, 2/numClasses)). Train them with the same optimizer as the model (the paper uses a 100× larger
 * learning rate for proxies).
 *
 * @see https://arxiv.org/abs/2003.13911
 * @example
 * const { loss, variables } = createProxyAnchorLoss({ numClasses: 100, embeddingSize: 128 });
 * optimizer.minimize(() => loss(model.predict(x) as tf.Tensor, y) as tf.Scalar);
 */
export function createProxyAnchorLoss(options: CreateProxyAnchorLossOptions): ProxyAnchorLossWithProxies {
  const { numClasses, embeddingSize, seed } = resolveOptions('createProxyAnchorLoss', OPTIONS, options, {
    seed: 0,
  });
  const proxies = tf.tidy(() =>
    tf.variable(seededNormal([numClasses, embeddingSize], seed, 0, Math.sqrt(2 / numClasses)), true),
  );
  return {
    loss: (embeddings, labels, lossOptions) => proxyAnchorLoss(embeddings, labels, proxies, lossOptions),
    variables: { proxies },
  };
}
