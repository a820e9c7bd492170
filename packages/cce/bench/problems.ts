import * as tf from '@tensorflow/tfjs';
// Node's entry (the `node` export condition): the default a Node user gets, cpu kernels included.
import { type LinearCrossEntropyOptions, linearCrossEntropy } from '../src/node.js';

/** One benchmark problem: E [N, D], C [V, D], targets [N] and their one-hot (for the dense baseline). */
export interface Problem {
  readonly e: tf.Tensor2D;
  readonly c: tf.Tensor2D;
  readonly y: tf.Tensor1D;
  readonly n: number;
  readonly v: number;
  readonly d: number;
}

/**
 * `random`: init-like logits (E, C ~ N(0, 1/√D)), targets uniform over V.
 * `peaked`: trained-like: targets among the 1024 most frequent ids, E_n = 0.15·C_{y_n}, so the target
 * logit dominates (p_y ≈ 1, every other p < 2⁻²⁸) — the case the gradient filter is for.
 */
export function makeProblem(n: number, v: number, d: number, kind: 'random' | 'peaked', seed = 1): Problem {
  return tf.tidy(() => {
    if (kind === 'random') {
      const s = 1 / Math.sqrt(d);
      return {
        e: tf.randomNormal([n, d], 0, s, 'float32', seed) as tf.Tensor2D,
        c: tf.randomNormal([v, d], 0, s, 'float32', seed + 1) as tf.Tensor2D,
        y: tf.randomUniform([n], 0, v, 'int32', seed + 2) as tf.Tensor1D,
        n,
        v,
        d,
      };
    }
    const c = tf.randomNormal([v, d], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
    const y = tf.randomUniform([n], 0, Math.min(v, 1024), 'int32', seed + 2) as tf.Tensor1D;
    const e = tf.mul(tf.gather(c, y), 0.15) as tf.Tensor2D;
    return { e, c, y, n, v, d };
  });
}

/** The dense tfjs baseline: `matMul(E, C, false, true)` + `tf.losses.softmaxCrossEntropy` (mean). */
export function denseForwardBackward(p: Problem, oneHot: tf.Tensor): tf.Tensor[] {
  const { value, grads } = tf.valueAndGrads((e: tf.Tensor, c: tf.Tensor) =>
    tf.losses.softmaxCrossEntropy(oneHot, tf.matMul(e, c, false, true), undefined, 0, tf.Reduction.MEAN),
  )([p.e, p.c]);
  return [value, ...grads];
}

/** Our forward + backward. */
export function cceForwardBackward(p: Problem, options: LinearCrossEntropyOptions = {}): tf.Tensor[] {
  const { value, grads } = tf.valueAndGrads((e: tf.Tensor, c: tf.Tensor) =>
    linearCrossEntropy(e, c, p.y, options),
  )([p.e, p.c]);
  return [value, ...grads];
}

/** `--name=value` command-line arguments. */
export function args(): Record<string, string> {
  return Object.fromEntries(
    process.argv
      .slice(2)
      .map((a) => a.replace(/^--/, '').split('='))
      .map(([k, v]) => [k!, v ?? 'true']),
  );
}
