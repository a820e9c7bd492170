import * as tf from '@tensorflow/tfjs-core';
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
  const { numClasses, embeddingSize } = options;
  for (const [name, value] of [
    ['numClasses', numClasses],
    ['embeddingSize', embeddingSize],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0))
      throw new RangeError(`createProxyAnchorLoss: ${name} must be a positive integer, received ${value}`);
  }
  const init = tf.randomNormal(
    [numClasses, embeddingSize],
    0,
    Math.sqrt(2 / numClasses),
    'float32',
    options.seed ?? 0,
  );
  const proxies = tf.variable(init, true, undefined, 'float32');
  init.dispose();
  return {
    loss: (embeddings, labels, lossOptions) => proxyAnchorLoss(embeddings, labels, proxies, lossOptions),
    variables: { proxies },
  };
}
