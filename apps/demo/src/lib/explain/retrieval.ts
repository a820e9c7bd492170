// Retrieval losses (@xent/retrieval): formula, when to use, recommended comparison.
import type { Explanations } from './types.js';

const p = String.raw;
const DUP = 'duplicates';

export const RETRIEVAL: Explanations = {
  infoNceLoss: {
    tex: p`\ell_i = -\log\frac{e^{\,s\cdot\mathrm{sim}(q_i, d_i)}}{\sum_{c} e^{\,s\cdot\mathrm{sim}(q_i, c)}}`,
    when: 'Dense retrieval with in-batch negatives — the baseline; duplicate docs in a batch become false negatives.',
    preset: DUP,
  },
  // The demo's duplicate-aware variant (`variants.ts`): infoNceLoss fed the batch's doc ids or query classes.
  infoNceLossDuplicateAware: {
    tex: p`\ell_i = -\log\frac{e^{\,s\cdot\mathrm{sim}(q_i, d_i)}}{e^{\,s\cdot\mathrm{sim}(q_i, d_i)} + \sum_{c \notin R_i} e^{\,s\cdot\mathrm{sim}(q_i, c)}},\ R_i = \{c : \mathrm{id}(c) = \mathrm{id}(d_i)\}`,
    when: 'Retrieval whose batches repeat documents (or hold several relevant ones): docs with the positive’s id never count as negatives.',
    preset: DUP,
  },
  debiasedContrastiveLoss: {
    tex: p`\ell_i = -\log\frac{e^{s_{ii}/t}}{e^{s_{ii}/t} + g},\ g = \max\Bigl(\tfrac{1}{1 - \tau^+}\Bigl[\sum_{j \ne i} e^{s_{ij}/t} - \tau^+ N_n e^{s_{ii}/t}\Bigr], N_n e^{-1/t}\Bigr)`,
    when: 'Retrieval with false negatives in the batch: corrects for an expected share τ⁺ of them.',
    preset: DUP,
  },
  mwLoss: {
    tex: p`L = \frac{1}{|P||N|}\sum_{p \in P}\sum_{n \in N}\operatorname{softplus}\bigl(s\,(s_n - s_p)\bigr)`,
    when: 'Retrieval with many relevant docs per query (an AUC bound); needs distinct docs — duplicates hurt it most.',
    preset: DUP,
  },
  decoupledContrastiveLoss: {
    tex: p`\ell_i^1 = -\frac{\langle z_i^1, z_i^2\rangle}{\tau} + \log\sum_{l}\sum_{j \ne i} e^{\langle z_i^1, z_j^l\rangle/\tau}`,
    when: 'Contrastive learning with small batches: the positive leaves the denominator.',
    preset: DUP,
  },
  sigmoidLoss: {
    tex: p`\ell_i = \sum_j -\log\sigma\bigl(z_{ij}(t\cdot\mathrm{sim}(q_i, d_j) + b)\bigr),\ z_{ij} = \pm 1`,
    when: 'Retrieval with independent pair decisions (SigLIP): no batch-wide softmax, scales to large batches.',
    preset: DUP,
  },
  softTopKLoss: {
    tex: p`\ell_i = -\frac{1}{|P_i|}\sum_{j \in P_i}\log\sigma\bigl(\alpha(s_{ij} + t_i)\bigr),\ \sum_l \sigma(\alpha(s_{il} + t_i)) = K`,
    when: 'Multi-positive retrieval (extreme classification): a positive only has to land in the top K.',
    preset: DUP,
  },
  decoupledSoftmaxLoss: {
    tex: p`\ell_i = \frac{1}{|P_i|}\sum_{j \in P_i} -\log\frac{e^{s_{ij}}}{e^{s_{ij}} + \sum_{l \notin P_i} e^{s_{il}}}`,
    when: 'Multi-positive retrieval: each positive competes only with negatives, not with the other positives.',
    preset: DUP,
  },
  gistEmbedLoss: {
    tex: p`\ell_i = -\log\frac{e^{\cos(q_i, d_i)/\tau}}{\sum_{c\ \text{kept by the guide}} e^{\cos(q_i, c)/\tau}}`,
    when: 'Retrieval with false negatives, filtered by a guide model (here the same encoder stands in as guide).',
    preset: DUP,
  },
  megaBatchMarginLoss: {
    tex: p`\ell_i = \max(0, m^+ - \cos(a_i, p_i)) + \max\bigl(0, \max_{j \ne i}\cos(a_i, p_j) - m^-\bigr)`,
    when: 'Paraphrase mining with the hardest in-batch negative; large batches.',
    preset: DUP,
  },
  ge2eLoss: {
    tex: p`L(e_{ji}) = -S_{ji,j} + \log\sum_k e^{S_{ji,k}},\ S_{ji,k} = w\cos(e_{ji}, c_k) + b`,
    when: 'Speaker verification: each utterance against every speaker centroid (batches of S speakers × M).',
  },
  listMleLoss: {
    tex: p`\ell = \sum_r\Bigl(\log\sum_{r' \ge r} e^{s_{\pi(r')}} - s_{\pi(r)}\Bigr)`,
    when: 'Learning to rank a list (Plackett–Luce likelihood of the target order); re-ranking.',
  },
  pListMleLoss: {
    tex: p`\ell = \sum_r \lambda_r\Bigl(\log\sum_{r' \ge r} e^{s_{\pi(r')}} - s_{\pi(r)}\Bigr),\ \lambda_r \propto 2^{n - r} - 1`,
    when: 'Learning to rank with the top positions weighted most.',
  },
  listNetLoss: {
    tex: p`\ell = -\sum_k \operatorname{softmax}(y)_k \log\operatorname{softmax}(s)_k`,
    when: 'Learning to rank from graded relevance (top-one probability).',
  },
  rankNetLoss: {
    tex: p`\ell = -\frac{1}{\#\text{pairs}}\sum_{y_i > y_j}\log_2\sigma\bigl(\sigma_0(s_i - s_j)\bigr)`,
    when: 'Learning to rank from pairwise preferences.',
  },
  lambdaLoss: {
    tex: p`\ell = -\frac{1}{\#\text{pairs}}\sum_{y_i > y_j} w_{ij}\log_2\sigma\bigl(\sigma_0(s_i - s_j)\bigr),\ w_{ij} \propto \lvert\Delta\mathrm{NDCG}_{ij}\rvert`,
    when: 'Learning to rank for NDCG: pairs weighted by how much swapping them changes NDCG.',
  },
  cosentLoss: {
    tex: p`\ell = \log\Bigl(1 + \sum_{y_m < y_n} e^{\,s(\cos_m - \cos_n)}\Bigr)`,
    when: 'Semantic similarity (STS) with graded gold scores: only their order matters. Here the pairs are scored 1 (same digit) or 0.',
  },
  angleLoss: {
    tex: p`\ell = \log\Bigl(1 + \sum_{y_m < y_n} e^{\,s(s_m - s_n)}\Bigr),\ s_n = \text{angle similarity}`,
    when: 'Semantic similarity (STS) where the cosine saturates near ±1. Here the pairs are scored 1 (same digit) or 0.',
  },
  cosineSimilarityLoss: {
    tex: p`\ell_n = \bigl(\cos(e^1_n, e^2_n) - y_n\bigr)^2`,
    when: 'Semantic similarity regression onto gold scores (the cosine is pulled to the score). Here the pairs are scored 1 (same digit) or 0.',
  },
  marginMseLoss: {
    tex: p`\ell_i = \frac1K\sum_k\bigl(s^+_i - s^-_{ik} - m_{ik}\bigr)^2`,
    when: 'Cross-encoder → bi-encoder distillation of score margins: needs teacher margins, which the playground does not make.',
  },
};
