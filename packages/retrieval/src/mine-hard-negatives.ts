import * as tf from '@tensorflow/tfjs-core';
import {
  invalidOption,
  l2Normalize,
  type OptionSpec,
  resolveOptions,
  seededRandom,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';
import { sampleWithoutReplacement } from './internal/random.js';
import { type SimilarityKind, similarityMatrix, similarityOption } from './internal/similarity.js';

/** Options for {@link mineHardNegatives}. */
export interface MineHardNegativesOptions {
  /** Negatives per query (fewer where not enough candidates survive the filters). @defaultValue 3 */
  readonly numNegatives?: number;
  /** Skip the `rangeMin` best-scoring surviving candidates (likely false negatives). @defaultValue 0 */
  readonly rangeMin?: number;
  /**
   * Consider only the `rangeMax` best surviving candidates. @defaultValue rangeMin + numNegatives
   * with strategy 'top' and no filter, else rangeMin + 10·numNegatives
   */
  readonly rangeMax?: number;
  /** Drop candidates scoring above this (NV-Retriever TopK-Abs). @defaultValue none */
  readonly maxScore?: number;
  /** Drop candidates with s + margin > s⁺, s⁺ = the query's lowest positive score (TopK-MarginPos). @defaultValue none */
  readonly margin?: number;
  /** Drop candidates with s > s⁺·(1 − relativeMargin), s⁺ = the query's lowest positive score (TopK-PercPos). @defaultValue none */
  readonly relativeMargin?: number;
  /** `'top'`: the best of the window; `'random'`: uniform from the window; `'simans'`: SimANS sampling. @defaultValue 'top' */
  readonly strategy?: 'top' | 'random' | 'simans';
  /** SimANS sharpness a in p ∝ exp(−a·(s − s⁺ − b)²). @defaultValue 0.5 */
  readonly a?: number;
  /** SimANS offset b (the bell is centred at s⁺ + b). @defaultValue 0 */
  readonly b?: number;
  /** Seed of the sampling strategies. @defaultValue 0 */
  readonly seed?: number;
  /** Corpus rows scored at once (device memory is O(Q·blockSize)). @defaultValue 1024 */
  readonly blockSize?: number;
  /** @defaultValue 'cosine' */
  readonly similarity?: SimilarityKind;
}

/** What {@link mineHardNegatives} found: per query, corpus indices and their scores, best first. */
export interface MinedNegatives {
  readonly indices: number[][];
  readonly scores: number[][];
}

const FN = 'mineHardNegatives';

const OPTIONS: Record<keyof MineHardNegativesOptions, OptionSpec> = {
  numNegatives: { type: 'number', min: 1, integer: true, description: 'negatives per query' },
  rangeMin: { type: 'number', min: 0, integer: true, description: 'best candidates skipped' },
  rangeMax: { type: 'number', min: 1, integer: true, description: 'candidate window end' },
  maxScore: { type: 'number', description: 'absolute score ceiling' },
  margin: { type: 'number', description: 'absolute margin below the positive score' },
  relativeMargin: { type: 'number', min: 0, max: 1, description: 'relative margin below the positive score' },
  strategy: { type: 'enum', values: ['top', 'random', 'simans'], description: 'selection from the window' },
  a: { type: 'number', min: 0, description: 'SimANS sharpness' },
  b: { type: 'number', description: 'SimANS offset' },
  seed: { type: 'number', integer: true, description: 'sampling seed' },
  blockSize: { type: 'number', min: 1, integer: true, description: 'corpus rows per block' },
  similarity: similarityOption,
};

interface Candidate {
  readonly index: number;
  readonly score: number;
}

const byScore = (x: Candidate, y: Candidate) => y.score - x.score || x.index - y.index;

function embeddings(value: TensorInput, argument: string): tf.Tensor {
  const tensor = toTensor(value, FN, argument, 'float32');
  if (tensor.rank !== 2 || tensor.shape[0] === 0) {
    throw new XentError(tensor.rank === 2 ? 'EMPTY_BATCH' : 'SHAPE_MISMATCH', {
      fn: FN,
      argument,
      expected: 'float32 [rows ≥ 1, D]',
      received: `${tensor.dtype} [${tensor.shape.join(', ')}]`,
    });
  }
  return tensor;
}

function checkPositives(positives: readonly (readonly number[])[], queries: number, corpus: number): void {
  if (!Array.isArray(positives) || positives.length !== queries) {
    throw new XentError('SHAPE_MISMATCH', {
      fn: FN,
      argument: 'positives',
      expected: `one array of corpus indices per query (${queries})`,
      received: Array.isArray(positives) ? `${positives.length} arrays` : typeof positives,
    });
  }
  positives.forEach((row, i) => {
    row.forEach((index: number, j: number) => {
      if (!Number.isInteger(index) || index < 0 || index >= corpus) {
        throw new XentError('LABEL_OUT_OF_RANGE', {
          fn: FN,
          argument: 'positives',
          expected: `corpus indices in [0, ${corpus})`,
          received: `${index} at [${i}][${j}]`,
        });
      }
    });
  });
}

// Scores of each query against its own positives: [Q] arrays (empty where a query has none).
async function positiveScores(
  queries: tf.Tensor,
  corpus: tf.Tensor,
  positives: readonly (readonly number[])[],
  similarity: SimilarityKind,
): Promise<number[][]> {
  const rows = positives.flatMap((row, i) => row.map(() => i));
  const cols = positives.flat();
  if (rows.length === 0) return positives.map(() => []);
  const values = tf.tidy(() => {
    const norm = (x: tf.Tensor) => (similarity === 'cosine' ? l2Normalize(x) : x);
    const q = norm(tf.gather(queries, tf.tensor1d(rows, 'int32')));
    const c = norm(tf.gather(corpus, tf.tensor1d(cols, 'int32')));
    return tf.sum(tf.mul(q, c), -1);
  });
  const data = await values.data();
  values.dispose();
  const out: number[][] = positives.map(() => []);
  rows.forEach((row, k) => {
    out[row]!.push(data[k]!);
  });
  return out;
}

/**
 * Mines hard negatives for each query from a corpus, with the false-negative filters of
 * NV-Retriever / sentence-transformers and the SimANS sampler. The corpus is scored in blocks of
 * `blockSize` rows, so device memory stays O(Q·blockSize) and host memory O(Q·rangeMax).
 *
 * Order of operations per query: drop its positives (never returned); drop candidates failing
 * `maxScore`, `margin` (s + margin > s⁺) or `relativeMargin` (s > s⁺·(1 − r)), where s⁺ is the
 * query's *lowest* positive score, so a query with several positives is filtered against its
 * hardest one (queries without positives skip the margin filters); rank the survivors by score;
 * keep ranks [rangeMin, rangeMax); then take `numNegatives` of them: the best (`'top'`), uniformly
 * (`'random'`), or with SimANS probabilities p ∝ exp(−a·(s − s⁺ − b)²) where s⁺ is one of the
 * query's positive scores drawn at random (`'simans'`; uniform for a query without positives).
 * Sampling is seeded by `seed`. Results are sorted best first.
 *
 * @param queryEmb float32 `[Q, D]`.  @param corpusEmb float32 `[C, D]`.
 * @param positives per query, the corpus indices relevant to it.
 * @see https://arxiv.org/abs/2407.15831 (NV-Retriever), https://arxiv.org/abs/2210.11773 (SimANS)
 * @example const { indices } = await mineHardNegatives(q, corpus, [[3], [7, 9]], { numNegatives: 5, relativeMargin: 0.05 });
 */
export async function mineHardNegatives(
  queryEmb: TensorInput,
  corpusEmb: TensorInput,
  positives: readonly (readonly number[])[],
  options: MineHardNegativesOptions = {},
): Promise<MinedNegatives> {
  resolveOptions(FN, OPTIONS, options);
  const numNegatives = options.numNegatives ?? 3;
  const rangeMin = options.rangeMin ?? 0;
  const strategy = options.strategy ?? 'top';
  const similarity = options.similarity ?? 'cosine';
  const filtered =
    options.maxScore !== undefined || options.margin !== undefined || options.relativeMargin !== undefined;
  const rangeMax = options.rangeMax ?? rangeMin + numNegatives * (filtered || strategy !== 'top' ? 10 : 1);
  if (rangeMax <= rangeMin) invalidOption(FN, 'rangeMax', `an integer > rangeMin (${rangeMin})`, rangeMax);
  const blockSize = options.blockSize ?? 1024;

  const created: tf.Tensor[] = [];
  const track = (t: tf.Tensor, input: TensorInput) => {
    if (t !== input) created.push(t);
    return t;
  };
  try {
    const queries = track(embeddings(queryEmb, 'queryEmb'), queryEmb);
    const corpus = track(embeddings(corpusEmb, 'corpusEmb'), corpusEmb);
    const [q, d] = queries.shape as [number, number];
    const c = corpus.shape[0]!;
    if (corpus.shape[1] !== d) {
      throw new XentError('SHAPE_MISMATCH', {
        fn: FN,
        argument: 'corpusEmb',
        expected: `float32 [C, ${d}] (D from queryEmb)`,
        received: `${corpus.dtype} [${corpus.shape.join(', ')}]`,
      });
    }
    checkPositives(positives, q, c);
    const positiveSets = positives.map((row) => new Set(row));
    // Positive scores are needed only by the margin filters and SimANS.
    const needsPositiveScores =
      options.margin !== undefined || options.relativeMargin !== undefined || strategy === 'simans';
    const posScores = needsPositiveScores
      ? await positiveScores(queries, corpus, positives, similarity)
      : positives.map(() => []);
    const hardestPositive = posScores.map((row) => (row.length ? Math.min(...row) : Number.NaN));
    const passes = (i: number, score: number): boolean => {
      if (options.maxScore !== undefined && score > options.maxScore) return false;
      const sPos = hardestPositive[i]!;
      if (Number.isNaN(sPos)) return true;
      if (options.margin !== undefined && score + options.margin > sPos) return false;
      if (options.relativeMargin !== undefined && score > sPos * (1 - options.relativeMargin)) return false;
      return true;
    };

    const candidates: Candidate[][] = Array.from({ length: q }, () => []);
    const prune = (list: Candidate[]) => {
      list.sort(byScore);
      list.length = Math.min(list.length, rangeMax);
    };
    for (let start = 0; start < c; start += blockSize) {
      const size = Math.min(blockSize, c - start);
      const block = tf.tidy(() =>
        similarityMatrix(queries, tf.slice(corpus, [start, 0], [size, d]), similarity),
      );
      const values = await block.data();
      block.dispose();
      for (let i = 0; i < q; i++) {
        const list = candidates[i]!;
        for (let j = 0; j < size; j++) {
          const index = start + j;
          const score = values[i * size + j]!;
          if (positiveSets[i]!.has(index) || !passes(i, score)) continue;
          list.push({ index, score });
        }
        if (list.length > 2 * rangeMax) prune(list);
      }
    }

    const next = seededRandom(options.seed ?? 0);
    const indices: number[][] = [];
    const scores: number[][] = [];
    candidates.forEach((list, i) => {
      prune(list);
      const window = list.slice(rangeMin, rangeMax);
      let chosen: Candidate[];
      if (strategy === 'top') chosen = window.slice(0, numNegatives);
      else {
        let weights = window.map(() => 1);
        const row = posScores[i]!;
        if (strategy === 'simans' && row.length > 0) {
          const sPos = row[Math.floor(next() * row.length)]!;
          const a = options.a ?? 0.5;
          const b = options.b ?? 0;
          weights = window.map((cand) => Math.exp(-a * (cand.score - sPos - b) ** 2));
          if (!weights.some((w) => w > 0)) weights = window.map(() => 1);
        }
        chosen = sampleWithoutReplacement(weights, numNegatives, next).map((k) => window[k]!);
        chosen.sort(byScore);
      }
      indices.push(chosen.map((cand) => cand.index));
      scores.push(chosen.map((cand) => cand.score));
    });
    return { indices, scores };
  } finally {
    tf.dispose(created);
  }
}
