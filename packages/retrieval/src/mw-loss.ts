import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, detached, readSyncIfPossible, XentError } from '@xent/core';
import { checkBinaryMask } from './internal/mask.js';
import { pairSoftplusSum } from './internal/pair-softplus.js';

/** Options for {@link mwLoss}. */
export interface MwLossOptions {
  /** Multiplier applied to every score difference before the sigmoid (an inverse temperature). @defaultValue 1 */
  readonly scale?: number;
  /**
   * `'global'`: every positive of the batch against every negative of the batch (pooled AUC, the
   * paper's form); `'perQuery'`: pairs within a query only, averaged per query, then over queries
   * that have both a positive and a negative (mean per-query AUC). @defaultValue 'global'
   */
  readonly pairing?: 'global' | 'perQuery';
  /** Most pair terms materialised at once; larger pair sets are processed in blocks. @defaultValue 262144 */
  readonly blockElements?: number;
  /** Data checks (finite scores, 0/1 mask, at least one pair). @defaultValue true */
  readonly validate?: boolean;
}

const inputs = [
  { name: 'scores', dtype: 'float32', shape: ['Q', 'P'], description: 'query × passage similarity scores' },
  {
    name: 'positiveMask',
    dtype: 'float32',
    shape: ['Q', 'P'],
    description: '1 where the passage is relevant to the query, else 0',
  },
] as const;

/** @internal The pair sets of one call, for tests. */
export interface PairSets {
  readonly scores: tf.Tensor;
  readonly posIndex: tf.Tensor;
  readonly negIndex: tf.Tensor;
  readonly posWeight: tf.Tensor;
  readonly negWeight: tf.Tensor;
  readonly posSegment: tf.Tensor;
  readonly negSegment: tf.Tensor;
  readonly pairs: number;
}

// Positives and negatives gathered on the host-known mask: the cheap path (|P|·|N| pair terms).
export function gatheredPairs(scores: tf.Tensor, mask: ArrayLike<number>, perQuery: boolean): PairSets {
  const [q, p] = scores.shape as [number, number];
  const flat = tf.reshape(scores, [q * p]);
  const posIndex: number[] = [];
  const negIndex: number[] = [];
  const posWeight: number[] = [];
  const posSegment: number[] = [];
  const negSegment: number[] = [];
  const rows: { positives: number; negatives: number }[] = [];
  for (let i = 0; i < q; i++) {
    let positives = 0;
    for (let j = 0; j < p; j++) positives += mask[i * p + j]!;
    rows.push({ positives, negatives: p - positives });
  }
  const validRows = rows.filter((r) => r.positives > 0 && r.negatives > 0).length;
  let totalPos = 0;
  let totalNeg = 0;
  for (let i = 0; i < q; i++) {
    const row = rows[i]!;
    if (perQuery && (row.positives === 0 || row.negatives === 0)) continue;
    for (let j = 0; j < p; j++) {
      const index = i * p + j;
      const segment = perQuery ? i : 0;
      if (mask[index] === 1) {
        posIndex.push(index);
        posSegment.push(segment);
        posWeight.push(perQuery ? 1 / (row.positives * row.negatives * validRows) : 1);
        totalPos++;
      } else {
        negIndex.push(index);
        negSegment.push(segment);
        totalNeg++;
      }
    }
  }
  const pairs = perQuery ? validRows : totalPos * totalNeg;
  const norm = perQuery || pairs === 0 ? 1 : 1 / pairs;
  return {
    scores: flat,
    posIndex: tf.tensor1d(posIndex, 'int32'),
    negIndex: tf.tensor1d(negIndex, 'int32'),
    posWeight: tf.mul(tf.tensor1d(posWeight), norm),
    negWeight: tf.ones([negIndex.length]),
    posSegment: tf.tensor1d(posSegment),
    negSegment: tf.tensor1d(negSegment),
    pairs,
  };
}

// The mask stays on the device (WebGPU in Node cannot read synchronously): every entry is both a
// candidate positive and a candidate negative, weighted by the mask. Exact, but (Q·P)² pair terms.
export function maskedPairs(scores: tf.Tensor, mask: tf.Tensor, perQuery: boolean): PairSets {
  const [q, p] = scores.shape as [number, number];
  const flat = tf.reshape(scores, [q * p]);
  const m = tf.reshape(mask, [q * p]);
  const notM = tf.sub(1, m);
  if (!perQuery) {
    const pairs = tf.mul(tf.sum(m), tf.sum(notM));
    const norm = tf.div(1, tf.maximum(pairs, 1));
    return {
      scores: flat,
      posIndex: tf.range(0, q * p, 1, 'int32'),
      negIndex: tf.range(0, q * p, 1, 'int32'),
      posWeight: tf.mul(m, norm),
      negWeight: notM,
      posSegment: tf.zeros([q * p]),
      negSegment: tf.zeros([q * p]),
      pairs: Number.NaN,
    };
  }
  const positives = tf.sum(mask, 1, true);
  const negatives = tf.sub(p, positives);
  // Which rows have both kinds: a constant of the 0/1 mask, off the gradient tape (comparisons have none).
  const valid = detached(
    (pos, neg) => tf.cast(tf.logicalAnd(tf.greater(pos, 0), tf.greater(neg, 0)), 'float32'),
    positives,
    negatives,
  );
  const validRows = tf.maximum(tf.sum(valid), 1);
  const rowNorm = tf.div(valid, tf.mul(tf.maximum(tf.mul(positives, negatives), 1), validRows));
  const segment = tf.reshape(tf.tile(tf.expandDims(tf.range(0, q), 1), [1, p]), [q * p]);
  return {
    scores: flat,
    posIndex: tf.range(0, q * p, 1, 'int32'),
    negIndex: tf.range(0, q * p, 1, 'int32'),
    posWeight: tf.reshape(tf.mul(mask, rowNorm), [q * p]),
    negWeight: notM,
    posSegment: segment,
    negSegment: segment,
    pairs: Number.NaN,
  };
}

/**
 * Mann-Whitney (MW) loss (Sheikholeslami et al., 2025): binary cross-entropy on every
 * positive−negative score difference, a smooth upper bound of 1 − AUC.
 *
 *   L = (1 / |P||N|) Σ_{p∈P} Σ_{n∈N} −log σ(scale·(sₚ − sₙ)) = mean softplus(scale·(sₙ − sₚ))
 *
 * Since −log σ(x) ≥ ln 2 · 1[x ≤ 0], L ≥ ln 2 · (1 − AUC) (ties counted half). With `pairing:
 * 'global'` P and N pool every query of the batch (the paper's form: scores become comparable
 * across queries); with `'perQuery'` pairs stay within a query and L averages the per-query means.
 * The pair terms are computed in blocks of `blockElements` with a custom gradient, so memory stays
 * O(blockElements + Q·P) however many pairs there are.
 *
 * @param scores float32 `[Q, P]` query × passage scores (e.g. cosine similarities of in-batch and hard-negative passages).
 * @param positiveMask float32 `[Q, P]`, 1 for relevant pairs, 0 otherwise.
 * @returns a scalar.
 * @see https://arxiv.org/abs/2510.00137
 * @example const loss = mwLoss(cosineSimilarity(q, d), tf.eye(q.shape[0]), { scale: 20 });
 */
export const mwLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  MwLossOptions,
  { scale: number; pairing: 'global'; blockElements: number }
>({
  id: 'xent/mw',
  name: 'mwLoss',
  family: 'retrieval',
  summary:
    'Mann-Whitney loss: mean softplus(sₙ − sₚ) over positive–negative pairs, an upper bound on 1 − AUC.',
  reference: {
    title: 'Optimizing What Matters: AUC-Driven Learning for Robust Neural Retrieval',
    url: 'https://arxiv.org/abs/2510.00137',
    year: 2025,
  },
  inputs,
  defaults: { scale: 1, pairing: 'global', blockElements: 262_144 },
  options: {
    scale: { type: 'number', min: 0, exclusiveMin: true, description: 'multiplier of score differences' },
    pairing: {
      type: 'enum',
      values: ['global', 'perQuery'],
      description: 'pool pairs over the batch or per query',
    },
    blockElements: { type: 'number', min: 1, integer: true, description: 'most pair terms held at once' },
  },
  check: ({ positiveMask }, _options, context) => {
    if (context.validate) checkBinaryMask(context.fn, 'positiveMask', positiveMask);
  },
  batch: ({ scores, positiveMask }, { scale, pairing, blockElements }, context) => {
    const perQuery = pairing === 'perQuery';
    const mask = readSyncIfPossible(positiveMask);
    const sets = mask ? gatheredPairs(scores, mask, perQuery) : maskedPairs(scores, positiveMask, perQuery);
    if (sets.pairs === 0) {
      if (context.validate) {
        throw new XentError('NO_PAIRS_MINED', {
          fn: context.fn,
          argument: 'positiveMask',
          expected: perQuery
            ? 'at least one query with both a positive and a negative'
            : 'at least one positive and one negative entry',
          received: 'no positive–negative pair',
        });
      }
      return tf.mul(tf.add(tf.sum(scores), tf.sum(positiveMask)), 0);
    }
    const value = pairSoftplusSum(
      sets.scores,
      sets.posIndex,
      sets.negIndex,
      sets.posWeight,
      sets.negWeight,
      sets.posSegment,
      sets.negSegment,
      { scale, blockElements, segmented: perQuery },
    );
    // The mask is a constant (zero gradient), kept in the graph so gradients w.r.t. it are defined.
    return tf.add(value, tf.mul(tf.sum(positiveMask), 0));
  },
});
