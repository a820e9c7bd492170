import * as tf from '@tensorflow/tfjs-core';
import {
  customGradient,
  defineLoss,
  type IgnoreIndexOptions,
  isClassIds,
  labelPositions,
  type ReductionOptions,
  safeSqrt,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import { atTargets } from './internal/true-class.js';

/**
 * Z-loss for int32 ids with its closed-form gradient (the loss depends only on o_y, μ and σ):
 * with g = dyᵢ·∂ℓ/∂ẑ = −dyᵢ·sigmoid(a(b − ẑ_y)), s = σ + ε,
 *   ∂ℓ/∂o_j = (g/s)·(1[j = y] − 1/C) − (g·ẑ_y/(s·C·σ))·(o_j − μ).
 */
function zLossOfIds(a: number, b: number, epsilon: number) {
  return customGradient<[tf.Tensor, tf.Tensor]>(([o, ids], save) => {
    const C = o.shape[1]!;
    const [mu, sigma, z] = tf.tidy(() => {
      const mean = tf.mean(o, -1);
      const spread = tf.sqrt(tf.mean(tf.square(tf.sub(o, tf.expandDims(mean, 1))), -1));
      const standardised = tf.div(tf.sub(tf.gatherND(o, labelPositions(ids)), mean), tf.add(spread, epsilon));
      return [mean, spread, standardised];
    });
    save([o, ids, mu!, sigma!, z!]);
    return {
      value: tf.tidy(() => tf.div(tf.softplus(tf.mul(tf.sub(b, z!), a)), a)),
      gradFunc: (dy, saved) => {
        const [input, labels, mean, spread, standardised] = saved as tf.Tensor[];
        return tf.tidy(() => {
          const g = tf.neg(tf.mul(dy, tf.sigmoid(tf.mul(tf.sub(b, standardised!), a))));
          const s = tf.add(spread!, epsilon);
          const onLabel = tf.div(g, s);
          const slope = tf.div(tf.mul(g, standardised!), tf.mul(tf.mul(s, C), tf.maximum(spread!, 1e-30)));
          const base = tf.sub(
            tf.mul(tf.sub(input!, tf.expandDims(mean!, 1)), tf.expandDims(tf.neg(slope), 1)),
            tf.expandDims(tf.div(onLabel, C), 1),
          );
          const where = labelPositions(labels!);
          const grad = tf.tensorScatterUpdate(base, where, tf.add(tf.gatherND(base, where), onLabel));
          return [grad, tf.zerosLike(labels!)];
        });
      },
    };
  });
}

/** Options for {@link zLoss}. */
export interface ZLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** Sharpness a > 0. @defaultValue 1 */
  readonly a?: number;
  /** Location b of the softplus hinge on the standardised true-class logit. @defaultValue 0 */
  readonly b?: number;
  /** Added to σ (the loss is undefined for constant logits). @defaultValue 1e-6 */
  readonly epsilon?: number;
}

/**
 * The Z-loss of de Brébisson & Vincent (2016), a spherical-family loss on standardised logits:
 *
 *   μ = mean_c z_c,   σ = √(mean_c (z_c − μ)²)   (population std),   ẑ_c = (z_c − μ)/(σ + ε)
 *   ℓ = (1/a)·softplus(a·(b − ẑ_y)) = (1/a)·log(1 + exp(a(b − ẑ_y)))
 *
 * Invariant to shifting and (positively) scaling the logits. a and b are tuned per task in the
 * paper; the defaults a = 1, b = 0 are those of the authors' reference example (the paper's tuned
 * values were not verified). Float targets give Σ_c t_c ℓ(ẑ_c).
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/1604.08859
 * @example const loss = zLoss(logits, labels, { a: 0.1, b: 10 });
 */
export const zLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  ZLossOptions,
  { a: number; b: number; epsilon: number }
>({
  id: 'xent/z-loss',
  name: 'zLoss',
  family: 'classification',
  summary:
    'Spherical-family Z-loss: softplus hinge on the standardised true-class logit; shift/scale invariant.',
  reference: {
    title: 'The Z-loss: a shift and scale invariant classification loss belonging to the Spherical Family',
    url: 'https://arxiv.org/abs/1604.08859',
    year: 2016,
    authors: 'de Brébisson, Vincent',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { a: 1, b: 0, epsilon: 1e-6 },
  options: {
    a: { type: 'number', min: 0, exclusiveMin: true, description: 'sharpness a' },
    b: { type: 'number', description: 'location b' },
    epsilon: { type: 'number', min: 0, description: 'added to σ' },
  },
  perExample: ({ logits, labels }, { a, b, epsilon }) => {
    if (isClassIds(labels)) return zLossOfIds(a, b, epsilon)(logits, labels);
    const centred = tf.sub(logits, tf.mean(logits, -1, true));
    const sigma = safeSqrt(tf.mean(tf.square(centred), -1, true));
    const standardised = tf.div(centred, tf.add(sigma, epsilon));
    return atTargets(standardised, labels, (z) => tf.div(tf.softplus(tf.mul(tf.sub(b, z), a)), a));
  },
});
