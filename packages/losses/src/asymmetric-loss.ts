import * as tf from '@tensorflow/tfjs-core';
import {
  classTargets,
  customGradient,
  defineLoss,
  powNonNegative,
  type ReductionOptions,
  saveShared,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';

/** p_m^γ with 0^γ = 0: repeated products for small integer γ (the usual γ− = 4), else powNonNegative. */
function power(shifted: tf.Tensor, gamma: number): tf.Tensor {
  if (gamma === 0) return tf.onesLike(shifted);
  if (Number.isInteger(gamma) && gamma <= 8) {
    let result = shifted;
    for (let k = 1; k < gamma; k++) result = tf.mul(result, shifted);
    return result;
  }
  return powNonNegative(shifted, gamma);
}

/**
 * Per-example ASL with its closed-form gradient (one fused op instead of autodiff through ~15
 * elementwise ops):
 *   ∂/∂x [(1 − p)^γ+ log p] = (1 − p)^γ+ · ((1 − p) − γ+·p·log p)
 *   ∂/∂x [p_m^γ− log(1 − p_m)] = p(1 − p)·(γ−·p_m^(γ−−1)·log(1 − p_m) − p_m^γ−/(1 − p_m))  where p_m > 0, else 0
 *
 * Only sigmoid and log passes: on tfjs-wasm `softplus` costs ~13 ms and `exp` ~9 ms at [1024, 1000]
 * against ~1.5 ms for `sigmoid` and ~4.5 ms for `log`, so log(1 − p) = log σ(|x|) − relu(x) (exact for
 * any x, like −softplus(x)), p = σ(x), 1 − p = σ(−x). The forward pass saves log(1 − p_m) (and log p,
 * log(1 − p) with γ+ > 0) as views, so the backward pass recomputes no log.
 */
function asymmetricTerms(gammaPos: number, gammaNeg: number, clip: number) {
  return customGradient<[tf.Tensor, tf.Tensor]>(([x, targets], save) => {
    const logQ = tf.tidy(() => tf.sub(tf.log(tf.sigmoid(tf.abs(x))), tf.relu(x))); // log(1 − p)
    const logP = tf.add(x, logQ);
    const p = tf.sigmoid(x);
    // log(1 − p_m) = log min(1 − p + m, 1), p_m = relu(p − m)
    const logQm = clip === 0 ? logQ : tf.tidy(() => tf.log1p(tf.neg(tf.relu(tf.sub(p, clip)))));
    const value = tf.tidy(() => {
      const shifted = clip === 0 ? p : tf.relu(tf.sub(p, clip));
      const positive = gammaPos === 0 ? logP : tf.mul(logP, tf.exp(tf.mul(logQ, gammaPos)));
      const negative = tf.mul(power(shifted, gammaNeg), logQm);
      return tf.neg(tf.sum(tf.add(tf.mul(targets, positive), tf.mul(tf.sub(1, targets), negative)), -1));
    });
    saveShared(save, [x, targets, p, logQm, ...(gammaPos === 0 ? [] : [logP, logQ])]);
    if (logQm !== logQ && gammaPos === 0) logQ.dispose();
    if (gammaPos === 0) logP.dispose();
    return {
      value,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [input, t, probs, logQmSaved, logPSaved, logQSaved] = saved as [
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
            tf.Tensor?,
            tf.Tensor?,
          ];
          const shifted = clip === 0 ? probs : tf.relu(tf.sub(probs, clip));
          const oneMinusP = tf.sigmoid(tf.neg(input));
          const dPositive =
            gammaPos === 0
              ? oneMinusP
              : tf.mul(
                  tf.exp(tf.mul(logQSaved!, gammaPos)),
                  tf.sub(oneMinusP, tf.mul(tf.mul(probs, logPSaved!), gammaPos)),
                );
          const slope = tf.mul(probs, oneMinusP);
          // p(1 − p)/(1 − p_m): = p when m = 0 (no 0/0 as p → 1); 1 − p_m ≥ m > 0 otherwise.
          const fromLog = tf.mul(
            power(shifted, gammaNeg),
            clip === 0 ? probs : tf.div(slope, tf.sub(1, shifted)),
          );
          const fromPower =
            gammaNeg === 0 ? undefined : tf.mul(tf.mul(power(shifted, gammaNeg - 1), logQmSaved), gammaNeg);
          const inner = fromPower ? tf.sub(tf.mul(slope, fromPower), fromLog) : tf.neg(fromLog);
          const dNegative = tf.mul(inner, tf.step(shifted)); // 0 where p_m = 0 (the relu's flat side)
          const perLabel = tf.add(tf.mul(t, dPositive), tf.mul(tf.sub(1, t), dNegative));
          return [tf.mul(perLabel, tf.neg(tf.expandDims(dy, 1))), tf.zerosLike(t)];
        }),
    };
  });
}

/** Options for {@link asymmetricLoss}. */
export interface AsymmetricLossOptions extends ReductionOptions {
  /** Focusing parameter γ+ ≥ 0 on positive labels. @defaultValue 0 */
  readonly gammaPos?: number;
  /** Focusing parameter γ− ≥ 0 on negative labels. @defaultValue 4 */
  readonly gammaNeg?: number;
  /** Probability margin m ∈ [0, 1) shifted off negatives (hard threshold on easy ones). @defaultValue 0.05 */
  readonly clip?: number;
}

/**
 * Asymmetric loss for multi-label classification (Ridnik et al., ICCV 2021): independent sigmoids,
 * focusing and a probability margin applied to negatives only.
 *
 *   ℓᵢ = −Σ_c [ y_ic·(1 − p_ic)^{γ+}·log p_ic + (1 − y_ic)·p_{m,ic}^{γ−}·log(1 − p_{m,ic}) ]
 *   p = σ(logits),   p_m = max(p − m, 0)
 *
 * log p and log(1 − p_m) = log min(1 − p + m, 1) are taken from the logits (no ε clamp). The focusing
 * weights carry gradient (the paper's formula; the authors' code detaches them by default); the
 * gradient is in closed form. Per example
 * the labels are summed; `'mean'` then averages over examples (the reference code sums everything).
 *
 * @param logits float32 `[N, C]` (or `[..., C]`: any leading dims, see core's `leadingDims`).  @param labels float32 multi-hot (or soft) `[N, C]`, or int32 ids `[N]`
 *   (one positive per row).
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2009.14119
 * @example const loss = asymmetricLoss(logits, multiHot, { gammaNeg: 4, gammaPos: 0, clip: 0.05 });
 */
export const asymmetricLoss = /* @__PURE__ */ defineLoss<
  ClassificationInputs,
  AsymmetricLossOptions,
  { gammaPos: number; gammaNeg: number; clip: number }
>({
  id: 'xent/asymmetric',
  name: 'asymmetricLoss',
  family: 'classification',
  summary: 'Multi-label sigmoid loss with separate focusing γ+/γ− and a margin that discards easy negatives.',
  reference: {
    title: 'Asymmetric Loss For Multi-Label Classification',
    url: 'https://arxiv.org/abs/2009.14119',
    year: 2021,
    authors: 'Ridnik, Ben-Baruch, Zamir, Noy, Friedman, Protter, Zelnik-Manor',
  },
  inputs: classificationInputs,
  leadingDims: 'flatten',
  defaults: { gammaPos: 0, gammaNeg: 4, clip: 0.05 },
  options: {
    gammaPos: { type: 'number', min: 0, description: 'focusing γ+ on positives' },
    gammaNeg: { type: 'number', min: 0, description: 'focusing γ− on negatives' },
    clip: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: 'probability margin m' },
  },
  perExample: ({ logits, labels }, { gammaPos, gammaNeg, clip }, { numClasses }) =>
    asymmetricTerms(gammaPos, gammaNeg, clip)(logits, classTargets(labels, numClasses!)),
});
