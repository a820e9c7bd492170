import type * as tf from '@tensorflow/tfjs-core';
import { type OptionSchema, type Reduction, resolveOptions } from '@xent/core';

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
}

/** CCE's automatic float32 filter threshold: machine ε / 32 = 2⁻²⁸. */
export const DEFAULT_GRAD_FILTER_EPS = 2 ** -28;

const SCHEMA: OptionSchema<LinearCrossEntropyOptions> = {
  bias: { type: 'other', description: 'classifier bias [V]' },
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
};

/**
 * Checks every option with core's one option mechanism (`INVALID_OPTION` naming it, "did you mean" for
 * a misspelt one) and fills in the defaults.
 */
export function resolveCceOptions(fn: string, options: LinearCrossEntropyOptions | undefined) {
  return resolveOptions(fn, SCHEMA, options, {
    ignoreIndex: -100,
    reduction: 'mean',
    softcap: 0,
    labelSmoothing: 0,
    logZPenalty: 0,
    gradFilterEps: DEFAULT_GRAD_FILTER_EPS,
    impl: 'auto',
    validate: true,
  });
}

/** The options with defaults filled in. */
export type ResolvedCceOptions = ReturnType<typeof resolveCceOptions>;
