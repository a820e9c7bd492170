import * as tf from '@tensorflow/tfjs-core';
import {
  type Distance,
  defineLoss,
  gatherRowsSparse,
  invalidOption,
  readSyncIfPossible,
  XentError,
} from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { marginOf } from '../distances/make-distance.js';
import { optionSpecs } from '../internal/option-specs.js';
import {
  distanceOptionSpec,
  metricInputs,
  pairWeights,
  type ReferenceOptions,
  referenceOptionSpecs,
  type TupleOptions,
  tupleOptionSpecs,
  tuplesAndMatrix,
} from '../internal/tuples.js';

/** Options of {@link marginLoss}. */
export interface MarginLossOptions extends TupleOptions, ReferenceOptions {
  /** Margin α around the boundary β. @defaultValue 0.2 */
  readonly margin?: number;
  /** Weight ν of the β regulariser. @defaultValue 0 */
  readonly nu?: number;
  /**
   * Boundary β: a number, or a float32 tensor `[1]` or `[C]` (one per class, indexed by the anchor's
   * label) — a `tf.Variable` to learn it (see {@link createMarginLoss}). @defaultValue 1.2
   */
  readonly beta?: number | tf.Tensor;
  /** @defaultValue lpDistance() */
  readonly distance?: Distance;
}

/** Counts per anchor row. */
const rowSums = (x: tf.Tensor) => tf.sum(x, 1, true);

/**
 * Margin loss of "Sampling Matters in Deep Embedding Learning" (Wu et al., ICCV 2017), as in PML:
 *
 *   over triplets (a, p, n):  pos = [d_ap − β(a) + α]₊,  neg = [β(a) − d_an + α]₊
 *   L = Σ (pos + neg) / (#{pos > 0} + #{neg > 0})  +  ν·β (scalar β) or Σ_triplets ν·β[y_a] / divisor (per class)
 *
 * 0 when the divisor is 0 (PML issue #98 returned ~1e12). Every valid triplet by default; since pos
 * depends only on (a, p) and neg only on (a, n), the sum over triplets is computed from the `[B, B]`
 * pair matrices with multiplicities (no triplet tensor at all). Pairs from a miner become triplets
 * (a₁, p, n) with a₁ = a₂, as in PML. The reduction is this divisor: there is no `reducer` option.
 * With `refEmbeddings`/`refLabels`, p and n are reference rows (d = the `[B, M]` query × reference
 * distances, no self-pair removed; β indexed by the query's label); `positiveMask`/`negativeMask`
 * replace label equality. No valid triplet (one class, singletons, nothing mined): 0, zero gradient.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar.
 * @see https://arxiv.org/abs/1706.07567
 * @example const loss = marginLoss(embeddings, labels, { margin: 0.2, beta: 1.2 });
 */
export const marginLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  MarginLossOptions,
  { margin: number; nu: number; beta: number | tf.Tensor }
>({
  id: 'xent/margin',
  name: 'marginLoss',
  family: 'metric',
  summary: 'Hinges positive distances below β − α and negative ones above β + α.',
  reference: {
    title: 'Sampling Matters in Deep Embedding Learning',
    url: 'https://arxiv.org/abs/1706.07567',
    year: 2017,
  },
  inputs: metricInputs,
  defaults: { margin: 0.2, nu: 0, beta: 1.2 },
  options: /* @__PURE__ */ optionSpecs(
    {
      margin: { type: 'number', min: 0, description: 'margin α' },
      nu: { type: 'number', min: 0, description: 'β regulariser weight ν' },
      beta: { type: 'other', description: 'boundary β: number or tensor [1] / [C]' },
      distance: distanceOptionSpec,
    },
    tupleOptionSpecs,
    referenceOptionSpecs,
  ),
  check: (_inputs, options, context) => {
    const beta = options.beta;
    if (typeof beta === 'number') {
      if (!Number.isFinite(beta))
        invalidOption(context.fn, 'beta', 'a finite number or a float32 tensor', beta);
      return;
    }
    if (!(beta instanceof tf.Tensor) || beta.rank !== 1 || beta.dtype !== 'float32') {
      throw new XentError('INVALID_OPTION', {
        fn: context.fn,
        argument: 'options.beta',
        expected: 'a number or a float32 tensor [1] or [C]',
        received: beta instanceof tf.Tensor ? `${beta.dtype} [${beta.shape.join(', ')}]` : typeof beta,
      });
    }
  },
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? lpDistance();
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    const { pos, neg } = pairWeights(tuples, labels, embeddings.shape[0]!, pairing);
    // Multiplicity of each pair among the triplets, and triplets per anchor.
    const [posCount, negCount, perAnchor] =
      tuples.kind === 'triplets'
        ? [pos, neg, rowSums(pos)]
        : [tf.mul(pos, rowSums(neg)), tf.mul(neg, rowSums(pos)), tf.mul(rowSums(pos), rowSums(neg))];
    const perClass = options.beta instanceof tf.Tensor && options.beta.shape[0]! > 1;
    const betaTensor = options.beta instanceof tf.Tensor ? options.beta : tf.scalar(options.beta);
    if (perClass && context.validate) {
      const maxLabel = readSyncIfPossible(tf.max(labels))?.[0] ?? 0;
      if (maxLabel >= betaTensor.shape[0]!)
        invalidOption(
          context.fn,
          'beta',
          `one β per class (labels reach ${maxLabel})`,
          `${betaTensor.shape[0]} values`,
        );
    }
    const beta = perClass
      ? tf.reshape(gatherRowsSparse(betaTensor, labels), [-1, 1])
      : tf.reshape(betaTensor, [1, 1]);
    const posLoss = tf.relu(tf.add(marginOf(distance, matrix, beta), options.margin));
    const negLoss = tf.relu(tf.add(marginOf(distance, beta, matrix), options.margin));
    const activeCount = tf.add(
      tf.sum(tf.mul(posCount, tf.step(posLoss))),
      tf.sum(tf.mul(negCount, tf.step(negLoss))),
    );
    const divisor = tf.maximum(activeCount, 1);
    const hinge = tf.div(
      tf.add(tf.sum(tf.mul(posCount, posLoss)), tf.sum(tf.mul(negCount, negLoss))),
      divisor,
    );
    const hasTriplets = tf.step(tf.sum(perAnchor));
    if (options.nu === 0) return hinge;
    // Per-class β: PML divides its regulariser by the same divisor (0 when that is 0).
    const regulariser = perClass
      ? tf.mul(tf.div(tf.sum(tf.mul(perAnchor, beta)), divisor), tf.step(activeCount))
      : tf.sum(betaTensor);
    return tf.add(hinge, tf.mul(tf.mul(regulariser, options.nu), hasTriplets));
  },
});
