import type { TensorInput } from '@xent/core';
import { cutoff, meanOverQueries, readPair, type TopKOptions } from './ranking.js';

/**
 * Recall@k in the information-retrieval sense, averaged over queries with at least one relevant item:
 *
 *   R@k = |Rel ∩ top_k| / |Rel|
 *
 * (Not the metric-learning "R@K", which is a hit rate.) Relevance > 0 counts as relevant.
 *
 * @param scores `[Q, C]` (or `[C]`).  @param relevance `[Q, C]`, 0 = not relevant.
 * @returns a number in [0, 1]; NaN when no query has a relevant item.
 * @example recallAtK(scores, relevance, { k: 10 });
 */
export function recallAtK(scores: TensorInput, relevance: TensorInput, options: TopKOptions = {}): number {
  const k = cutoff('recallAtK', options);
  const pair = readPair('recallAtK', scores, relevance);
  return meanOverQueries(pair.scores, pair.relevance, (ranked, row) => {
    const hits = ranked.slice(0, k).filter((r) => r > 0).length;
    return hits / row.filter((r) => r > 0).length;
  });
}
