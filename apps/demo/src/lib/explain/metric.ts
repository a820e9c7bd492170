// Metric-learning losses (@xent/metric): formula, when to use, recommended comparison.
import type { Explanations } from './types.js';

const p = String.raw;
const OPEN = 'openset';
const PROXY =
  'Open-set retrieval with a learned vector per class (proxy / class weight): fast convergence, no pair mining.';

export const METRIC: Explanations = {
  tripletMarginLoss: {
    tex: p`\ell(a, p, n) = [\,d_{ap} - d_{an} + m\,]_+`,
    when: 'Open-set metric learning (test classes unseen in training): the classic baseline; sensitive to mining.',
    preset: OPEN,
  },
  contrastiveLoss: {
    tex: p`\ell^+ = [d_{ap} - m^+]_+,\quad \ell^- = [m^- - d_{an}]_+`,
    when: 'Open-set metric learning with pairs: simple, margin-based.',
    preset: OPEN,
  },
  multiSimilarityLoss: {
    tex: p`L_i = \tfrac1\alpha\log\Bigl(1 + \sum_{k \in P_i} e^{-\alpha(S_{ik} - \lambda)}\Bigr) + \tfrac1\beta\log\Bigl(1 + \sum_{k \in N_i} e^{\beta(S_{ik} - \lambda)}\Bigr)`,
    when: 'Open-set metric learning: weights every pair by its own and its neighbours’ similarity; strong pair-based baseline.',
    preset: OPEN,
  },
  circleLoss: {
    tex: p`L_i = \operatorname{softplus}\Bigl(\operatorname{LSE}_{p}\bigl(-\gamma\alpha_p(s_p - \Delta_p)\bigr) + \operatorname{LSE}_{n}\bigl(\gamma\alpha_n(s_n - \Delta_n)\bigr)\Bigr)`,
    when: 'Open-set metric learning: re-weights each similarity by how far it is from its optimum.',
    preset: OPEN,
  },
  supConLoss: {
    tex: p`L_i = -\frac{1}{|P(i)|}\sum_{p \in P(i)}\Bigl[\frac{s_{ip}}{\tau} - \log\sum_{a \ne i} e^{s_{ia}/\tau}\Bigr]`,
    when: 'Open-set metric learning with several positives per anchor (supervised contrastive).',
    preset: OPEN,
  },
  ntXentLoss: {
    tex: p`\ell(a, p) = -\log\frac{e^{s_{ap}/\tau}}{e^{s_{ap}/\tau} + \sum_{n} e^{s_{an}/\tau}}`,
    when: 'Self-supervised or open-set metric learning with one positive pair per anchor (SimCLR).',
    preset: OPEN,
  },
  marginLoss: {
    tex: p`\ell = [d_{ap} - \beta + \alpha]_+ + [\beta - d_{an} + \alpha]_+`,
    when: 'Open-set metric learning with distance-weighted sampling and a learned boundary β.',
    preset: OPEN,
  },
  proxyAnchorLoss: {
    tex: p`L = \frac{1}{|P^+|}\sum_{p \in P^+}\log\Bigl(1 + \sum_{x \in X_p^+} e^{-\alpha(s(x,p) - \delta)}\Bigr) + \frac1C\sum_p \log\Bigl(1 + \sum_{x \in X_p^-} e^{\alpha(s(x,p) + \delta)}\Bigr)`,
    when: PROXY,
    preset: OPEN,
  },
  proxyNcaLoss: {
    tex: p`\ell_i = -\log\frac{e^{-\sigma\lVert \hat x_i - \hat p_{y_i}\rVert^2}}{\sum_j e^{-\sigma\lVert \hat x_i - \hat p_j\rVert^2}}`,
    when: PROXY,
    preset: OPEN,
  },
  arcFaceLoss: {
    tex: p`\ell_i = -\log\frac{e^{s\cos(\theta_{y_i} + m)}}{e^{s\cos(\theta_{y_i} + m)} + \sum_{j \ne y_i} e^{s\cos\theta_j}}`,
    when: 'Face-style recognition with many classes: an angular margin on normalised class weights.',
    preset: OPEN,
  },
  subCenterArcFaceLoss: {
    tex: p`\cos\theta_c = \max_k \hat x_i \cdot \hat w_{c,k},\quad \ell_i = \mathrm{ArcFace}(\theta)`,
    when: 'ArcFace on noisy classes: K sub-centres per class (the playground feeds [C·K, D] weights) absorb outliers.',
    preset: OPEN,
  },
  cosFaceLoss: {
    tex: p`\ell_i = -\log\frac{e^{s(\cos\theta_{y_i} - m)}}{e^{s(\cos\theta_{y_i} - m)} + \sum_{j \ne y_i} e^{s\cos\theta_j}}`,
    when: 'Face-style recognition: an additive cosine margin (AM-Softmax), simpler than ArcFace.',
    preset: OPEN,
  },
  sphereFaceLoss: {
    tex: p`\ell_i = -\log\frac{e^{s\lVert x_i\rVert\psi(\theta_{y_i})}}{e^{s\lVert x_i\rVert\psi(\theta_{y_i})} + \sum_{j \ne y_i} e^{s\lVert x_i\rVert\cos\theta_j}}`,
    when: 'Face-style recognition: a multiplicative angular margin (A-Softmax).',
    preset: OPEN,
  },
  largeMarginSoftmaxLoss: {
    tex: p`\ell_i = -\log\frac{e^{\lVert w_{y_i}\rVert\lVert x_i\rVert\psi(\theta_{y_i})}}{e^{\lVert w_{y_i}\rVert\lVert x_i\rVert\psi(\theta_{y_i})} + \sum_{j \ne y_i} e^{\lVert w_j\rVert\lVert x_i\rVert\cos\theta_j}}`,
    when: 'Classification-as-metric-learning with an angular margin that keeps both norms (L-Softmax).',
    preset: OPEN,
  },
  normalizedSoftmaxLoss: {
    tex: p`\ell_i = -\log \operatorname{softmax}\bigl(\hat x_i \hat W^{\top}/\tau\bigr)_{y_i}`,
    when: 'Open-set retrieval: classification on normalised weights is a strong, cheap baseline.',
    preset: OPEN,
  },
  softTripleLoss: {
    tex: p`S_c = \sum_k \operatorname{softmax}_k(s_{c,\cdot}/\gamma)\,s_{c,k},\quad \ell_i = -\log\frac{e^{\lambda(S_{y_i} - \delta)}}{e^{\lambda(S_{y_i} - \delta)} + \sum_{c \ne y_i} e^{\lambda S_c}}`,
    when: 'Classes with several modes: K centres per class (the playground feeds [C·K, D] centres), triplets without sampling.',
    preset: OPEN,
  },
  angularLoss: {
    tex: p`\ell_{ap} = \log\Bigl(1 + \sum_n e^{4\tan^2\alpha\,(x_a + x_p)\cdot x_n - 2(1 + \tan^2\alpha)\,x_a\cdot x_p}\Bigr)`,
    when: 'Open-set metric learning: a scale-invariant angle constraint at the negative.',
    preset: OPEN,
  },
  liftedStructureLoss: {
    tex: p`\ell_{ij} = \tfrac12\Bigl[\log\Bigl(\sum_{(i,k) \in N} e^{m - d_{ik}} + \sum_{(j,l) \in N} e^{m - d_{jl}}\Bigr) + d_{ij}\Bigr]_+^2`,
    when: 'Open-set metric learning using every negative of the batch (cost grows with B²).',
    preset: OPEN,
  },
  generalizedLiftedStructureLoss: {
    tex: p`\ell_i = \Bigl[\log\sum_{p} e^{d_{ip} - m^+} + \log\sum_{n} e^{m^- - d_{in}}\Bigr]_+`,
    when: 'Open-set metric learning: lifted structure per anchor (person re-identification).',
    preset: OPEN,
  },
  ncaLoss: {
    tex: p`\ell_i = -\log\frac{\sum_{j \in P_i} e^{-\sigma d_{ij}}}{\sum_{j \ne i} e^{-\sigma d_{ij}}}`,
    when: 'Open-set metric learning for nearest-neighbour classification (soft 1-NN).',
    preset: OPEN,
  },
  fastApLoss: {
    tex: p`\ell_i = 1 - \frac{1}{|P_i|}\sum_l \frac{h^+_{il} H^+_{il}}{H_{il}}`,
    when: 'Retrieval ranked by average precision: optimises a histogram approximation of AP.',
    preset: OPEN,
  },
  intraPairVarianceLoss: {
    tex: p`\ell^+_k = [(1 - \varepsilon^+)\mu^+ - s^+_k]_+^2,\quad \ell^-_k = [s^-_k - (1 + \varepsilon^-)\mu^-]_+^2`,
    when: 'Added to a pair loss: keeps the pair similarities of each set tight around their mean.',
    preset: OPEN,
  },
  tcmLoss: {
    tex: p`L = \lambda^+\,\overline{(m^+ - S)}_{S \le m^+} + \lambda^-\,\overline{(S - m^-)}_{S \ge m^-}`,
    when: 'Added to a base loss: one similarity threshold that works across classes (threshold consistency).',
    preset: OPEN,
  },
  icnnLoss: {
    tex: p`L = -\log\Bigl(\tfrac12\bigl(\tfrac{\lambda_{\text{same}} + \lambda_{\text{diff}}}{2} + \gamma\bigr)\Bigr)`,
    when: 'Few-shot metric learning: scores intra-class nearest neighbours.',
    preset: OPEN,
  },
  protoTripletLoss: {
    tex: p`\ell_q = \bigl[d(q, c_y) - \min_{k \ne y} d(q, c_k) + m\bigr]_+`,
    when: 'Few-shot learning with class prototypes (batch class means here).',
    preset: OPEN,
  },
  metrixContrastiveLoss: {
    tex: p`\ell^+ = y[d - m^+]_+,\quad \ell^- = (1 - y)[m^- - d]_+\quad(\text{mixed embeddings})`,
    when: 'Metric learning with mixup (Metrix): needs mixed embeddings, which the playground does not make.',
  },
  metrixMultiSimilarityLoss: {
    tex: p`\ell(a) = \tfrac1\alpha\log\Bigl(1 + \sum_u y(u)e^{-\alpha(S_{au} - \lambda)}\Bigr) + \tfrac1\beta\log\Bigl(1 + \sum_u (1 - y(u))e^{\beta(S_{au} - \lambda)}\Bigr)`,
    when: 'Metric learning with mixup (Metrix): needs mixed embeddings, which the playground does not make.',
  },
  lpRegularizer: {
    tex: p`\ell_i = \lVert x_i\rVert_p^{\,k}`,
    when: 'A regulariser to add to a loss (alone it only shrinks the embeddings).',
  },
  centerInvariantRegularizer: {
    tex: p`\ell_c = \tfrac14\Bigl(\lVert w_c\rVert^2 - \tfrac1C\sum_k \lVert w_k\rVert^2\Bigr)^2`,
    when: 'A regulariser on class weights (equal norms); not a loss to train alone.',
  },
  regularFaceRegularizer: {
    tex: p`\ell_c = \max_{k \ne c}\cos(w_c, w_k)`,
    when: 'A regulariser on class weights (pushes classes apart); not a loss to train alone.',
  },
  instanceLoss: {
    tex: p`\ell_i = -\log\frac{e^{\gamma\cos(x_i, x_{c_i})}}{\sum_j e^{\gamma\cos(x_i, x_j)}},\ c_i = \text{rank of } y_i \text{ among the batch's labels}`,
    when: 'Instance discrimination (one label per image or image–text pair): each sample must be nearest to its own row, every other instance is pushed away.',
    preset: OPEN,
  },
  histogramLoss: {
    tex: p`L = \sum_r h^-_r \sum_{q \le r} h^+_q,\ h^\pm_r = \frac{1}{|S^\pm|}\sum_{(i,j) \in S^\pm}\bigl[1 - |s_{ij} - t_r|/\Delta\bigr]_+`,
    when: 'Metric learning without margins or tuned weights: minimises the chance that a negative pair is more similar than a positive one.',
    preset: OPEN,
  },
};
