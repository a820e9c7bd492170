// What a comparison is scored on, named once for the cards, the charts and the results table.
import type { Family } from '../lib/adapters.js';

/** Short name (cards, table headers). */
export function metricShort(family: Family, multiLabel = false): string {
  if (multiLabel) return 'mAP';
  return family === 'metric' ? '1-NN acc' : family === 'retrieval' ? 'recall@1' : 'test acc';
}

/** Long name (chart titles and axes). */
export function metricLabel(family: Family, multiLabel = false): string {
  if (multiLabel) return 'mean average precision over the labels (test)';
  return family === 'metric'
    ? '1-NN test accuracy'
    : family === 'retrieval'
      ? 'recall@1 (test)'
      : 'test accuracy';
}
