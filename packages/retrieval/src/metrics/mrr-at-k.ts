import type { TensorInput } from '@xent/core';
import { cutoff, meanOverQueries, readPair, type TopKOptions } from './ranking.js';

/**
 * Mean reciprocal rank at k: 1/rank of the first relevant item within the top k (0 if none),
 * averaged over queries with at least one relevant item.
 *
 * @param scores `[Q, C]` (or `[C]`).  @param relevance `[Q, C]`, 0 = not relevant.
 * @returns a number in [0, 1]; NaN when no query has a relevant item.
 * @example mrrAtK(scores, relevance, { k: 10 });
 */
export function mrrAtK(scores: TensorInput, relevance: TensorInput, options: TopKOptions = {}): number {
  const k = cutoff('mrrAtK', options);
  const pair = readPair('mrrAtK', scores, relevance);
  return meanOverQueries(pair.scores, pair.relevance, (ranked) => {
    const first = ranked.slice(0, k).findIndex((r) => r > 0);
    return first < 0 ? 0 : 1 / (first + 1);
  });
}
