import * as tf from '@tensorflow/tfjs-core';
import { checkFinite, describeTensor, XentError } from '@xent/core';

/**
 * Gradient alignment of dual-head KD (the official `--ga`, after PCGrad): with g₁ the gradient of the
 * primary objective (CE on the main head) and g₂ that of the distillation objective, both flattened
 * over all variables, when g₂·g₁ < 0 the conflicting component is removed,
 *
 *   g₂ ← g₂ − (g₂·g₁ / ‖g₁‖²)·g₁
 *
 * and the sum g₁ + g₂ is returned per variable. A variable missing from one map counts as a zero
 * gradient there. Inputs are not disposed. A NaN or ±Infinity gradient (a diverged step) throws
 * `NON_FINITE_INPUT` naming it (`primary.<name>`), deferred on webgl/webgpu like the losses' data checks.
 *
 * @param primary gradients of the primary objective, by variable name.
 * @param secondary gradients of the secondary objective, by variable name.
 * @returns merged gradients by variable name, for `optimizer.applyGradients`.
 * @see https://arxiv.org/abs/2411.08937
 * @example
 * const ce = tf.variableGrads(() => dualHeadKdLoss(m, a, t, y, { auxWeight: 0 }));
 * const kd = tf.variableGrads(() => dualHeadKdLoss(m, a, t, y, { ceWeight: 0 }));
 * optimizer.applyGradients(alignGradients(ce.grads, kd.grads));
 */
export function alignGradients(primary: tf.NamedTensorMap, secondary: tf.NamedTensorMap): tf.NamedTensorMap {
  const fn = 'alignGradients';
  for (const [argument, map] of [
    ['primary', primary],
    ['secondary', secondary],
  ] as const) {
    if (typeof map !== 'object' || map === null || map instanceof tf.Tensor || Array.isArray(map))
      throw new XentError('INVALID_OPTION', {
        fn,
        argument,
        expected: 'a map name → gradient tensor',
        received: String(map),
      });
    for (const [name, value] of Object.entries(map)) {
      if (!(value instanceof tf.Tensor) || value.dtype !== 'float32')
        throw new XentError('DTYPE_MISMATCH', {
          fn,
          argument: `${argument}.${name}`,
          expected: 'a float32 tensor',
          received: value instanceof tf.Tensor ? describeTensor(value) : typeof value,
        });
      // A NaN/±Infinity gradient (a diverged step) → NON_FINITE_INPUT, not a NaN update.
      checkFinite(fn, `${argument}.${name}`, value);
    }
  }
  const names = [...new Set([...Object.keys(primary), ...Object.keys(secondary)])];
  for (const name of names) {
    const a = primary[name];
    const b = secondary[name];
    if (a && b && !tf.util.arraysEqual(a.shape, b.shape))
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: `secondary.${name}`,
        expected: `float32 [${a.shape.join(', ')}] like primary.${name}`,
        received: describeTensor(b),
      });
  }
  return tf.tidy(() => {
    const dot = tf.addN(
      names.map((name) => {
        const a = primary[name];
        const b = secondary[name];
        return a && b ? tf.sum(tf.mul(a, b)) : tf.scalar(0);
      }),
    );
    const squaredNorm = tf.addN(
      names.map((name) => (primary[name] ? tf.sum(tf.square(primary[name]!)) : tf.scalar(0))),
    );
    // Coefficient of g₁ to subtract from g₂: dot/‖g₁‖² when the two conflict, else 0.
    const conflict = tf.logicalAnd(tf.less(dot, 0), tf.greater(squaredNorm, 0));
    const coefficient = tf.where(conflict, tf.div(dot, tf.maximum(squaredNorm, 1e-30)), tf.scalar(0));
    const merged: tf.NamedTensorMap = {};
    for (const name of names) {
      const a = primary[name];
      const b = secondary[name];
      if (a && b) merged[name] = tf.add(a, tf.sub(b, tf.mul(coefficient, a)));
      else merged[name] = tf.clone((a ?? b)!);
    }
    return merged;
  });
}
