import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type ReductionOptions } from '@xent/core';
import {
  type ListOrderOptions,
  listChoices,
  listMask,
  listOrderOptions,
  positionAwareWeights,
  rerankInputs,
} from './internal/rerank.js';

/** Options for {@link pListMleLoss}. */
export interface PListMleLossOptions extends ReductionOptions, ListOrderOptions {}

/**
 * Position-aware ListMLE (Lan et al. 2014), as sentence-transformers' cross-encoder `PListMLELoss`
 * with its default lambda weight: ListMLE's choice terms weighted towards the top of the ranking,
 * λ_r ∝ 2^{n−r} − 1 (r = 0…n−1 the rank, n the list's real documents), normalised to sum 1:
 *
 *   ℓₙ = Σ_r λ_r · ( log Σ_{r' ≥ r} exp(s_{π(r')}) − s_{π(r)} ),   λ_r = (2^{n−r} − 1)/Σ_q (2^{n−q} − 1)
 *
 * (computed as 2^{−r} − 2^{−n}, normalised, so long lists do not overflow). Degenerate inputs: one
 * document (or none) gives 0.
 *
 * @param logits float32 `[N, K]`.  @param labels float32 `[N, K]` graded relevance (only its order
 *   matters, and only with `respectInputOrder: false`).
 * @returns `[N]` with `reduction: 'none'`, else a scalar (`'mean'` is ST's value).
 * @see https://auai.org/uai2014/proceedings/individuals/164.pdf
 * @example const loss = pListMleLoss(scores, labels, { respectInputOrder: false });
 */
export const pListMleLoss = /* @__PURE__ */ defineLoss<
  typeof rerankInputs,
  PListMleLossOptions,
  { respectInputOrder: boolean }
>({
  id: 'xent/p-list-mle',
  name: 'pListMleLoss',
  family: 'retrieval',
  summary: 'Position-aware ListMLE: Plackett–Luce choice terms weighted towards the top ranks.',
  reference: {
    title: 'Position-Aware ListMLE: A Sequential Learning Process for Ranking',
    url: 'https://auai.org/uai2014/proceedings/individuals/164.pdf',
    year: 2014,
  },
  inputs: rerankInputs,
  defaults: { respectInputOrder: true },
  options: listOrderOptions,
  perExample: ({ logits, labels }, { respectInputOrder, mask }, context) => {
    const keep = listMask(context.fn, mask, logits, context.validate);
    const { choices } = listChoices(logits, labels, keep, respectInputOrder);
    // The labels only pick the ranking (and so the weights): a zero gradient.
    return tf.sum(tf.mul(choices, positionAwareWeights(keep, labels)), -1);
  },
});
