import { checkOption, type TensorInput } from '@xent/core';
import { cutoff, meanOverQueries, readPair, rejectUnknownOptions, type TopKOptions } from './ranking.js';

/** Options for {@link ndcgAtK}. */
export interface NdcgAtKOptions extends TopKOptions {
  /** Gain of a relevance grade g: `'linear'` g (binary relevance, sentence-transformers) or `'exponential'` 2^g − 1. @defaultValue 'linear' */
  readonly gain?: 'linear' | 'exponential';
}

/**
 * Normalised discounted cumulative gain at k, averaged over queries with at least one relevant item:
 *
 *   DCG@k = Σ_{i=1}^{k} gainᵢ / log₂(i + 1),   nDCG@k = DCG@k / IDCG@k
 *
 * IDCG is the DCG of the ideal order of the row's relevance grades.
 *
 * @param scores `[Q, C]` (or `[C]`).  @param relevance `[Q, C]` grades ≥ 0.
 * @returns a number in [0, 1]; NaN when no query has a relevant item.
 * @example ndcgAtK(scores, relevance, { k: 10 });
 */
export function ndcgAtK(scores: TensorInput, relevance: TensorInput, options: NdcgAtKOptions = {}): number {
  rejectUnknownOptions('ndcgAtK', options, ['k', 'gain']);
  const k = cutoff('ndcgAtK', { k: options.k });
  const gainKind = options.gain ?? 'linear';
  checkOption('ndcgAtK', 'gain', gainKind, {
    type: 'enum',
    values: ['linear', 'exponential'],
    description: '',
  });
  const gain = (g: number) => (gainKind === 'linear' ? g : 2 ** g - 1);
  const dcg = (grades: readonly number[]) =>
    grades.slice(0, k).reduce((sum, g, i) => sum + gain(g) / Math.log2(i + 2), 0);
  const pair = readPair('ndcgAtK', scores, relevance);
  return meanOverQueries(pair.scores, pair.relevance, (ranked, row) => {
    const ideal = [...row].sort((a, b) => b - a);
    return dcg(ranked) / dcg(ideal);
  });
}
