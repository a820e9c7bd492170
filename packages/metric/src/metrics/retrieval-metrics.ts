import { checkOption } from '@xent/core';
import {
  type HostInput,
  meanOverQueries,
  type RetrievalMetricOptions,
  rankedRelevance,
} from './neighbours.js';

/**
 * Precision@1: the fraction of queries whose nearest other item shares their label (each item queries
 * the rest; queries alone in their class are skipped, as in PML's AccuracyCalculator).
 *
 * @param embeddings `[N, D]`.  @param labels `[N]`.
 * @example precisionAt1(testEmbeddings, testLabels) // 0.97
 */
export function precisionAt1(
  embeddings: HostInput,
  labels: HostInput,
  options: RetrievalMetricOptions = {},
): number {
  return meanOverQueries(rankedRelevance(embeddings, labels, options, 'precisionAt1'), (q) =>
    q.relevant[0] ? 1 : 0,
  );
}

/**
 * R-Precision: with R the number of other items of the query's class, the fraction of the R nearest
 * that are relevant, averaged over queries.
 *
 * @example rPrecision(testEmbeddings, testLabels)
 */
export function rPrecision(
  embeddings: HostInput,
  labels: HostInput,
  options: RetrievalMetricOptions = {},
): number {
  return meanOverQueries(rankedRelevance(embeddings, labels, options, 'rPrecision'), (q) => {
    let hits = 0;
    for (let i = 0; i < q.total; i++) if (q.relevant[i]) hits++;
    return hits / q.total;
  });
}

/**
 * MAP@R (Musgrave et al., "A Metric Learning Reality Check", 2020): (1/R) Σ_{i≤R} P@i·rel_i, averaged
 * over queries.
 *
 * @see https://arxiv.org/abs/2003.08505
 * @example mapAtR(testEmbeddings, testLabels)
 */
export function mapAtR(
  embeddings: HostInput,
  labels: HostInput,
  options: RetrievalMetricOptions = {},
): number {
  return meanOverQueries(rankedRelevance(embeddings, labels, options, 'mapAtR'), (q) => {
    let hits = 0;
    let sum = 0;
    for (let i = 0; i < q.total; i++) {
      if (!q.relevant[i]) continue;
      hits++;
      sum += hits / (i + 1);
    }
    return sum / q.total;
  });
}

/**
 * Recall@K in the deep-metric-learning sense (the "R@K" of CUB/Cars/SOP tables): the fraction of
 * queries with at least one same-label item among their K nearest. This is a hit rate, not the IR
 * recall |relevant ∩ top-K| / |relevant|.
 *
 * @example recallAtK(testEmbeddings, testLabels, 4)
 */
export function recallAtK(
  embeddings: HostInput,
  labels: HostInput,
  k: number,
  options: RetrievalMetricOptions = {},
): number {
  checkOption('recallAtK', 'k', k, { type: 'number', min: 1, integer: true, description: 'cut-off' });
  return meanOverQueries(rankedRelevance(embeddings, labels, options, 'recallAtK'), (q) =>
    q.relevant.slice(0, k).some(Boolean) ? 1 : 0,
  );
}
