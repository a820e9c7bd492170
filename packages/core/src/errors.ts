/** Stable error codes; code against `error.code`, never against the message. */
export type XentErrorCode =
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'LABEL_OUT_OF_RANGE'
  | 'NON_FINITE_INPUT'
  | 'EMPTY_BATCH'
  | 'INVALID_OPTION'
  | 'NO_PAIRS_MINED'
  | 'BUFFER_LIMIT'
  | 'UNKNOWN_LOSS'
  | 'DUPLICATE_LOSS'
  | 'BACKEND_UNAVAILABLE';

/** What an {@link XentError} is about: the function, the argument, what was expected and received. */
export interface XentErrorDetails {
  /** The public function that rejected its input, e.g. `'focalLoss'`. */
  readonly fn: string;
  /** The argument or option at fault, e.g. `'labels'` or `'options.gamma'`. */
  readonly argument?: string;
  /** What was expected, e.g. `'int32 [N] with N = 4'`. */
  readonly expected?: string;
  /** What was received, e.g. `'float32 [5]'`. */
  readonly received?: string;
}

/**
 * The one error class of xent. Its message reads
 * `focalLoss(labels): expected int32 [N] with N = 4, received float32 [5]`.
 */
export class XentError extends Error {
  override readonly name = 'XentError';
  readonly code: XentErrorCode;
  readonly fn: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(code: XentErrorCode, details: XentErrorDetails, note?: string) {
    super(formatMessage(details, note));
    this.code = code;
    this.fn = details.fn;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = details.received;
  }
}

function formatMessage(details: XentErrorDetails, note?: string): string {
  const where = details.argument ? `${details.fn}(${details.argument})` : details.fn;
  const parts: string[] = [];
  if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
  if (details.received !== undefined) parts.push(`received ${details.received}`);
  if (note) parts.push(note);
  return `${where}: ${parts.join(', ')}`;
}

/** True when `error` is an XentError (by `name` and `code`, so two copies of core still agree). */
export function isXentError(error: unknown, code?: XentErrorCode): error is XentError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'XentError' &&
    (code === undefined || (error as { code?: unknown }).code === code)
  );
}
