import * as tf from '@tensorflow/tfjs-core';
import {
  type AnyLossFn,
  type AnyLossSpec,
  defineLoss,
  invalidOption,
  type OptionSchema,
  resolveOptions,
  safeSqrt,
} from '@xent/core';

/** Options for {@link logitClip}. */
export interface LogitClipOptions {
  /** Temperature τ > 0: logit vectors are clipped to ℓ2 norm ≤ 1/τ. @defaultValue 1 */
  readonly tau?: number;
}

const LOGIT_CLIP_OPTIONS: OptionSchema<LogitClipOptions> = {
  tau: { type: 'number', min: 0, exclusiveMin: true, description: 'temperature τ' },
};

/** z·min(1, δ/‖z‖₂) per row (last axis), with a zero-safe norm gradient. */
function clipRowNorm(logits: tf.Tensor, maxNorm: number): tf.Tensor {
  const norm = safeSqrt(tf.sum(tf.square(logits), -1, true));
  return tf.mul(logits, tf.div(maxNorm, tf.maximum(norm, maxNorm)));
}

/**
 * LogitClip (Wei et al., ICML 2023): wraps a loss so its first input (the logits) is clipped to an ℓ2
 * norm of at most δ = 1/τ per example before the loss sees it, which bounds any CE-type loss and limits
 * memorisation of noisy labels.
 *
 *   clip(z) = δ·z/‖z‖₂ if ‖z‖₂ > δ, else z;   ℓ_clip(z, y) = ℓ(clip(z), y)
 *
 * The returned loss takes the same arguments and options as `loss` and validates the original
 * logits. The authors' code tests ‖z‖ > τ but scales to 1/τ (equal only at τ = 1); here both use δ.
 *
 * @param loss any loss made with `defineLoss` whose first input is the logits `[N, C]`.
 * @returns a new loss `fn(logits, ...rest, options?)`.
 * @see https://arxiv.org/abs/2212.04055
 * @example const clippedCe = logitClip(crossEntropyLoss, { tau: 1 / 1.5 });
 */
export function logitClip<L extends AnyLossFn>(loss: L, options: LogitClipOptions = {}): L {
  const { tau } = resolveOptions('logitClip', LOGIT_CLIP_OPTIONS, options, { tau: 1 });
  if (typeof loss !== 'function' || typeof (loss as Partial<AnyLossFn>).spec !== 'object')
    invalidOption('logitClip', 'loss', 'a loss built with defineLoss', loss);
  const inner: AnyLossSpec = loss.spec;
  const first = inner.inputs[0]!.name;
  const clipped = (inputs: Record<string, tf.Tensor>) => ({
    ...inputs,
    [first]: clipRowNorm(inputs[first]!, 1 / tau),
  });
  const spec: AnyLossSpec = {
    ...inner,
    id: `${inner.id}-logit-clip`,
    name: `logitClip(${inner.name})`,
    summary: `${inner.summary} (logits clipped to norm ≤ 1/τ = ${1 / tau})`,
    perExample:
      inner.perExample && ((inputs, opts, context) => inner.perExample!(clipped(inputs), opts, context)),
    batch: inner.batch && ((inputs, opts, context) => inner.batch!(clipped(inputs), opts, context)),
  };
  return defineLoss(spec as never) as unknown as L;
}
