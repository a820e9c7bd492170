import * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  defineLoss,
  describeTensor,
  inBatchCrossEntropy,
  invalidOption,
  logSumExp,
  type ReductionOptions,
  stopGradient,
  type TensorInput,
  toTensor,
} from '@xent/core';
import { type BatchIds, relevanceMask } from './internal/relevance.js';
import { type SimilarityKind, similarityMatrix, similarityOption } from './internal/similarity.js';

/** A softmax direction of {@link infoNceLoss} (sentence-transformers 6's names). */
export type InfoNceDirection = 'query_to_doc' | 'doc_to_query' | 'query_to_query' | 'doc_to_doc';

/** Which negatives get the hardness penalty α·sg(sim) (sentence-transformers 6's names). */
export type InfoNceHardnessMode = 'in_batch_negatives' | 'hard_negatives' | 'all_negatives';

/** Options for {@link infoNceLoss}. */
export interface InfoNceLossOptions extends ReductionOptions {
  /** Multiplier of the similarities, 1/τ (20 ↔ τ = 0.05, as in sentence-transformers). @defaultValue 20 */
  readonly scale?: number;
  /**
   * Shorthand for `directions: ['query_to_doc', 'doc_to_query']` with `partitionMode: 'per_direction'`
   * (MultipleNegativesSymmetricRankingLoss); not combinable with `directions`. @defaultValue false
   */
  readonly symmetric?: boolean;
  /**
   * Extra negative documents appended to every query's candidates: a shared pool `[H, D]`, or
   * `[N, K, D]`, query i's own K hard negatives (sentence-transformers' `neg_1..neg_K` columns; every
   * query still sees all of them). @defaultValue none
   */
  readonly hardNegatives?: TensorInput;
  /** @defaultValue 'cosine' */
  readonly similarity?: SimilarityKind;
  /**
   * Softmax rows scored for query i: `'query_to_doc'` (qᵢ vs every candidate; required),
   * `'doc_to_query'` (dᵢ vs every query), `'query_to_query'` (qᵢ vs the other queries),
   * `'doc_to_doc'` (dᵢ vs every candidate but its own). @defaultValue ['query_to_doc']
   */
  readonly directions?: readonly InfoNceDirection[];
  /**
   * `'joint'`: one softmax over the candidates of all directions; `'per_direction'`: one per
   * direction, averaged (only with query_to_doc/doc_to_query). @defaultValue 'joint'
   */
  readonly partitionMode?: 'joint' | 'per_direction';
  /** Negatives whose logit gets + hardnessStrength·sg(sim) (Lan et al. 2025). @defaultValue none */
  readonly hardnessMode?: InfoNceHardnessMode;
  /** α of the hardness penalty, added unscaled to the scaled logits. @defaultValue 0 */
  readonly hardnessStrength?: number;
  /**
   * 0/1 `[N, N]` (in-batch documents) or `[N, N + hard negatives]`: 1 where the candidate is
   * relevant to query i (a duplicate, a second positive). Never counted as a negative. @defaultValue none
   */
  readonly positiveMask?: TensorInput;
  /** Ids of the queries `[N]` (strings, numbers or int32): equal ids share their positives. @defaultValue none */
  readonly queryIds?: BatchIds;
  /** Ids of the positive documents `[N]`: equal ids are the same document. @defaultValue none */
  readonly docIds?: BatchIds;
  /**
   * What relevant candidates other than dᵢ are: `'mask'` (left out of the softmax) or `'positive'`
   * (the numerator sums over all of them: multiple positives). @defaultValue 'mask'
   */
  readonly duplicates?: 'mask' | 'positive';
}

const inputs = [
  { name: 'queries', dtype: 'float32', shape: ['N', 'D'], description: 'query embeddings' },
  {
    name: 'docs',
    dtype: 'float32',
    shape: ['N', 'D'],
    description: 'positive document of each query (row i ↔ query i)',
  },
] as const;

const DIRECTIONS: readonly InfoNceDirection[] = [
  'query_to_doc',
  'doc_to_query',
  'query_to_query',
  'doc_to_doc',
];

function checkDirections(
  fn: string,
  directions: unknown,
  partitionMode: string,
): readonly InfoNceDirection[] {
  const expected = `a non-empty list of distinct ${DIRECTIONS.map((d) => `'${d}'`).join(', ')} containing 'query_to_doc'`;
  if (
    !Array.isArray(directions) ||
    !directions.includes('query_to_doc') ||
    new Set(directions).size !== directions.length ||
    !directions.every((d) => DIRECTIONS.includes(d))
  ) {
    invalidOption(
      fn,
      'directions',
      expected,
      Array.isArray(directions) ? `[${directions.join(', ')}]` : directions,
    );
  }
  const list = directions as InfoNceDirection[];
  if (partitionMode === 'per_direction' && list.some((d) => d === 'query_to_query' || d === 'doc_to_doc')) {
    invalidOption(
      fn,
      'partitionMode',
      "'joint' when directions include 'query_to_query' or 'doc_to_doc' (their softmax holds no positive)",
      partitionMode,
    );
  }
  return list;
}

// Candidates `[C, D]` = docs then hard negatives, and which candidates are each query's own:
// `own [N, C]` (its positive and its own hard negatives; a shared pool belongs to no query) and
// `hard [N, C]` (the hard negatives the hardness modes call query i's: its own, or the whole pool).
function candidatesOf(
  fn: string,
  docs: tf.Tensor,
  hardNegatives: TensorInput | undefined,
  validate: boolean,
) {
  const [n, d] = docs.shape as [number, number];
  const eye = tf.eye(n);
  if (hardNegatives === undefined) return { candidates: docs, own: eye, hard: tf.zerosLike(eye) };
  const extra = toTensor(hardNegatives, fn, 'options.hardNegatives', 'float32');
  const pool = extra.rank === 2 && extra.shape[1] === d;
  const perQuery = extra.rank === 3 && extra.shape[0] === n && extra.shape[2] === d;
  if (!pool && !perQuery) {
    invalidOption(fn, 'hardNegatives', `float32 [H, ${d}] or [${n}, K, ${d}]`, describeTensor(extra));
  }
  if (validate) checkFinite(fn, 'options.hardNegatives', extra);
  if (pool) {
    const h = extra.shape[0]!;
    return {
      candidates: tf.concat([docs, extra]),
      own: tf.pad(eye, [
        [0, 0],
        [0, h],
      ]),
      hard: tf.concat([tf.zerosLike(eye), tf.ones([n, h])], 1),
    };
  }
  const k = extra.shape[1]!;
  // Column n + k'·N + j is the k'-th hard negative of query j (sentence-transformers' column order).
  const columns = tf.reshape(tf.transpose(extra, [1, 0, 2]), [k * n, d]);
  const ownHard = tf.tile(eye, [1, k]);
  return {
    candidates: tf.concat([docs, columns]),
    own: tf.concat([eye, ownHard], 1),
    hard: tf.concat([tf.zerosLike(eye), ownHard], 1),
  };
}

// 1 where the hardness penalty applies (before removing relevant candidates).
function penaltyColumns(mode: InfoNceHardnessMode, own: tf.Tensor, hard: tf.Tensor, n: number): tf.Tensor {
  const ownPositive = tf.pad(tf.eye(n), [
    [0, 0],
    [0, own.shape[1]! - n],
  ]);
  if (mode === 'hard_negatives') return hard;
  if (mode === 'all_negatives') return tf.sub(1, ownPositive);
  return tf.mul(tf.sub(1, own), tf.sub(1, hard));
}

interface Direction {
  readonly logits: tf.Tensor;
  /** 1 where the entry is in the softmax's denominator. */
  readonly keep: tf.Tensor;
  /** 1 where the entry is in the numerator (only query_to_doc and doc_to_query have one). */
  readonly positive?: tf.Tensor;
}

/**
 * InfoNCE with in-batch negatives in sentence-transformers 6's MultipleNegativesRanking form (van den
 * Oord et al. 2018; Henderson et al. 2017), plus duplicate-aware negatives. By default query i's
 * positive is document i, every other document of the batch and every hard negative a negative:
 *
 *   ℓᵢ = −log( exp(scale·sim(qᵢ, dᵢ)) / Σ_{c ∈ docs ∪ hardNegatives} exp(scale·sim(qᵢ, c)) )
 *
 * `directions` add softmax rows for query i: doc_to_query sim(dᵢ, qⱼ) for all j; query_to_query
 * sim(qᵢ, qⱼ) for j ≠ i; doc_to_doc sim(dᵢ, c) for every candidate c not dᵢ or its own hard
 * negatives. `'joint'`: ℓᵢ = log Σ_{all rows' entries} exp(·) − scale·sim(qᵢ, dᵢ); `'per_direction'`:
 * ℓᵢ = mean over directions of (log Σ_row exp(·) − scale·sim(qᵢ, dᵢ)). Hardness weighting adds
 * α·sg(sim(qᵢ, c)) (unscaled, no gradient) to the selected negatives' query_to_doc logits.
 *
 * Duplicate-aware (`positiveMask`, `queryIds`, `docIds`): a candidate relevant to qᵢ other than dᵢ is
 * never a negative: with `duplicates: 'mask'` it leaves every softmax (also query_to_query and
 * doc_to_doc for related pairs); with `'positive'` the numerator becomes Σ_{p relevant} exp(scale·sim(qᵢ, p))
 * (likewise doc_to_query over the queries dᵢ is relevant to). Without them, exactly sentence-transformers'
 * MultipleNegativesRankingLoss (`symmetric`: MultipleNegativesSymmetricRankingLoss).
 *
 * Degenerate inputs: one pair gives 0 (its only candidate is its positive) unless hard negatives
 * are given; a batch whose documents are all duplicates of each other gives 0 with `'mask'` and
 * the no-duplicate loss of a single pair with `'positive'`.
 *
 * @param queries float32 `[N, D]`.  @param docs float32 `[N, D]`, row i relevant to query i.
 * @returns `[N]` with `reduction: 'none'`, else a scalar. N = 1 without hard negatives: 0 (the only candidate
 * is the positive) with a zero gradient.
 * @see https://arxiv.org/abs/1807.03748
 * @example const loss = infoNceLoss(q, d, { directions: ['query_to_doc', 'doc_to_query'], docIds });
 */
export const infoNceLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  InfoNceLossOptions,
  {
    scale: number;
    symmetric: boolean;
    similarity: SimilarityKind;
    partitionMode: 'joint' | 'per_direction';
    hardnessStrength: number;
    duplicates: 'mask' | 'positive';
  }
>({
  id: 'xent/info-nce',
  name: 'infoNceLoss',
  family: 'retrieval',
  summary:
    'InfoNCE / MultipleNegativesRanking: softmax cross-entropy over in-batch and hard-negative documents.',
  reference: {
    title: 'Representation Learning with Contrastive Predictive Coding',
    url: 'https://arxiv.org/abs/1807.03748',
    year: 2018,
  },
  inputs,
  defaults: {
    scale: 20,
    symmetric: false,
    similarity: 'cosine',
    partitionMode: 'joint',
    hardnessStrength: 0,
    duplicates: 'mask',
  },
  options: {
    scale: { type: 'number', min: 0, exclusiveMin: true, description: 'inverse temperature 1/τ' },
    symmetric: { type: 'boolean', description: 'average the query→doc and doc→query losses' },
    hardNegatives: { type: 'other', description: 'extra negative documents [H, D] or [N, K, D]' },
    similarity: similarityOption,
    directions: { type: 'other', description: 'softmax directions (query_to_doc, doc_to_query, …)' },
    partitionMode: {
      type: 'enum',
      values: ['joint', 'per_direction'],
      description: 'one softmax over all directions, or one per direction averaged',
    },
    hardnessMode: {
      type: 'enum',
      values: ['in_batch_negatives', 'hard_negatives', 'all_negatives'],
      description: 'negatives whose logit gets the hardness penalty',
    },
    hardnessStrength: { type: 'number', min: 0, description: 'α of the hardness penalty' },
    positiveMask: { type: 'other', description: '0/1 relevance of candidates to queries [N, N]' },
    queryIds: { type: 'other', description: 'query ids [N]; equal ids share positives' },
    docIds: { type: 'other', description: 'document ids [N]; equal ids are the same document' },
    duplicates: {
      type: 'enum',
      values: ['mask', 'positive'],
      description: 'relevant in-batch candidates are masked out, or count as positives',
    },
  },
  check: (_, options, context) => {
    if (options.symmetric && options.directions !== undefined) {
      invalidOption(context.fn, 'symmetric', "false when 'directions' is given", true);
    }
    checkDirections(context.fn, options.directions ?? ['query_to_doc'], options.partitionMode);
  },
  perExample: ({ queries, docs }, options, context) => {
    const { scale, similarity, hardnessStrength } = options;
    const directions = options.symmetric
      ? ['query_to_doc', 'doc_to_query']
      : (options.directions ?? ['query_to_doc']);
    const partitionMode = options.symmetric ? 'per_direction' : options.partitionMode;
    const n = queries.shape[0]!;
    const { candidates, own, hard } = candidatesOf(context.fn, docs, options.hardNegatives, context.validate);
    const c = candidates.shape[0]!;
    const relevance = relevanceMask(context.fn, options, n, c, context.validate);
    const hardness = options.hardnessMode !== undefined && hardnessStrength > 0;
    const plain = directions.every((d) => d === 'query_to_doc' || d === 'doc_to_query');
    if (
      relevance === undefined &&
      !hardness &&
      plain &&
      (directions.length === 1 || partitionMode !== 'joint')
    ) {
      // No relevance information, no hardness, one softmax per direction whose only positive is the
      // diagonal and whose denominator is every candidate: softmax cross-entropy with ids 0..N−1, fused
      // with the similarity into one closed-form gradient (238 → 91 kernels per forward + backward).
      const perDirection = directions.map((direction) =>
        direction === 'query_to_doc'
          ? inBatchCrossEntropy(queries, candidates, scale, similarity)
          : inBatchCrossEntropy(docs, queries, scale, similarity),
      );
      return perDirection.length === 1
        ? perDirection[0]!
        : tf.div(tf.addN(perDirection), perDirection.length);
    }
    const eyeC = tf.pad(tf.eye(n), [
      [0, 0],
      [0, c - n],
    ]);
    const relevant = relevance ?? eyeC;
    const relevantBatch = tf.slice(relevant, [0, 0], [n, n]);
    const positiveMode = options.duplicates === 'positive';
    // Relevant candidates other than the own positive: never negatives.
    const related = tf.sub(relevant, eyeC);

    const simQd = similarityMatrix(queries, candidates, similarity);
    let logitsQd = tf.mul(simQd, scale);
    if (hardness) {
      const columns = tf.mul(penaltyColumns(options.hardnessMode, own, hard, n), tf.sub(1, relevant));
      logitsQd = tf.add(logitsQd, tf.mul(tf.mul(stopGradient(simQd), hardnessStrength), columns));
    }
    const rows: Direction[] = [
      {
        logits: logitsQd,
        keep: positiveMode ? tf.onesLike(relevant) : tf.sub(1, related),
        positive: positiveMode ? relevant : eyeC,
      },
    ];
    if (directions.includes('doc_to_query')) {
      const relevantT = tf.transpose(relevantBatch);
      rows.push({
        logits: tf.mul(similarityMatrix(docs, queries, similarity), scale),
        keep: positiveMode ? tf.ones([n, n]) : tf.sub(1, tf.sub(relevantT, tf.eye(n))),
        positive: positiveMode ? relevantT : tf.eye(n),
      });
    }
    if (directions.includes('query_to_query')) {
      rows.push({
        logits: tf.mul(similarityMatrix(queries, queries, similarity), scale),
        keep: tf.sub(1, tf.maximum(relevantBatch, tf.transpose(relevantBatch))),
      });
    }
    if (directions.includes('doc_to_doc')) {
      const reverse = tf.pad(tf.transpose(relevantBatch), [
        [0, 0],
        [0, c - n],
      ]);
      rows.push({
        logits: tf.mul(similarityMatrix(docs, candidates, similarity), scale),
        keep: tf.sub(1, tf.maximum(tf.maximum(own, relevant), reverse)),
      });
    }
    const positiveQd = logSumExp(logitsQd, { mask: rows[0]!.positive! });
    if (partitionMode === 'joint') {
      const logZ = logSumExp(
        tf.concat(
          rows.map((r) => r.logits),
          1,
        ),
        {
          mask: tf.concat(
            rows.map((r) => r.keep),
            1,
          ),
        },
      );
      return tf.sub(logZ, positiveQd);
    }
    const perDirection = rows.map((r, index) =>
      tf.sub(
        logSumExp(r.logits, { mask: r.keep }),
        index === 0 ? positiveQd : logSumExp(r.logits, { mask: r.positive! }),
      ),
    );
    return tf.div(tf.addN(perDirection), perDirection.length);
  },
});
