// Classification losses (@xent/losses): formula, when to use, recommended comparison.
import type { Explanations } from './types.js';

const NOISE = 'noise40';
const p = String.raw;

export const CLASSIFICATION: Explanations = {
  crossEntropyLoss: {
    tex: p`\ell_i = -\log \operatorname{softmax}(z_i)_{y_i} = \log \textstyle\sum_c e^{z_{ic}} - z_{i y_i}`,
    when: 'The baseline of every scenario: clean labels, balanced classes. It memorises wrong labels and grows over-confident on small sets.',
    preset: NOISE,
  },
  gceLoss: {
    tex: p`\ell = \frac{1 - p_y^{\,q}}{q},\quad p = \operatorname{softmax}(z)`,
    when: 'Label noise: interpolates between CE (q → 0) and MAE (q = 1); bounded, so wrong labels pull less.',
    preset: NOISE,
  },
  activePassiveLoss: {
    tex: p`\ell = \alpha\,\frac{-\log p_y}{-\sum_k \log p_k} + \beta\,\bigl(-A(1 - p_y)\bigr)\quad(\text{NCE+RCE})`,
    when: 'Label noise (symmetric or pair-flip): a normalised "active" term plus a bounded "passive" one; fits better than MAE alone.',
    preset: NOISE,
  },
  normalizedCrossEntropyLoss: {
    tex: p`\ell_i = \frac{-\log p_{i y_i}}{-\sum_k \log p_{ik}} \in [0, 1]`,
    when: 'Label noise, as the active half of NCE+RCE; alone it underfits (use it inside active-passive).',
    preset: NOISE,
  },
  reverseCrossEntropyLoss: {
    tex: p`\ell_i = -\sum_k p_{ik}\log\max(t_{ik}, \varepsilon) = -A\,(1 - p_{i y_i})`,
    when: 'Label noise, as the passive half of SCE / NCE+RCE: bounded and symmetric.',
    preset: NOISE,
  },
  maeLoss: {
    tex: p`\ell = 1 - p_y,\quad p = \operatorname{softmax}(z)`,
    when: 'Symmetric label noise, in theory: robust but very slow to fit — compare it with GCE under noise.',
    preset: NOISE,
  },
  compSumLoss: {
    tex: p`\ell = \Phi^{\tau}\!\Bigl(\sum_{y' \ne y} e^{z_{y'} - z_y}\Bigr) = \frac{p_y^{\,\tau - 1} - 1}{1 - \tau}`,
    when: 'Label noise and theory of CE variants: τ = 1 is CE, τ ∈ (1, 2) GCE, τ = 2 MAE — one knob from fitting to robust.',
    preset: NOISE,
  },
  ldrKlLoss: {
    tex: p`\ell = \lambda \log\Bigl(\frac1C \sum_k e^{(c\,\mathbb 1[k \ne y] + \tilde s_k - \tilde s_y)/\lambda}\Bigr)`,
    when: 'Label noise: a distributionally robust margin loss (its value can be negative — read the curves raw).',
    preset: NOISE,
  },
  aldrKlLoss: {
    tex: p`\ell_i = \lambda_i \log\Bigl(\frac1C \sum_k e^{(c\,\mathbb 1[k \ne y_i] + \tilde s_{ik} - \tilde s_{iy_i})/\lambda_i}\Bigr),\ \lambda_i = \lambda_0 - \frac{\lambda_0\,\mathrm{KL}_i}{\alpha \log C}`,
    when: 'Label noise with a per-example λᵢ (the playground keeps one per training row): confident rows get max-margin, uncertain ones a flat loss.',
    preset: NOISE,
  },
  errorNormTruncation: {
    tex: p`\ell_i = \mathbb 1\bigl[\lVert \operatorname{softmax}(z_i) - t_i\rVert_2 \le \theta\bigr]\cdot(-\log p_{i y_i})`,
    when: 'Label noise: drops the examples the model already disagrees with most (likely mislabelled).',
    preset: NOISE,
  },
  focalLoss: {
    tex: p`\ell_i = -\alpha_{y_i}(1 - p_{i y_i})^{\gamma}\log p_{i y_i}`,
    when: 'Calibration and class imbalance: down-weights easy examples, so confidence stays closer to accuracy (lower ECE).',
    preset: 'calibration',
  },
  dualFocalLoss: {
    tex: p`\ell_i = -(1 - p_{i y_i} + p_{i j})^{\gamma}\log p_{i y_i},\ p_{ij} = \max\{p_{ik} : p_{ik} < p_{i y_i}\}`,
    when: 'Calibration (ECE): like focal, but also watches the runner-up class, so it is less under-confident.',
    preset: 'calibration',
  },
  polyLoss: {
    tex: p`\ell_i = -\log p_{i y_i} + \varepsilon\,(1 - p_{i y_i})`,
    when: 'Re-weighting easy vs hard examples with one knob ε; helps on long-tailed data in the imbalance preset.',
    preset: 'imbalance',
  },
  maxSupLoss: {
    tex: p`\ell_i = -\log p_{i y_i} + \lambda\Bigl(\max_k z_{ik} - \frac1C\sum_k z_{ik}\Bigr)`,
    when: 'Calibration: label smoothing that penalises the top-1 logit, so confident mistakes are suppressed too.',
    preset: 'calibration',
  },
  squentropyLoss: {
    tex: p`\ell = -\log \operatorname{softmax}(z)_y + \frac{1}{C-1}\sum_{j \ne y} z_j^2`,
    when: 'Calibration without hyper-parameters: the square term keeps wrong-class logits near 0.',
    preset: 'calibration',
  },
  selfAdjustingDiceLoss: {
    tex: p`\ell_i = \sum_c \Bigl[1 - \frac{2\tilde p_{ic} t_{ic} + \gamma}{\tilde p_{ic} + t_{ic} + \gamma}\Bigr],\ \tilde p = (1-p)^{\alpha} p`,
    when: 'Class imbalance in NLP tagging (F1-oriented); on MNIST it trains slowly at the presets’ learning rates.',
    preset: 'imbalance',
  },
  asymmetricLoss: {
    tex: p`\ell_i = -\sum_c \bigl[y_{ic}(1 - p_{ic})^{\gamma_+}\log p_{ic} + (1 - y_{ic})\,p_{m,ic}^{\gamma_-}\log(1 - p_{m,ic})\bigr],\ p_m = \max(p - m, 0)`,
    when: 'Multi-label with many easy negatives: focuses and clips the negatives only, so rare positive labels are not drowned out.',
    preset: 'multilabel',
    multiLabel: true,
  },
  binaryCrossEntropyLoss: {
    tex: p`\ell = -\bigl[y\log\sigma(x) + (1 - y)\log(1 - \sigma(x))\bigr]`,
    when: 'Multi-label (one sigmoid per label) — the baseline there; on single-label data it trains one-vs-rest.',
    preset: 'multilabel',
  },
  binaryFocalLoss: {
    tex: p`\ell = -(1 - p_t)^{\gamma}\log p_t,\quad p_t = y\,\sigma(x) + (1 - y)(1 - \sigma(x))`,
    when: 'Multi-label and dense detection: many easy negatives are down-weighted, positives and negatives alike.',
    preset: 'multilabel',
  },
  anyLoss: {
    tex: p`\ell = 1 - F_\beta(\hat y, y),\quad \hat y_i = \sigma\bigl(L(\sigma(x_i) - \tfrac12)\bigr)\quad(\text{batch level})`,
    when: 'Optimising a confusion-matrix metric (F1, balanced accuracy) directly: multi-label or imbalanced binary decisions.',
    preset: 'multilabel',
  },
  hingeLoss: {
    tex: p`\ell = \max(0,\ 1 - y x),\quad y \in \{-1, 1\}`,
    when: 'Binary or one-vs-rest margins (SVM-style); here each class is one binary decision per row.',
  },
  squaredHingeLoss: {
    tex: p`\ell = \max(0,\ 1 - y x)^2,\quad y \in \{-1, 1\}`,
    when: 'Binary or one-vs-rest margins with a smooth gradient; here each class is one binary decision per row.',
  },
  adversarialCompSumLoss: {
    tex: p`\tilde\ell = \Phi^{\tau}\!\Bigl(\sum_{y' \ne y} e^{(h_{y'} - h_y)/\rho}\Bigr) + \nu \sup_{\lVert x' - x\rVert \le \varepsilon}\lVert \bar h(x') - \bar h(x)\rVert_2`,
    when: 'Adversarial robustness: the playground passes its model, PGD perturbs the pixels (10 steps: about 10× slower per step).',
  },
  zLoss: {
    tex: p`\ell = \tfrac1a \operatorname{softplus}\bigl(a(b - \hat z_y)\bigr),\quad \hat z = \frac{z - \mu}{\sigma + \varepsilon}`,
    when: 'Large vocabularies where logits drift: invariant to shifting and scaling the logits.',
  },
  passAtNLoss: {
    tex: p`\ell_i = -\log\bigl(1 - (1 - p_{i y_i})^{N}\bigr)`,
    when: 'pass@N sampling (e.g. code generation): stops pushing once p_y ≳ 1/N, keeping diversity.',
  },
};
