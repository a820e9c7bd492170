// Distillation losses (@xent/distill): formula, when to use, recommended comparison.
import type { Explanations } from './types.js';

const p = String.raw;
const T = 'teacher';

export const DISTILLATION: Explanations = {
  kdLoss: {
    tex: p`\ell_i = \alpha\,\mathrm{CE}(s_i, y_i) + (1 - \alpha)\,T^2\,\mathrm{KL}\bigl(\operatorname{softmax}(t_i/T)\,\Vert\,\operatorname{softmax}(s_i/T)\bigr)`,
    when: 'Distillation from a strong, well-calibrated teacher: the student copies its soft labels (a weak teacher caps it).',
    preset: T,
  },
  dkdLoss: {
    tex: p`\ell_i = \alpha\,T^2\,\mathrm{KL}(b^{t}\Vert b^{s}) + \beta\,T^2\,\mathrm{KL}(\hat p^{t}\Vert \hat p^{s})`,
    when: 'Distillation when the teacher’s dark knowledge (non-target classes) matters: target and non-target parts weighted apart.',
    preset: T,
  },
  distLoss: {
    tex: p`L = T^2\Bigl(\beta\bigl(1 - \overline{\rho(y^s_{i,:}, y^t_{i,:})}\bigr) + \gamma\bigl(1 - \overline{\rho(y^s_{:,c}, y^t_{:,c})}\bigr)\Bigr)`,
    when: 'Distillation from a much stronger (or differently scaled) teacher: matches correlations, not exact probabilities.',
    preset: T,
  },
  dualHeadKdLoss: {
    tex: p`\ell_i = \gamma\,\mathrm{CE}(z_{1i}, y_i) + \alpha T^2 \sum_c \bigl[\tfrac12\log\tfrac{1/2}{d_{ic}} + \tfrac12\log\tfrac{1/2}{1 - d_{ic}}\bigr],\ d = \sigma\bigl(\tfrac{z_2 - t}{T}\bigr)`,
    when: 'Distillation with labels and logits on two heads, so CE and the logit-level loss never conflict.',
    preset: T,
  },
  jsdLoss: {
    tex: p`\mathrm{JSD}_\beta(p\Vert q) = \beta\,\mathrm{KL}(p\Vert m) + (1 - \beta)\,\mathrm{KL}(q\Vert m),\ m = \beta p + (1 - \beta) q`,
    when: 'LLM-style distillation: bounded and symmetric between forward (mode-covering) and reverse (mode-seeking) KL.',
    preset: T,
  },
  reverseKlLoss: {
    tex: p`\ell_i = \mathrm{KL}(q_i \Vert p_i) = \sum_c q_{ic}(\log q_{ic} - \log p_{ic})`,
    when: 'Distillation into a small student that cannot cover the teacher’s tail: mode-seeking.',
    preset: T,
  },
  skewKlLoss: {
    tex: p`\ell_i = \mathrm{KL}\bigl(p \,\Vert\, \alpha p + (1 - \alpha) q\bigr)`,
    when: 'Distillation with a stable gradient where the student puts ~0 mass (DistiLLM).',
    preset: T,
  },
  skewReverseKlLoss: {
    tex: p`\ell_i = \mathrm{KL}\bigl(q \,\Vert\, \alpha q + (1 - \alpha) p\bigr)`,
    when: 'Mode-seeking distillation with a bounded value (DistiLLM).',
    preset: T,
  },
  tvdLoss: {
    tex: p`\ell_i = \tfrac12 \sum_c \lvert p_{ic} - q_{ic}\rvert \in [0, 1]`,
    when: 'Distillation robust to a noisy teacher: bounded, symmetric.',
    preset: T,
  },
  pldLoss: {
    tex: p`\ell_i = \sum_k q_{\pi^*_k}\Bigl(\log \sum_{j \ge k} e^{s_{\pi^*_j}} - s_{\pi^*_k}\Bigr)`,
    when: 'Distillation that replaces CE + KD with one ranking loss: the true label first, then the teacher’s order.',
    preset: T,
  },
  sparseKdLoss: {
    tex: p`\ell_i = \sum_{j \in K_i} p_j(\log p_j - \log q_j) + r(\log r - \log s)`,
    when: 'Offline LM distillation from stored top-k teacher probabilities: here the teacher’s top 3 of the 10 classes per row, the rest one tail bucket.',
    preset: 'teacher',
  },
};
