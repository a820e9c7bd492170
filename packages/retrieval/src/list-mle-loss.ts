import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
import {
  type ListOrderOptions,
  listChoices,
  listMask,
  listOrderOptions,
  rerankInputs,
  zeroGradientFrom,
} from './internal/rerank.js';

/** Options for {@link listMleLoss}. */
export interface ListMleLossOptions extends ReductionOptions, ListOrderOptions {}

/**
 * ListMLE (Xia et al. 2008), as sentence-transformers' cross-encoder `ListMLELoss`: the negative
 * log-likelihood of the target ranking π under the Plackett–Luce model of the scores:
 *
 *   ℓₙ = Σ_{r} ( log Σ_{r' ≥ r} exp(s_{π(r')}) − s_{π(r)} )   over the list's real documents
 *
 * The target ranking is the input order (`respectInputOrder`, ST's default) or the labels'. It
 * shares core's Plackett–Luce primitives with `@xent/distill`'s PLD. Degenerate inputs: one document
 * (or none) gives 0.
 *
 * @param logits float32 `[N, K]`.  @param labels float32 `[N, K]` graded relevance (only its order
 *   matters, and only with `respectInputOrder: false`).
 * @returns `[N]` with `reduction: 'none'`, else a scalar (`'mean'` is ST's value).
 * @see https://doi.org/10.1145/1390156.1390306
 * @example const loss = listMleLoss(scores, labels, { respectInputOrder: false });
 */
export const listMleLoss = /* @__PURE__ */ defineLoss<
  typeof rerankInputs,
  ListMleLossOptions,
  { respectInputOrder: boolean }
>({
  id: 'xent/list-mle',
  name: 'listMleLoss',
  family: 'retrieval',
  summary: 'ListMLE: Plackett–Luce negative log-likelihood of the target ranking.',
  reference: {
    title: 'Listwise Approach to Learning to Rank: Theory and Algorithm',
    url: 'https://doi.org/10.1145/1390156.1390306',
    year: 2008,
  },
  inputs: rerankInputs,
  defaults: { respectInputOrder: true },
  options: listOrderOptions,
  perExample: ({ logits, labels }, { respectInputOrder, mask }, context) => {
    const keep = listMask(context.fn, mask, logits, context.validate);
    const { choices } = listChoices(logits, labels, keep, respectInputOrder);
    // The labels only pick the ranking: a zero gradient.
    return zeroGradientFrom(tf.sum(choices, -1), labels);
  },
});
