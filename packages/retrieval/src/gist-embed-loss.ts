import * as tf from '@tensorflow/tfjs-core';
import {
  checkFinite,
  cosineSimilarity,
  defineLoss,
  describeTensor,
  detached,
  invalidOption,
  logSumExp,
  pickClass,
  type ReductionOptions,
  type TensorInput,
} from '@xent/core';
import { matrixOption } from './internal/options.js';

/** Options for {@link gistEmbedLoss}. */
export interface GistEmbedLossOptions extends ReductionOptions {
  /** Softmax temperature τ of the cosine similarities (sentence-transformers' default). @defaultValue 0.01 */
  readonly temperature?: number;
  /**
   * How the guide's positive similarity gᵢᵢ becomes the false-negative threshold tᵢ: `'absolute'`
   * tᵢ = gᵢᵢ − margin, `'relative'` tᵢ = gᵢᵢ − |gᵢᵢ|·margin. @defaultValue 'absolute'
   */
  readonly marginStrategy?: 'absolute' | 'relative';
  /** @defaultValue 0 */
  readonly margin?: number;
  /** Also contrast query i with the other queries (guide-filtered). @defaultValue true */
  readonly contrastAnchors?: boolean;
  /** Also contrast document i with the other documents (guide-filtered). @defaultValue true */
  readonly contrastPositives?: boolean;
  /** Extra negative documents `[H, D]` for every query (ST's third column). @defaultValue none */
  readonly hardNegatives?: TensorInput;
  /** The guide's embeddings of `hardNegatives`, `[H, G]`; required with them. @defaultValue none */
  readonly guideHardNegatives?: TensorInput;
}

const inputs = [
  { name: 'queries', dtype: 'float32', shape: ['N', 'D'], description: 'query (anchor) embeddings' },
  { name: 'docs', dtype: 'float32', shape: ['N', 'D'], description: 'positive document of each query' },
  {
    name: 'guideQueries',
    dtype: 'float32',
    shape: ['N', 'G'],
    description: "the frozen guide model's embeddings of the queries (not differentiated)",
  },
  {
    name: 'guideDocs',
    dtype: 'float32',
    shape: ['N', 'G'],
    description: "the frozen guide model's embeddings of the documents (not differentiated)",
  },
] as const;

/**
 * GISTEmbed (Solatorio 2024): InfoNCE whose in-batch negatives are filtered by a frozen guide model.
 * A candidate c is dropped from query i's softmax when the guide finds it at least as similar as the
 * positive, up to a margin: with gᵢᵢ = cos(guideQᵢ, guideDᵢ) and guide similarity g(i, c),
 *
 *   drop c  ⇔  g(i, c) > tᵢ,   tᵢ = gᵢᵢ − margin ('absolute') or gᵢᵢ − |gᵢᵢ|·margin ('relative')
 *   ℓᵢ = −log( exp(cos(qᵢ, dᵢ)/τ) / Σ_{c kept} exp(cos(·ᵢ, c)/τ) )
 *
 * over the rows qᵢ vs documents (dᵢ always kept), qᵢ vs the other queries (`contrastAnchors`), dᵢ vs
 * the other documents (`contrastPositives`) and qᵢ vs `hardNegatives`, all with cosine similarity
 * (sentence-transformers' GISTEmbedLoss; the guide is an input, so no model lives in the loss).
 * Self-pairs (qᵢ, qᵢ) and (dᵢ, dᵢ) are always dropped (ST drops them through the threshold, which
 * agrees unless gᵢᵢ ≥ 1 + margin). The guide gets no gradient.
 *
 * Degenerate inputs: one pair gives 0 (nothing but the positive is left); with `margin: 0`, exact
 * duplicates (g(i, c) = gᵢᵢ) stay negatives as in ST: give a small positive margin to drop them.
 *
 * @param queries float32 `[N, D]`.  @param docs float32 `[N, D]`.
 * @param guideQueries float32 `[N, G]`.  @param guideDocs float32 `[N, G]` (G may differ from D).
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2402.16829
 * @example const loss = gistEmbedLoss(q, d, guide(qText), guide(dText), { margin: 0.05 });
 */
export const gistEmbedLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  GistEmbedLossOptions,
  {
    temperature: number;
    marginStrategy: 'absolute' | 'relative';
    margin: number;
    contrastAnchors: boolean;
    contrastPositives: boolean;
  }
>({
  id: 'xent/gist-embed',
  name: 'gistEmbedLoss',
  family: 'retrieval',
  summary: 'GISTEmbed: in-batch InfoNCE whose false negatives are filtered out by a frozen guide model.',
  reference: {
    title: 'GISTEmbed: Guided In-sample Selection of Training Negatives for Text Embedding Fine-tuning',
    url: 'https://arxiv.org/abs/2402.16829',
    year: 2024,
  },
  inputs,
  defaults: {
    temperature: 0.01,
    marginStrategy: 'absolute',
    margin: 0,
    contrastAnchors: true,
    contrastPositives: true,
  },
  options: {
    temperature: { type: 'number', min: 0, exclusiveMin: true, description: 'softmax temperature τ' },
    marginStrategy: {
      type: 'enum',
      values: ['absolute', 'relative'],
      description: 'threshold gᵢᵢ − margin, or gᵢᵢ − |gᵢᵢ|·margin',
    },
    margin: { type: 'number', description: 'how far below the guide positive similarity a negative may be' },
    contrastAnchors: { type: 'boolean', description: 'add query-vs-query negatives' },
    contrastPositives: { type: 'boolean', description: 'add document-vs-document negatives' },
    hardNegatives: { type: 'other', description: 'extra negative documents [H, D]' },
    guideHardNegatives: { type: 'other', description: "the guide's embeddings of hardNegatives [H, G]" },
  },
  perExample: ({ queries, docs, guideQueries, guideDocs }, options, context) => {
    const { temperature, margin, marginStrategy, contrastAnchors, contrastPositives } = options;
    const fn = context.fn;
    const n = queries.shape[0]!;
    let negatives: tf.Tensor | undefined;
    let guideNegatives: tf.Tensor | undefined;
    if ((options.hardNegatives === undefined) !== (options.guideHardNegatives === undefined)) {
      const missing = options.hardNegatives === undefined ? 'hardNegatives' : 'guideHardNegatives';
      invalidOption(fn, missing, 'given together with hardNegatives / guideHardNegatives', undefined);
    }
    if (options.hardNegatives !== undefined) {
      negatives = matrixOption(fn, 'hardNegatives', options.hardNegatives, queries.shape[1]!);
      guideNegatives = matrixOption(
        fn,
        'guideHardNegatives',
        options.guideHardNegatives!,
        guideQueries.shape[1]!,
      );
      if (guideNegatives.shape[0] !== negatives.shape[0]) {
        invalidOption(
          fn,
          'guideHardNegatives',
          `float32 [${negatives.shape[0]}, ${guideQueries.shape[1]}] (one row per hard negative)`,
          describeTensor(guideNegatives),
        );
      }
      if (context.validate) {
        checkFinite(fn, 'options.hardNegatives', negatives);
        checkFinite(fn, 'options.guideHardNegatives', guideNegatives);
      }
    }
    // Which entries of each row stay in the softmax, from the guide alone (a constant to autodiff).
    const guideRows = (gq: tf.Tensor, gd: tf.Tensor, gn?: tf.Tensor) => {
      const eye = tf.eye(n);
      // The positive from the diagonal of the same matrix, so a duplicate ties with it exactly.
      const guidePairs = cosineSimilarity(gq, gd);
      const positive = tf.sum(tf.mul(guidePairs, eye), 1, true);
      const threshold =
        marginStrategy === 'absolute'
          ? tf.sub(positive, margin)
          : tf.sub(positive, tf.mul(tf.abs(positive), margin));
      const keep = (sims: tf.Tensor) => tf.cast(tf.lessEqual(sims, threshold), 'float32');
      const parts = [tf.maximum(keep(guidePairs), eye)];
      if (contrastAnchors) parts.push(tf.mul(keep(cosineSimilarity(gq, gq)), tf.sub(1, eye)));
      if (contrastPositives) parts.push(tf.mul(keep(cosineSimilarity(gd, gd)), tf.sub(1, eye)));
      if (gn !== undefined) parts.push(keep(cosineSimilarity(gq, gn)));
      return tf.concat(parts, 1);
    };
    const guideInputs = guideNegatives
      ? [guideQueries, guideDocs, guideNegatives]
      : [guideQueries, guideDocs];
    const keep = detached((gq, gd, gn) => guideRows(gq!, gd!, gn), ...guideInputs);
    const parts = [cosineSimilarity(queries, docs)];
    if (contrastAnchors) parts.push(cosineSimilarity(queries, queries));
    if (contrastPositives) parts.push(cosineSimilarity(docs, docs));
    if (negatives !== undefined) parts.push(cosineSimilarity(queries, negatives));
    const logits = tf.div(tf.concat(parts, 1), temperature);
    return tf.sub(logSumExp(logits, { mask: keep }), pickClass(logits, tf.range(0, n, 1, 'int32')));
  },
});
