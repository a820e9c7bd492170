import * as tf from '@tensorflow/tfjs-core';
import { customGradient, defineLoss } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { marginOf } from '../distances/make-distance.js';
import { maskedRowLogSumExp } from '../internal/masked-row-lse.js';
import { metricInputs, pairWeights, tuplesAndMatrix } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';
import {
  type GeneralizedLiftedStructureLossOptions,
  liftedOptionSpecs,
} from './generalized-lifted-structure-loss.js';

/** `[N]` × `[M]` → `[N, M]`, uᵢvⱼ, as one matmul. */
const outer = (u: tf.Tensor, v: tf.Tensor) => tf.matMul(tf.expandDims(u, 1), tf.expandDims(v, 0));

/** An empty end's stand-in log-sum: e^{−10³⁰} is exactly 0. */
const FAR = 1e30;

/**
 * ½[anyᵢⱼ·log(e^{aᵢ} + e^{bⱼ}) + cᵢⱼ]₊² per pair `[B, M]` from the ends' log-sums a `[B]`, b `[M]`, with
 * its closed-form gradient: g = [·]₊ times dy; ∂/∂c = g, ∂/∂aᵢ = Σⱼ g·πᵢⱼ, ∂/∂bⱼ = Σᵢ g·(anyᵢⱼ − πᵢⱼ) with
 * π = any·e^{a − log(e^a + e^b)}. One op on the tape instead of ~12 `[B, M]` ones; the forward spreads a and b
 * to `[B, M]` by rank-1 matmuls (tfjs-wasm's two-sided broadcasts take a generic path ~10–30× slower).
 */
const pairHinge = /* @__PURE__ */ customGradient<[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]>(
  ([a, b, c, any], save) => {
    const [rows, cols] = c.shape as [number, number];
    const [value, hinge, share] = tf.tidy(() => {
      const left = outer(a, tf.ones([cols]));
      const right = outer(tf.ones([rows]), b);
      const shift = tf.maximum(left, right);
      const sum = tf.add(shift, tf.log(tf.add(tf.exp(tf.sub(left, shift)), tf.exp(tf.sub(right, shift)))));
      const h = tf.relu(tf.add(tf.mul(sum, any), c));
      return [tf.mul(tf.square(h), 0.5), h, tf.mul(tf.exp(tf.sub(left, sum)), any)];
    });
    save([hinge!, share!, any]);
    return {
      value: value!,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [h, pi, k] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          const g = tf.mul(dy, h);
          const gLeft = tf.mul(g, pi);
          return [tf.sum(gLeft, 1), tf.sum(tf.sub(tf.mul(g, k), gLeft), 0), g, tf.zerosLike(k)];
        }),
    };
  },
);

/**
 * Lifted structure loss (Oh Song et al., CVPR 2016), per positive pair (i, j), over the negative pairs
 * of both ends:
 *
 *   ℓᵢⱼ = ½ [ log( Σ_{(i,k)∈N} e^{m⁻ − d_ik} + Σ_{(j,l)∈N} e^{m⁻ − d_jl} ) + d_ij − m⁺ ]₊²
 *
 * (similarity: e^{s − m⁻} and m⁺ − s; PML's `LiftedStructureLoss`, whose ½ compensates for each
 * unordered pair appearing twice). Mined pairs count with multiplicity; a pair whose ends have no
 * negative pairs uses 0 for the log term (PML). Reduced over the positive pairs. Each end's sum is one
 * masked row log-sum-exp, combined per pair by a log-add-exp.
 *
 * With `refEmbeddings`/`refLabels` (queries i, reference items j) the negatives of the query end are
 * its row, (i, k) ∈ N, and those of the reference end its column, (l, j) ∈ N: the query rows of other
 * classes. (PML 2.9 compares the reference index j with query indices there, mixing the two index
 * spaces; without a reference set the two definitions agree.) `positiveMask`/`negativeMask` replace
 * the label comparison (multi-label data).
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient without positive or negative pairs (one class, singletons).
 * @see https://arxiv.org/abs/1511.06452
 * @example const loss = liftedStructureLoss(embeddings, labels, { negMargin: 1 });
 */
export const liftedStructureLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  GeneralizedLiftedStructureLossOptions,
  { negMargin: number; posMargin: number }
>({
  id: 'xent/lifted-structure',
  name: 'liftedStructureLoss',
  family: 'metric',
  summary: 'Each positive pair against a soft minimum over the negatives of both its ends.',
  reference: {
    title: 'Deep Metric Learning via Lifted Structured Feature Embedding',
    url: 'https://arxiv.org/abs/1511.06452',
    year: 2016,
  },
  inputs: metricInputs,
  defaults: { negMargin: 1, posMargin: 0 },
  options: liftedOptionSpecs,
  batch: ({ embeddings, labels }, options, context) => {
    const distance = options.distance ?? lpDistance();
    const { tuples, matrix, pairing } = tuplesAndMatrix(context, distance, embeddings, labels, options);
    const { pos, neg } = pairWeights(tuples, labels, embeddings.shape[0]!, pairing);
    const kept = tf.step(neg);
    // Multiplicities of mined pairs enter as log-weights: Σ w·e^v = Σ e^{v + log w}.
    const margins = marginOf(distance, options.negMargin, matrix);
    const v = tuples.kind === 'all' ? margins : tf.add(margins, tf.log(tf.maximum(neg, 1)));
    // Each end's log Σ e^v (0 on an empty end): the query's row; the other end's row too without a
    // reference set (PML), the reference item's column with one.
    const hasRow = tf.step(tf.sum(kept, 1));
    const rowTerm = maskedRowLogSumExp(v, kept, hasRow); // [B]
    const hasCol = pairing.refLabels ? tf.step(tf.sum(kept, 0)) : hasRow;
    const colTerm = pairing.refLabels
      ? maskedRowLogSumExp(tf.transpose(v), tf.transpose(kept), hasCol)
      : rowTerm; // [M]
    // Per pair: ½[log(e^a + e^b) + d − m⁺]₊², an empty end standing at −FAR, 0 for the log where both are.
    const a = tf.sub(rowTerm, tf.mul(tf.sub(1, hasRow), FAR));
    const b = pairing.refLabels ? tf.sub(colTerm, tf.mul(tf.sub(1, hasCol), FAR)) : a;
    const any = tf.sub(1, outer(tf.sub(1, hasRow), tf.sub(1, hasCol)));
    const losses = pairHinge(a, b, marginOf(distance, matrix, options.posMargin), any);
    const anyNeg = tf.step(tf.sum(neg));
    return applyReducer(
      context.fn,
      options.reducer ?? meanReducer(),
      [{ losses, weights: tf.mul(pos, anyNeg), kind: 'pos-pair' }],
      labels,
    );
  },
});
