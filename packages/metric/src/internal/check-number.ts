import { XentError } from '@xent/core';

/**
 * Throws `INVALID_OPTION` (naming `fn` and `argument`) unless `value` is a positive integer, or with
 * `kind: 'positive'` a finite number > 0. For the plain-function options that `defineLoss` does not see.
 */
export function checkPositive(
  fn: string,
  argument: string,
  value: number,
  kind: 'integer' | 'positive' = 'integer',
): void {
  const ok = kind === 'integer' ? Number.isInteger(value) && value > 0 : Number.isFinite(value) && value > 0;
  if (!ok)
    throw new XentError('INVALID_OPTION', {
      fn,
      argument,
      expected: kind === 'integer' ? 'a positive integer' : 'a finite number > 0',
      received: String(value),
    });
}
