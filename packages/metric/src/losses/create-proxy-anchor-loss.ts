import {
  bindClassWeights,
  type ClassWeightFactoryOptions,
  type TrainableLoss,
} from '../internal/trainable-class-weights.js';
import { type ProxyAnchorLossOptions, proxyAnchorLoss } from './proxy-anchor-loss.js';

/** Options of {@link createProxyAnchorLoss}: `numClasses`, `embeddingSize`, `seed` (default 0). */
export type CreateProxyAnchorLossOptions = ClassWeightFactoryOptions;

/** A Proxy-Anchor loss bound to its proxy variable (`variables.proxies`, `[numClasses, embeddingSize]`). */
export type ProxyAnchorLossWithProxies = TrainableLoss<ProxyAnchorLossOptions, 'proxies'>;

/**
 * Proxy-Anchor loss with trainable proxies, initialised like PML (Kaiming normal, fan-out:
 * N(0, 2/numClasses)). Train them with the same optimizer as the model (the paper uses a 100× larger
 * learning rate for proxies). A non-positive or non-integer size throws `INVALID_OPTION`.
 *
 * @see https://arxiv.org/abs/2003.13911
 * @example
 * const { loss, variables } = createProxyAnchorLoss({ numClasses: 100, embeddingSize: 128 });
 * optimizer.minimize(() => loss(model.predict(x) as tf.Tensor, y) as tf.Scalar);
 */
export function createProxyAnchorLoss(options: CreateProxyAnchorLossOptions): ProxyAnchorLossWithProxies {
  return bindClassWeights(
    'createProxyAnchorLoss',
    'proxies',
    proxyAnchorLoss,
    options,
    'kaimingNormalFanOut',
  );
}
