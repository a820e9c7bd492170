import * as tf from '@tensorflow/tfjs-core';
import { inferShape } from '@xent/core';

/** A nested array of numbers, as float64 references produce. */
export type Nested = number | readonly Nested[];

/** Tolerances: `|a − e| ≤ atol + rtol·|e|`. */
export interface Tolerance {
  /** @defaultValue 1e-5 */
  readonly atol?: number;
  /** @defaultValue 1e-4 */
  readonly rtol?: number;
}

/** Flattens a tensor, typed array, nested array or number to a plain number array. */
export function flatten(value: tf.Tensor | Nested | ArrayLike<number>): number[] {
  if (value instanceof tf.Tensor) return Array.from(value.dataSync());
  if (typeof value === 'number') return [value];
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  return (value as readonly Nested[]).flatMap((item) => flatten(item));
}

function shapeOf(value: tf.Tensor | Nested | ArrayLike<number>): number[] | undefined {
  if (value instanceof tf.Tensor) return value.shape;
  if (typeof value === 'number') return [];
  if (ArrayBuffer.isView(value)) return undefined;
  return inferShape(value as tf.TensorLike)!;
}

/** Whether one actual/expected pair agrees: NaN only equals NaN, ±Inf only itself. */
export function isClose(actual: number, expected: number, tolerance: Tolerance = {}): boolean {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Number.isNaN(actual) && Number.isNaN(expected);
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  return (
    Math.abs(actual - expected) <= (tolerance.atol ?? 1e-5) + (tolerance.rtol ?? 1e-4) * Math.abs(expected)
  );
}

/**
 * Throws unless `actual` and `expected` have the same shape (when both have one) and every element
 * satisfies `|a − e| ≤ atol + rtol·|e|`; NaN equals only NaN, ±Inf only itself. The message names the
 * worst element.
 */
export function expectClose(
  actual: tf.Tensor | Nested | ArrayLike<number>,
  expected: tf.Tensor | Nested | ArrayLike<number>,
  tolerance: Tolerance & { readonly message?: string } = {},
): void {
  const label = tolerance.message ? `${tolerance.message}: ` : '';
  const actualShape = shapeOf(actual);
  const expectedShape = shapeOf(expected);
  const a = flatten(actual);
  const e = flatten(expected);
  if (
    a.length !== e.length ||
    (actualShape && expectedShape && actualShape.join(',') !== expectedShape.join(','))
  ) {
    throw new Error(
      `${label}shape mismatch: actual [${actualShape ?? a.length}] vs expected [${expectedShape ?? e.length}]`,
    );
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    if (isClose(a[i]!, e[i]!, tolerance)) continue;
    const excess = Number.isFinite(a[i]! - e[i]!) ? Math.abs(a[i]! - e[i]!) : Infinity;
    if (worst < 0 || excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    const count = a.filter((x, i) => !isClose(x, e[i]!, tolerance)).length;
    throw new Error(
      `${label}${count}/${a.length} elements differ; worst at flat index ${worst}: actual ${a[worst]}, expected ${e[worst]} ` +
        `(atol ${tolerance.atol ?? 1e-5}, rtol ${tolerance.rtol ?? 1e-4})`,
    );
  }
}

/** Reads any value {@link expectClose} accepts, asynchronously (works on every backend, WebGPU in Node too). */
export async function readValues(value: tf.Tensor | Nested | ArrayLike<number>): Promise<number[]> {
  return value instanceof tf.Tensor ? Array.from(await value.data()) : flatten(value);
}

/** {@link expectClose} with asynchronous reads: use it in suites that run on WebGPU. */
export async function expectCloseAsync(
  actual: tf.Tensor | Nested | ArrayLike<number>,
  expected: tf.Tensor | Nested | ArrayLike<number>,
  tolerance: Tolerance & { readonly message?: string } = {},
): Promise<void> {
  const shape = (v: typeof actual) => (v instanceof tf.Tensor ? v.shape : undefined);
  const [a, e] = await Promise.all([readValues(actual), readValues(expected)]);
  const actualShape = shape(actual);
  const expectedShape = shape(expected) ?? shapeOf(expected);
  if (actualShape && expectedShape && actualShape.join(',') !== expectedShape.join(',')) {
    throw new Error(
      `${tolerance.message ? `${tolerance.message}: ` : ''}shape mismatch: actual [${actualShape}] vs expected [${expectedShape}]`,
    );
  }
  expectClose(a, e, tolerance);
}
