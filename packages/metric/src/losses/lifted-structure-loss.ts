import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, detached } from '@xent/core';
import { lpDistance } from '../distances/lp-distance.js';
import { marginOf } from '../distances/make-distance.js';
import { metricInputs, pairWeights, selectTuples } from '../internal/tuples.js';
import { applyReducer } from '../reducers/apply-reducer.js';
import { meanReducer } from '../reducers/threshold-reducer.js';
import { type LiftedStructureLossOptions, liftedOptionSpecs } from './generalized-lifted-structure-loss.js';

/** A large constant standing in for "excluded" in the masked row maximum. */
const FAR = 1e30;

/**
 * Lifted structure loss (Oh Song et al., CVPR 2016), per positive pair (i, j), over the negative pairs
 * of both ends:
 *
 *   ℓᵢⱼ = ½ [ log( Σ_{(i,k)∈N} e^{m⁻ − d_ik} + Σ_{(j,l)∈N} e^{m⁻ − d_jl} ) + d_ij − m⁺ ]₊²
 *
 * (similarity: e^{s − m⁻} and m⁺ − s; PML's `LiftedStructureLoss`, whose ½ compensates for each
 * unordered pair appearing twice). Mined pairs count with multiplicity; a pair whose ends have no
 * negative pairs uses 0 for the log term (PML). Reduced over the positive pairs.
 *
 * @param embeddings float32 `[B, D]`.  @param labels int32 `[B]`.
 * @returns a scalar; 0 with a zero gradient without positive or negative pairs.
 * @see https://arxiv.org/abs/1511.06452
 * @example const loss = liftedStructureLoss(embeddings, labels, { negMargin: 1 });
 */
export const liftedStructureLoss = /* @__PURE__ */ defineLoss<
  typeof metricInputs,
  LiftedStructureLossOptions,
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
    const tuples = selectTuples(context, embeddings, labels, options);
    const matrix = distance.pairwise(embeddings);
    const { pos, neg } = pairWeights(tuples, labels, embeddings.shape[0]!);
    // Per row r: E_r = Σ_k w_rk e^{v_rk − M_r} with M_r the row's largest kept v (a constant), so the
    // pair term is log(E_i e^{M_i} + E_j e^{M_j}) = M + log(E_i e^{M_i − M} + E_j e^{M_j − M}).
    const kept = tf.step(neg);
    const v = marginOf(distance, options.negMargin, matrix);
    const masked = tf.sub(tf.mul(v, kept), tf.mul(tf.sub(1, kept), FAR)); // excluded → e^{−∞} = 0
    const has = tf.step(tf.sum(neg, 1)); // [B]
    const rowMax = detached((x, h) => tf.mul(tf.max(x, 1), h), masked, has);
    const rowSum = tf.sum(tf.mul(neg, tf.exp(tf.sub(masked, tf.expandDims(rowMax, 1)))), 1); // [B]
    const [mi, mj] = [tf.expandDims(rowMax, 1), tf.expandDims(rowMax, 0)];
    // (tfjs 4.22's broadcasting Maximum gradient has the wrong shape: keep the max off the tape.)
    const pairMax = detached((r) => tf.maximum(tf.expandDims(r, 1), tf.expandDims(r, 0)), rowMax);
    const inner = tf.add(
      tf.mul(tf.expandDims(rowSum, 1), tf.exp(tf.sub(mi, pairMax))),
      tf.mul(tf.expandDims(rowSum, 0), tf.exp(tf.sub(mj, pairMax))),
    );
    const any = tf.step(tf.add(tf.expandDims(has, 1), tf.expandDims(has, 0)));
    const negTerm = tf.mul(tf.add(pairMax, tf.log(tf.add(inner, tf.sub(1, any)))), any);
    const losses = tf.div(
      tf.square(tf.relu(tf.add(negTerm, marginOf(distance, matrix, options.posMargin)))),
      2,
    );
    const anyNeg = tf.step(tf.sum(neg));
    return applyReducer(
      context.fn,
      options.reducer ?? meanReducer(),
      [{ losses, weights: tf.mul(pos, anyNeg), kind: 'pos-pair' }],
      labels,
    );
  },
});
