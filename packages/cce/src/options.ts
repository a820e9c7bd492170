import type * as tf from '@tensorflow/tfjs-core';
import {
  checkOption,
  type OptionSchema,
  type OptionSpec,
  type Reduction,
  resolveOptions,
  type TensorInput,
} from '@xent/core';

/** Which implementation runs: the fused kernels of the active backend, or the chunked tfjs composite. */
export type CceImpl = 'auto' | 'fused' | 'chunked';

/** Options for {@link linearCrossEntropy}. */
export interface LinearCrossEntropyOptions {
  /** Classifier bias `[V]` (float32), added to every logit. Differentiable. @defaultValue none */
  readonly bias?: tf.Tensor | tf.TensorLike;
  /** Target id whose rows contribute neither loss nor gradient. @defaultValue -100 */
  readonly ignoreIndex?: number;
  /** `'mean'` averages over the non-ignored rows (0 when all are ignored). @defaultValue 'mean' */
  readonly reduction?: Reduction;
  /** Soft-capping `s·tanh(z/s)` of every logit (Gemma 2 uses 30); 0 disables it. @defaultValue 0 */
  readonly softcap?: number;
  /** Label smoothing α ∈ [0, 1): targets `(1 − α)·onehot + α/V`. @defaultValue 0 */
  readonly labelSmoothing?: number;
  /** Weight λ of the z-loss `λ·LSE²` added to every row (PaLM uses 1e-4). @defaultValue 0 */
  readonly logZPenalty?: number;
  /**
   * Skip gradient blocks in which every softmax value is below this (and that hold no target);
   * 0 disables filtering, so gradients are exact. Ignored while `labelSmoothing > 0`.
   * @defaultValue 2⁻²⁸ (CCE's float32 choice: ε/32)
   */
  readonly gradFilterEps?: number;
  /**
   * Vocabulary rows per block.
   * @defaultValue per path: chunked from the shape (tiles of ≤ 256 Ki logits, classifier blocks of ≤ 1 Mi
   * floats, at least 32 rows; see `chunkPlan`), 64 cpu kernel, 32 WGSL tiles
   */
  readonly vocabBlock?: number;
  /** Tokens per block. @defaultValue per path: min(N, 2048) chunked, 32 cpu kernel, 32 WGSL tiles */
  readonly tokenBlock?: number;
  /** `'auto'`: the fused kernel where one is registered for the backend (cpu, webgpu), else chunked. @defaultValue 'auto' */
  readonly impl?: CceImpl;
  /** Check targets against `[0, V)` and inputs for NaN/Inf (reads the data). @defaultValue true */
  readonly validate?: boolean;
  /**
   * Predict the token `k` positions ahead (apple's CCE `shift`; `true` = 1): along the last leading dim T
   * (the sequence) position t is scored against `targets[…, t + k]`, i.e. the loss of
   * `E[…, :T−k, :]·Cᵀ` against `targets[…, k:]`, without copying E (the last k positions of every
   * sequence are read but carry neither loss nor gradient). `reduction: 'none'` and `lse` then have
   * shape `[…, T − k]`. Needs `0 ≤ k < T`. @defaultValue 0
   */
  readonly shift?: boolean | number;
  /**
   * Per-token weights (≥ 0) of the targets' shape `[…]`, or a prefix of it (`[B]` for `[B, T]`: one
   * weight per sequence). They follow the targets under `shift` (the weight at `targets[…, t]` weighs
   * the prediction of that target). `'mean'` divides by Σ w over the non-ignored tokens (Liger #338).
   * @defaultValue none (all 1)
   */
  readonly weights?: TensorInput;
  /**
   * Per-class weights `[V]` (≥ 0), PyTorch's `weight=`: a token's loss is scaled by the weight of its
   * target class and `'mean'` divides by Σ w_{y} over the non-ignored tokens; with label smoothing the
   * uniform part is `(α/V)·Σ_v w_v·(LSE − ẑ_v)` as in PyTorch. Not combinable with `softcap` and
   * `labelSmoothing` together (`INVALID_OPTION`). @defaultValue none (all 1)
   */
  readonly classWeights?: TensorInput;
  /**
   * `true` (typed by {@link LinearCrossEntropyLseOptions}) also returns the per-token log-sum-exp.
   * @defaultValue false
   */
  readonly returnLse?: false;
}

/**
 * {@link LinearCrossEntropyOptions} with `returnLse: true`: the call returns `{ loss, lse }`, `lse`
 * the per-token log-sum-exp `LSE = log Σ_v exp(ẑ_v)` of shape `[…]` (`[…, T − k]` with `shift`),
 * defined at ignored positions too and differentiable (for a z-loss of your own, or sampling).
 */
export interface LinearCrossEntropyLseOptions extends Omit<LinearCrossEntropyOptions, 'returnLse'> {
  readonly returnLse: true;
}

/** What {@link linearCrossEntropy} returns with `returnLse: true`. */
export interface LinearCrossEntropyWithLse {
  /** The loss: a scalar, or per token with `reduction: 'none'`. */
  readonly loss: tf.Tensor;
  /** Per-token log-sum-exp of the (biased, soft-capped) logits, `[…]` (`[…, T − k]` with `shift`). */
  readonly lse: tf.Tensor;
}

/** The options with defaults filled in (the tensor options are handled separately). */
export interface ResolvedCceOptions {
  readonly ignoreIndex: number;
  readonly reduction: Reduction;
  readonly softcap: number;
  readonly labelSmoothing: number;
  readonly logZPenalty: number;
  readonly gradFilterEps: number;
  readonly vocabBlock: number | undefined;
  readonly tokenBlock: number | undefined;
  readonly impl: CceImpl;
  readonly validate: boolean;
  /** `shift` as a count k ≥ 0. */
  readonly shift: number;
  readonly returnLse: boolean;
}

/** CCE's automatic float32 filter threshold: machine ε / 32 = 2⁻²⁸. */
export const DEFAULT_GRAD_FILTER_EPS = 2 ** -28;

const SCHEMA: OptionSchema<LinearCrossEntropyOptions | LinearCrossEntropyLseOptions> = {
  // Tensor-valued options: checked where the tensors are read.
  bias: { type: 'other', description: 'classifier bias [V]' },
  weights: { type: 'other', description: 'per-token weights [...]' },
  classWeights: { type: 'other', description: 'per-class weights [V]' },
  shift: { type: 'other', description: 'predict the token this many positions ahead (true = 1)' },
  ignoreIndex: { type: 'number', integer: true, description: 'target id of rows to ignore' },
  reduction: { type: 'enum', values: ['none', 'sum', 'mean'], description: 'how rows are combined' },
  softcap: { type: 'number', min: 0, description: 'tanh soft-cap s of the logits (0 = off)' },
  labelSmoothing: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: 'label smoothing α' },
  logZPenalty: { type: 'number', min: 0, description: 'z-loss weight λ' },
  gradFilterEps: { type: 'number', min: 0, max: 1, description: 'gradient filter threshold (0 = off)' },
  vocabBlock: { type: 'number', integer: true, min: 1, description: 'vocabulary rows per block' },
  tokenBlock: { type: 'number', integer: true, min: 1, description: 'tokens per block' },
  impl: { type: 'enum', values: ['auto', 'fused', 'chunked'], description: 'implementation' },
  validate: { type: 'boolean', description: 'check targets and finiteness' },
  returnLse: { type: 'boolean', description: 'also return the per-token log-sum-exp' },
};

const SHIFT: OptionSpec = {
  type: 'number',
  integer: true,
  min: 0,
  description: 'predict the token this many positions ahead',
};

/**
 * Checks every option with core's one option mechanism (`INVALID_OPTION` naming it, "did you mean" for
 * a misspelt one) and fills in the defaults.
 */
export function resolveCceOptions(
  fn: string,
  user: LinearCrossEntropyOptions | LinearCrossEntropyLseOptions | undefined,
): ResolvedCceOptions {
  const options = resolveOptions(fn, SCHEMA, user);
  if (options.shift !== undefined && typeof options.shift !== 'boolean')
    checkOption(fn, 'shift', options.shift, SHIFT);
  return {
    ignoreIndex: options.ignoreIndex ?? -100,
    reduction: options.reduction ?? 'mean',
    softcap: options.softcap ?? 0,
    labelSmoothing: options.labelSmoothing ?? 0,
    logZPenalty: options.logZPenalty ?? 0,
    gradFilterEps: options.gradFilterEps ?? DEFAULT_GRAD_FILTER_EPS,
    vocabBlock: options.vocabBlock,
    tokenBlock: options.tokenBlock,
    impl: options.impl ?? 'auto',
    validate: options.validate ?? true,
    shift: Number(options.shift ?? 0),
    returnLse: options.returnLse ?? false,
  };
}
