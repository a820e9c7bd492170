import { isXentError, type XentErrorCode } from '@xent/core';

/** What an expected error must mention. */
export interface ExpectedError {
  /** The argument the message must name (`'labels'`, `'options.gamma'`). */
  readonly argument?: string;
  /** Substrings the message must contain. */
  readonly includes?: readonly string[];
}

/**
 * Runs `fn` and throws unless it throws an XentError with `code` (and, if given, naming `argument` and
 * containing `includes`). Returns the error for further checks.
 */
export function expectXentError(fn: () => unknown, code: XentErrorCode, expected: ExpectedError = {}) {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error(`expected XentError ${code}, but nothing was thrown`);
  if (!isXentError(thrown, code)) {
    const what = isXentError(thrown) ? `XentError ${thrown.code}` : String(thrown);
    throw new Error(
      `expected XentError ${code}, got ${what}${thrown instanceof Error ? `: ${thrown.message}` : ''}`,
    );
  }
  if (expected.argument !== undefined && thrown.argument !== expected.argument) {
    throw new Error(
      `expected the error to name argument '${expected.argument}', got '${thrown.argument}': ${thrown.message}`,
    );
  }
  for (const part of expected.includes ?? []) {
    if (!thrown.message.includes(part))
      throw new Error(`expected the message to include '${part}': ${thrown.message}`);
  }
  return thrown;
}
