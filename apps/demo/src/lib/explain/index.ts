// Every family's explanations, by loss name.
import { CLASSIFICATION } from './classification.js';
import { DISTILLATION } from './distillation.js';
import { METRIC } from './metric.js';
import { RETRIEVAL } from './retrieval.js';
import type { Explanation, Explanations } from './types.js';

export type { Explanation, Explanations } from './types.js';

export const EXPLANATIONS: Explanations = { ...CLASSIFICATION, ...DISTILLATION, ...METRIC, ...RETRIEVAL };

/** The explanation of a loss, by its spec name (undefined for losses the data files do not cover). */
export function explanationOf(name: string): Explanation | undefined {
  return EXPLANATIONS[name];
}
