import { checkOption, type TensorInput } from '@xent/core';
import { type HostMatrix, readPair, rejectUnknownOptions } from './ranking.js';

/** Options for {@link rocAuc}. */
export interface RocAucOptions {
  /**
   * `'global'`: one AUC over every (query, item) pair pooled (thresholdability across queries, the MW
   * paper's metric); `'perQuery'`: the AUC of each row, averaged over rows with both classes. @defaultValue 'global'
   */
  readonly pairing?: 'global' | 'perQuery';
}

// Mann-Whitney U / (n⁺n⁻) from average ranks: sort ascending, tied scores share their mean rank.
function mannWhitney(scores: readonly number[], positive: readonly boolean[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let positives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if (positive[order[i]!]) {
        rankSum += averageRank;
        positives++;
      }
    }
    start = end + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function rowOf(m: HostMatrix, i: number): number[] {
  return Array.from({ length: m.cols }, (_, j) => m.data[i * m.cols + j]!);
}

/**
 * ROC-AUC by the Mann-Whitney statistic, O(n log n):
 *
 *   AUC = (1/(n⁺n⁻)) Σ_{p∈Pos} Σ_{n∈Neg} (1[sₚ > sₙ] + ½·1[sₚ = sₙ])
 *
 * computed as (R⁺ − n⁺(n⁺ + 1)/2)/(n⁺n⁻) with R⁺ the sum of the positives' average ranks.
 *
 * @param scores `[Q, C]` or `[C]`.  @param labels same shape, > 0 = positive.
 * @returns a number in [0, 1]; NaN when there is no positive or no negative.
 * @see https://en.wikipedia.org/wiki/Mann%E2%80%93Whitney_U_test#Area-under-curve_(AUC)_statistic_for_ROC_curves
 * @example rocAuc(cosineScores, relevance);
 */
export function rocAuc(scores: TensorInput, labels: TensorInput, options: RocAucOptions = {}): number {
  rejectUnknownOptions('rocAuc', options, ['pairing']);
  const pairing = options.pairing ?? 'global';
  checkOption('rocAuc', 'pairing', pairing, {
    type: 'enum',
    values: ['global', 'perQuery'],
    description: '',
  });
  const pair = readPair('rocAuc', scores, labels, 'labels');
  if (pairing === 'global') {
    return mannWhitney(
      Array.from(pair.scores.data),
      Array.from(pair.relevance.data, (r) => r > 0),
    );
  }
  let total = 0;
  let counted = 0;
  for (let i = 0; i < pair.scores.rows; i++) {
    const auc = mannWhitney(
      rowOf(pair.scores, i),
      rowOf(pair.relevance, i).map((r) => r > 0),
    );
    if (Number.isNaN(auc)) continue;
    total += auc;
    counted++;
  }
  return counted === 0 ? Number.NaN : total / counted;
}
