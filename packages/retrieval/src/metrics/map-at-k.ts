import type { TensorInput } from '@xent/core';
import { cutoff, meanOverQueries, readPair, type TopKOptions } from './ranking.js';

/**
 * Mean average precision at k (sentence-transformers' definition), averaged over queries with at
 * least one relevant item:
 *
 *   AP@k = Σ_{i≤k} P@i · relᵢ / min(k, R)
 *
 * @param scores `[Q, C]` (or `[C]`).  @param relevance `[Q, C]`, 0 = not relevant.
 * @returns a number in [0, 1]; NaN when no query has a relevant item.
 * @example mapAtK(scores, relevance, { k: 10 });
 */
export function mapAtK(scores: TensorInput, relevance: TensorInput, options: TopKOptions = {}): number {
  const k = cutoff('mapAtK', options);
  const pair = readPair('mapAtK', scores, relevance);
  return meanOverQueries(pair.scores, pair.relevance, (ranked, row) => {
    let hits = 0;
    let sum = 0;
    ranked.slice(0, k).forEach((r, i) => {
      if (r <= 0) return;
      hits++;
      sum += hits / (i + 1);
    });
    return sum / Math.min(k, row.filter((r) => r > 0).length);
  });
}
