import * as tf from '@tensorflow/tfjs-core';
import {
  checkClassIds,
  clampIds,
  defineLoss,
  describeTensor,
  invalidOption,
  pickClass,
  type ReductionOptions,
  safeSqrt,
  seededNormal,
  stopGradient,
  XentError,
} from '@xent/core';
import { boxCox } from './internal/box-cox.js';
import { trueClassLoss } from './internal/true-class.js';

/** Options for {@link adversarialCompSumLoss}. */
export interface AdversarialCompSumLossOptions extends ReductionOptions {
  /** The model: float32 inputs `[N, D]` → logits `[N, C]`. Required. */
  readonly model?: (x: tf.Tensor) => tf.Tensor;
  /** Comp-sum parameter τ ≥ 0 (1 = cross-entropy). @defaultValue 1 */
  readonly tau?: number;
  /** Margin scale ρ > 0: the comp-sum term uses logits/ρ. @defaultValue 1 */
  readonly rho?: number;
  /** Weight ν ≥ 0 of the smooth adversarial term. @defaultValue 1 */
  readonly nu?: number;
  /** Radius ε ≥ 0 of the perturbation ball ‖x′ − x‖ ≤ ε (the paper's γ). @defaultValue 8/255 */
  readonly epsilon?: number;
  /** PGD steps, an integer in [0, 1000] (a bound, so a typo cannot loop for hours). @defaultValue 10 */
  readonly steps?: number;
  /** PGD step size. @defaultValue ε/4 */
  readonly stepSize?: number;
  /** Perturbation norm. @defaultValue 'linf' */
  readonly norm?: 'linf' | 'l2';
  /** Seed of the small random start of PGD (0.001·N(0, 1), as TRADES). @defaultValue 0 */
  readonly seed?: number;
}

type Defaults = {
  tau: number;
  rho: number;
  nu: number;
  epsilon: number;
  steps: number;
  norm: 'linf' | 'l2';
  seed: number;
};

// Outside the defineLoss call: a bundler cannot prove a division pure, and an impure argument would keep
// this loss in every bundle of the package.
/** The usual L∞ radius for images in [0, 1]: 8/255. */
const DEFAULT_EPSILON = 8 / 255;

const inputs = [
  { name: 'inputs', dtype: 'float32', shape: ['N', 'D'], description: 'model inputs (flattened features)' },
  { name: 'labels', dtype: 'int32', shape: ['N'], description: 'int32 class ids' },
] as const;

/** Row-wise ‖h̄(x′, y) − h̄(x, y)‖₂ with h̄(x, y)_k = h(x, y) − h(x, k), for logits h′ and h. */
function marginShift(adversarial: tf.Tensor, clean: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const d = tf.sub(adversarial, clean);
  const shift = tf.sub(tf.expandDims(pickClass(d, labels), 1), d);
  return safeSqrt(tf.sum(tf.square(shift), -1));
}

function rowNorm(x: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(x), -1, true));
}

/**
 * The smooth adversarial comp-sum loss of Mao, Mohri & Zhong (ICML 2023):
 *
 *   ℓ̃ = Φ^τ( Σ_{y′≠y} exp((h(x, y′) − h(x, y))/ρ) ) + ν · sup_{‖x′ − x‖ ≤ ε} ‖h̄(x′, y) − h̄(x, y)‖₂
 *   h̄(x, y) = [h(x, y) − h(x, 1), …, h(x, y) − h(x, C)]
 *
 * (Φ^τ as in {@link compSumLoss}). The supremum is approximated by `steps` steps of projected gradient
 * ascent from x + 0.001·N(0, 1) (sign steps for 'linf', normalised steps for 'l2'); x′ is then held
 * fixed, so the gradient reaches the model through h(x) and h(x′) (Danskin). Unlike the other
 * losses this one takes the model's *inputs* and calls `model` itself:
 * `adversarialCompSumLoss(inputs, labels, { model, ... })`. Inputs are `[N, D]`: flatten images and
 * reshape inside `model`. No clipping to a data range is applied. Called inside
 * `optimizer.minimize`, the PGD graph is recorded on the outer tape until the step ends (memory
 * grows with `steps`). The formula was reconstructed from the paper's definitions (the body text
 * was not available to check); it reduces to {@link compSumLoss} of logits/ρ when ν = 0 or ε = 0.
 *
 * @param inputs float32 `[N, D]`. @param labels int32 class ids `[N]`.
 * @returns `[N]` with `reduction: 'none'`, else a scalar.
 * @see https://arxiv.org/abs/2304.07288
 * @example
 * const model = (x: tf.Tensor) => tf.matMul(x, w);
 * optimizer.minimize(() => adversarialCompSumLoss(x, y, { model, epsilon: 0.1, steps: 5 }) as tf.Scalar);
 */
export const adversarialCompSumLoss = /* @__PURE__ */ defineLoss<
  typeof inputs,
  AdversarialCompSumLossOptions,
  Defaults
>({
  id: 'xent/adversarial-comp-sum',
  name: 'adversarialCompSumLoss',
  family: 'classification',
  summary:
    'Smooth adversarial comp-sum: comp-sum plus ν·sup of the margin-vector shift, by PGD over the model.',
  reference: {
    title: 'Cross-Entropy Loss Functions: Theoretical Analysis and Applications',
    url: 'https://arxiv.org/abs/2304.07288',
    year: 2023,
    authors: 'Mao, Mohri, Zhong',
  },
  inputs,
  defaults: { tau: 1, rho: 1, nu: 1, epsilon: DEFAULT_EPSILON, steps: 10, norm: 'linf', seed: 0 },
  options: {
    model: { type: 'other', plugin: 'function', description: 'function inputs [N, D] → logits [N, C]' },
    tau: { type: 'number', min: 0, description: 'comp-sum parameter τ' },
    rho: { type: 'number', min: 0, exclusiveMin: true, description: 'margin scale ρ' },
    nu: { type: 'number', min: 0, description: 'weight ν of the smooth term' },
    epsilon: { type: 'number', min: 0, description: 'perturbation radius ε' },
    steps: { type: 'number', min: 0, max: 1000, integer: true, description: 'PGD steps (≤ 1000)' },
    stepSize: { type: 'number', min: 0, description: 'PGD step size (default ε/4)' },
    norm: { type: 'enum', values: ['linf', 'l2'], description: 'perturbation norm' },
    seed: { type: 'number', integer: true, description: 'seed of the PGD random start' },
  },
  check: (_inputs, { model }, { fn }) => {
    if (typeof model !== 'function')
      invalidOption(fn, 'model', 'a function inputs [N, D] → logits [N, C]', model);
  },
  perExample: ({ inputs: x, labels: givenLabels }, options, { fn, validate }) => {
    let labels = givenLabels;
    const { model, tau, rho, nu, epsilon, steps, norm, seed } = options;
    const logitsOf = (input: tf.Tensor) => {
      const out = model!(input);
      if (
        !(out instanceof tf.Tensor) ||
        out.rank !== 2 ||
        out.shape[0] !== x.shape[0] ||
        out.dtype !== 'float32'
      ) {
        throw new XentError('SHAPE_MISMATCH', {
          fn,
          argument: 'options.model',
          expected: `a model returning float32 logits [${x.shape[0]}, C]`,
          received: out instanceof tf.Tensor ? describeTensor(out) : typeof out,
        });
      }
      return out;
    };
    const clean = logitsOf(x);
    if (validate) checkClassIds(fn, 'labels', labels, clean.shape[1]!);
    // Unchecked ids must not index out of bounds on any backend (wasm): clamp on device.
    if (!validate) labels = clampIds(labels, clean.shape[1]!);
    const compSum = trueClassLoss(tf.div(clean, rho), labels, (nll) => boxCox(nll, tau - 1));
    if (nu === 0 || epsilon === 0) return compSum;

    const stepSize = options.stepSize ?? epsilon / 4;
    const target = stopGradient(clean);
    const project = (delta: tf.Tensor) =>
      norm === 'linf'
        ? tf.clipByValue(delta, -epsilon, epsilon)
        : tf.mul(delta, tf.minimum(1, tf.div(epsilon, tf.maximum(rowNorm(delta), 1e-12))));
    let delta = project(tf.mul(seededNormal(x.shape, seed), 0.001));
    const objective = (d: tf.Tensor) => tf.sum(marginShift(logitsOf(tf.add(x, d)), target, labels));
    for (let step = 0; step < steps; step++) {
      const previous = delta;
      delta = tf.tidy(() => {
        const grad = tf.grad(objective)(previous);
        const direction = norm === 'linf' ? tf.sign(grad) : tf.div(grad, tf.maximum(rowNorm(grad), 1e-12));
        return project(tf.add(previous, tf.mul(direction, stepSize)));
      });
      previous.dispose();
    }
    const adversarial = stopGradient(tf.add(x, delta));
    return tf.add(compSum, tf.mul(marginShift(logitsOf(adversarial), clean, labels), nu));
  },
});
