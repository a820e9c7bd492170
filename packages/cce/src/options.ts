import type * as tf from '@tensorflow/tfjs-core';
import {
  checkOption,
  IGNORE_INDEX_OPTION,
  type OptionSchema,
  type OptionSpec,
  REDUCTION_OPTION,
  type Reduction,
  resolveOptions,
  TENSOR_OPTION,
  type TensorInput,
  VALIDATE_OPTION,
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
   * Skip gradient blocks whose softmax values are all below this and that hold no target (the chunked
   * path tests each row's softmax mass in the block, which bounds every value in it); 0 disables
   * filtering, so gradients are exact. Ignored while `labelSmoothing > 0`.
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
  readonly vocabBlock?: number | undefined;
  readonly tokenBlock?: number | undefined;
  readonly impl: CceImpl;
  readonly validate: boolean;
  /** `shift` as a count k ≥ 0. */
  readonly shift: number;
  readonly returnLse: boolean;
}

/** CCE's automatic float32 filter threshold: machine ε / 32 = 2⁻²⁸. */
export const DEFAULT_GRAD_FILTER_EPS = 2 ** -28;

const AHEAD = 'positions ahead (true = 1)';

// Short descriptions: core's INVALID_OPTION messages name the option and the expected range themselves.
const SCHEMA: OptionSchema<LinearCrossEntropyOptions | LinearCrossEntropyLseOptions> = {
  // Tensor-valued options: checked where the tensors are read; `shift` (boolean or count) below.
  bias: TENSOR_OPTION,
  weights: TENSOR_OPTION,
  classWeights: TENSOR_OPTION,
  shift: { type: 'other', description: AHEAD },
  ignoreIndex: IGNORE_INDEX_OPTION,
  reduction: REDUCTION_OPTION,
  softcap: { type: 'number', min: 0, description: 'soft-cap' },
  labelSmoothing: { type: 'number', min: 0, max: 1, exclusiveMax: true, description: 'label smoothing' },
  logZPenalty: { type: 'number', min: 0, description: 'z-loss weight' },
  gradFilterEps: { type: 'number', min: 0, max: 1, description: 'filter threshold' },
  vocabBlock: { type: 'number', integer: true, min: 1, description: 'block rows' },
  tokenBlock: { type: 'number', integer: true, min: 1, description: 'block tokens' },
  impl: { type: 'enum', values: ['auto', 'fused', 'chunked'], description: 'implementation' },
  validate: VALIDATE_OPTION,
  returnLse: { type: 'boolean', description: 'return the LSE' },
};

const SHIFT: OptionSpec = { type: 'number', integer: true, min: 0, description: AHEAD };

/**
 * Checks every option with core's one option mechanism (`INVALID_OPTION` naming it, "did you mean" for
 * a misspelt one) and fills in the defaults.
 */
export function resolveCceOptions(
  fn: string,
  user: LinearCrossEntropyOptions | LinearCrossEntropyLseOptions | undefined,
): ResolvedCceOptions {
  const options = resolveOptions(fn, SCHEMA, user, {
    ignoreIndex: -100,
    reduction: 'mean',
    softcap: 0,
    labelSmoothing: 0,
    logZPenalty: 0,
    gradFilterEps: DEFAULT_GRAD_FILTER_EPS,
    impl: 'auto',
    validate: true,
    shift: 0,
    returnLse: false,
  });
  if (typeof options.shift !== 'boolean') checkOption(fn, 'shift', options.shift, SHIFT);
  return { ...options, shift: Number(options.shift) };
}
