import * as tf from '@tensorflow/tfjs-core';
import {
  checkMinClasses,
  checkOption,
  clampIds,
  customGradient,
  defineLoss,
  type IgnoreIndexOptions,
  invalidOption,
  type ReductionOptions,
  readSyncIfPossible,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';
import { type ClassificationInputs, classificationInputs } from './internal/inputs.js';
import {
  type LdrNormalization,
  ldrKlTerm,
  ldrNormalizationOption,
  ldrReference,
  normalizeScores,
} from './internal/ldr.js';

const SMOOTHING = 1e-5;

/** The per-sample λᵢ of {@link aldrKlLoss}, owned by the caller (one per training example). */
export interface AldrKlState {
  /** λᵢ for every example of the data set, `[numSamples]`. */
  readonly lambdas: tf.Variable;
  /** Frees the variable. */
  dispose(): void;
}

/**
 * A fresh {@link AldrKlState} for `numSamples` examples, every λᵢ = `lambda0`. Makes one tensor (the
 * variable; free it with `dispose()`). `INVALID_OPTION` unless numSamples is a positive integer and
 * lambda0 a finite number > 0.
 *
 * @example const state = createAldrKlState(trainSize); aldrKlLoss(logits, y, { state, indices });
 */
export function createAldrKlState(numSamples: number, lambda0 = 1): AldrKlState {
  const fn = 'createAldrKlState';
  checkOption(fn, 'numSamples', numSamples, {
    type: 'number',
    min: 1,
    integer: true,
    description: 'data-set size',
  });
  checkOption(fn, 'lambda0', lambda0, {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    description: 'initial λ',
  });
  const lambdas = tf.tidy(() => tf.variable(tf.fill([numSamples], lambda0), false, undefined, 'float32'));
  return { lambdas, dispose: () => lambdas.dispose() };
}

/** Options for {@link aldrKlLoss}. */
export interface AldrKlLossOptions extends ReductionOptions, IgnoreIndexOptions {
  /** The λᵢ buffer (see {@link createAldrKlState}). Required. */
  readonly state?: AldrKlState;
  /** int32 `[N]`: the data-set index of each row, into `state.lambdas`. Required. */
  readonly indices?: TensorInput;
  /** Reference λ₀ > 0. @defaultValue 1 */
  readonly lambda?: number;
  /** α ≥ 1: how far λᵢ may move from λ₀ (λᵢ ∈ [λ₀(1 − 1/α), λ₀]). @defaultValue 2 */
  readonly alpha?: number;
  /** Margin c ≥ 0 on the wrong classes. @defaultValue 1 */
  readonly margin?: number;
  /** Logit rescaling ('l1' as the official `ALDRLoss_V1`). @defaultValue 'l1' */
  readonly normalization?: LdrNormalization;
  /** Write the new λᵢ back to the state (turn off for evaluation). @defaultValue true */
  readonly update?: boolean;
}

type Defaults = {
  lambda: number;
  alpha: number;
  margin: number;
  normalization: LdrNormalization;
  update: boolean;
};

/**
 * ALDR-KL, the adaptive label-distributionally robust loss (Zhu, Ying & Yang, ICML 2023): LDR-KL with
 * a per-example λᵢ chosen from the current prediction (no gradient through λᵢ):
 *
 *   pᵢ = normalise₁(softmax(s̃ᵢ/λᵢ_old) + 10⁻⁵),   KLᵢ = Σ_k p_ik log(C·p_ik)
 *   λᵢ = λ₀ − λ₀·KLᵢ/(α log C)        (stored back into `state` for example `indices[i]`)
 *   ℓᵢ = λᵢ · log((1/C) Σ_k exp((c·1[k ≠ yᵢ] + s̃_ik − s̃_iyᵢ)/λᵢ)) − (α log C/(2λ₀))·(λᵢ − λ₀)²
 *
 * as in the official `ALDRLoss_V1` (s̃ = s/(‖s‖₁/C) by default). The last term is constant in the
 * logits. Confident examples get a small λ (max-margin-like), uncertain ones a large λ.
 *
 * @param logits float32 `[N, C]`.
 * @param labels int32 class ids `[N]` or float32 targets `[N, C]` in [0, 1].
 * @returns `[N]` with `reduction: 'none'`, else a scalar. C = 1 throws `SHAPE_MISMATCH` (the normalised logits are 0/0).
 * @see https://arxiv.org/abs/2112.14869
 * @example
 * const state = createAldrKlState(60000);
 * const loss = aldrKlLoss(logits, labels, { state, indices: batchIndices, alpha: 2 });
 */
export const aldrKlLoss = /* @__PURE__ */ defineLoss<ClassificationInputs, AldrKlLossOptions, Defaults>({
  id: 'xent/aldr-kl',
  name: 'aldrKlLoss',
  family: 'classification',
  summary: 'Adaptive LDR-KL: per-example λ from the prediction, kept in a caller-owned state.',
  reference: ldrReference,
  inputs: classificationInputs,
  defaults: { lambda: 1, alpha: 2, margin: 1, normalization: 'l1', update: true },
  options: {
    state: { type: 'other', description: 'AldrKlState from createAldrKlState' },
    indices: { type: 'other', description: 'int32 [N] data-set indices into the state' },
    lambda: { type: 'number', min: 0, exclusiveMin: true, description: 'reference λ₀' },
    alpha: { type: 'number', min: 1, description: 'adaptivity α' },
    margin: { type: 'number', min: 0, description: 'margin c on the wrong classes' },
    normalization: ldrNormalizationOption,
    update: { type: 'boolean', description: 'write the new λ back to the state' },
  },
  check: ({ logits }, { state, indices }, { fn, validate }) => {
    checkMinClasses(fn, 'logits', logits, 2);
    if (!state || !(state.lambdas instanceof tf.Variable)) {
      invalidOption(fn, 'state', 'an AldrKlState from createAldrKlState(numSamples)', state);
    }
    if (indices === undefined) invalidOption(fn, 'indices', 'int32 [N] data-set indices', indices);
    const ids = toTensor(indices, fn, 'options.indices', 'int32');
    const size = state.lambdas.shape[0]!;
    if (ids.rank !== 1 || ids.shape[0] !== logits.shape[0]) {
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: 'options.indices',
        expected: `int32 [${logits.shape[0]}]`,
        received: `${ids.dtype} [${ids.shape.join(', ')}]`,
      });
    }
    const data = validate ? readSyncIfPossible(ids) : undefined;
    const bad = data ? Array.from(data).findIndex((i) => !(i >= 0 && i < size)) : -1;
    if (bad >= 0) {
      throw new XentError('LABEL_OUT_OF_RANGE', {
        fn,
        argument: 'options.indices',
        expected: `indices in [0, ${size})`,
        received: `${data![bad]} at [${bad}]`,
      });
    }
  },
  perExample: (
    { logits, labels },
    { state, indices, lambda, alpha, margin, normalization, update },
    { fn, validate },
  ) => {
    const lambdas = state!.lambdas;
    const given = toTensor(indices!, fn, 'options.indices', 'int32');
    // Unchecked indices must not gather or scatter out of bounds (wasm): clamp on device.
    const ids = validate ? given : clampIds(given, lambdas.shape[0]!);
    const C = logits.shape[1]!;
    const logC = Math.log(C);
    const scores = normalizeScores(logits, normalization);
    const previous = tf.expandDims(tf.gather(lambdas, ids), 1);
    // λ is a constant to autodiff. Both steps are custom ops, so the tape neither differentiates the
    // KL computation nor the division's λ operand.
    const adapt = customGradient<[tf.Tensor]>(([s]) => ({
      value: tf.tidy(() => {
        // KL(p̂ ‖ uniform) with p̂ = (q + δ)/(1 + Cδ), q = softmax(s̃/λ_old), δ = 1e-5, in one pass:
        // Σ_k p̂_k log(C p̂_k) = Σ_k (q_k + δ) log(q_k + δ)/(1 + Cδ) − log(1 + Cδ) + log C.
        const q = tf.add(tf.softmax(tf.div(s, previous), -1), SMOOTHING);
        const total = 1 + C * SMOOTHING;
        const kl = tf.add(tf.div(tf.sum(tf.mul(q, tf.log(q)), -1), total), logC - Math.log(total));
        return tf.sub(lambda, tf.mul(kl, lambda / (alpha * logC)));
      }),
      gradFunc: () => tf.zerosLike(s),
    }));
    const adapted = adapt(scores);
    const divide = customGradient<[tf.Tensor, tf.Tensor]>(([s, l], save) => {
      save([l]);
      return {
        value: tf.div(s, tf.expandDims(l, 1)),
        gradFunc: (dy, [saved]) => [tf.div(dy, tf.expandDims(saved!, 1)), tf.zerosLike(saved!)],
      };
    });
    if (update) {
      const positions = tf.expandDims(ids, 1);
      lambdas.assign(tf.tensorScatterUpdate(lambdas, positions, adapted));
    }
    const extra = tf.mul(tf.square(tf.sub(adapted, lambda)), -(alpha * logC) / (2 * lambda));
    return tf.add(ldrKlTerm(divide(scores, adapted), labels, margin, adapted), extra);
  },
});
