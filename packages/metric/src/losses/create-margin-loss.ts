import * as tf from '@tensorflow/tfjs-core';
import { type OptionSchema, resolveOptions } from '@xent/core';
import { type MarginLossOptions, marginLoss } from './margin-loss.js';

/** Options of {@link createMarginLoss}. */
export interface CreateMarginLossOptions {
  /** One β per class when set; a single β otherwise. @defaultValue undefined */
  readonly numClasses?: number;
  /** Initial β. @defaultValue 1.2 */
  readonly beta?: number;
  /** Whether β is trainable (a `tf.Variable` your optimizer updates). @defaultValue true */
  readonly learnBeta?: boolean;
}

/** A margin loss bound to its β variable. */
export interface MarginLossWithBeta {
  /** {@link marginLoss} with `beta` set to the variable. */
  readonly loss: (
    embeddings: tf.Tensor | tf.TensorLike,
    labels: tf.Tensor | tf.TensorLike,
    options?: Omit<MarginLossOptions, 'beta'>,
  ) => tf.Tensor;
  /** `beta`: float32 `[1]` or `[numClasses]`. Dispose it when done. */
  readonly variables: { readonly beta: tf.Variable };
}

const OPTIONS: OptionSchema<CreateMarginLossOptions> = {
  numClasses: { type: 'number', min: 1, integer: true, description: 'one β per class' },
  beta: { type: 'number', description: 'initial β' },
  learnBeta: { type: 'boolean', description: 'whether β is trainable' },
};

/**
 * Margin loss with a learnable boundary β (Wu et al. 2017: β⁰ + β^class), as PML's
 * `MarginLoss(learn_beta=True, num_classes=…)`. Minimise with an optimizer over the model's variables
 * and `variables.beta`; use `nu` > 0 to regularise β.
 *
 * @see https://arxiv.org/abs/1706.07567
 * @example
 * const { loss, variables } = createMarginLoss({ numClasses: 10 });
 * optimizer.minimize(() => loss(model.predict(x) as tf.Tensor, y, { nu: 0.01 }) as tf.Scalar);
 */
export function createMarginLoss(options: CreateMarginLossOptions = {}): MarginLossWithBeta {
  const {
    numClasses,
    beta: initial,
    learnBeta,
  } = resolveOptions('createMarginLoss', OPTIONS, options, {
    beta: 1.2,
    learnBeta: true,
  });
  const beta = tf.tidy(() =>
    tf.variable(tf.fill([numClasses ?? 1], initial), learnBeta, undefined, 'float32'),
  );
  return {
    loss: (embeddings, labels, lossOptions = {}) => marginLoss(embeddings, labels, { ...lossOptions, beta }),
    variables: { beta },
  };
}
