import * as tf from '@tensorflow/tfjs-core';
import { inferShape } from '@xent/core';
import { expectClose, expectCloseAsync, flatten, type Nested, type Tolerance } from './close.js';

/** Rebuilds a nested array of `shape` from flat values. */
export function unflatten(values: ArrayLike<number>, shape: readonly number[]): Nested {
  if (shape.length === 0) return values[0]!;
  const [head, ...rest] = shape;
  const stride = rest.reduce((p, d) => p * d, 1);
  return Array.from({ length: head! }, (_, i) =>
    unflatten(Array.prototype.slice.call(values, i * stride, (i + 1) * stride), rest),
  );
}

/** Central finite-difference gradient of a float64 function of nested arrays, for every argument. */
export function numericGradient(
  reference: (...inputs: Nested[]) => number,
  at: readonly Nested[],
  epsilon = 1e-6,
): number[][] {
  const shapes = at.map((x) => inferShape(x as tf.TensorLike)!);
  const flats = at.map((x) => flatten(x));
  const evaluate = () => reference(...flats.map((f, i) => unflatten(f, shapes[i]!)));
  return flats.map((flat) =>
    flat.map((_, j) => {
      const original = flat[j]!;
      flat[j] = original + epsilon;
      const up = evaluate();
      flat[j] = original - epsilon;
      const down = evaluate();
      flat[j] = original;
      return (up - down) / (2 * epsilon);
    }),
  );
}

/** Arguments of {@link gradCheck}. */
export interface GradCheckOptions extends Tolerance {
  /** The tfjs function: float32 tensors in, a scalar out. */
  readonly fn: (...inputs: tf.Tensor[]) => tf.Tensor;
  /** The same function as a float64 reference on nested arrays (written from the formula). */
  readonly reference: (...inputs: Nested[]) => number;
  /** The point to differentiate at, one nested array per input. */
  readonly at: readonly Nested[];
  /** Finite-difference step on the float64 reference. @defaultValue 1e-6 */
  readonly epsilon?: number;
  readonly message?: string;
}

/**
 * Compares `tf.grads(fn)` (float32) with central finite differences of the float64 `reference`
 * (defaults `atol 1e-4`, `rtol 1e-3`). Disposes everything it creates.
 */
export function gradCheck(options: GradCheckOptions): void {
  const numeric = numericGradient(options.reference, options.at, options.epsilon);
  const tensors = options.at.map((x) => tf.tensor(x as tf.TensorLike, undefined, 'float32'));
  try {
    const grads = tf.grads((...xs: tf.Tensor[]) => options.fn(...xs) as tf.Scalar)(tensors);
    try {
      grads.forEach((grad, i) => {
        expectClose(grad, unflatten(numeric[i]!, grad.shape), {
          atol: options.atol ?? 1e-4,
          rtol: options.rtol ?? 1e-3,
          message: `${options.message ?? 'gradient'} of input ${i}`,
        });
      });
    } finally {
      tf.dispose(grads);
    }
  } finally {
    tf.dispose(tensors);
  }
}

/** {@link gradCheck} with asynchronous reads, for suites that run on WebGPU. */
export async function gradCheckAsync(options: GradCheckOptions): Promise<void> {
  const numeric = numericGradient(options.reference, options.at, options.epsilon);
  const tensors = options.at.map((x) => tf.tensor(x as tf.TensorLike, undefined, 'float32'));
  const grads = tf.grads((...xs: tf.Tensor[]) => options.fn(...xs) as tf.Scalar)(tensors);
  try {
    for (const [i, grad] of grads.entries()) {
      await expectCloseAsync(grad, unflatten(numeric[i]!, grad.shape), {
        atol: options.atol ?? 1e-4,
        rtol: options.rtol ?? 1e-3,
        message: `${options.message ?? 'gradient'} of input ${i}`,
      });
    }
  } finally {
    tf.dispose([...grads, ...tensors]);
  }
}
