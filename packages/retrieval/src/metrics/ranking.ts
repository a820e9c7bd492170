import {
  checkFinite,
  checkOption,
  optionsObject,
  rejectUnknownOptions as rejectUnknownOptionsOf,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';

/** A score or relevance matrix on the host. */
export interface HostMatrix {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

/** Options of the top-k metrics. */
export interface TopKOptions {
  /** Cut-off rank k. @defaultValue 10 */
  readonly k?: number;
}

/**
 * Reads a `[Q, C]` (or `[C]`, one query) float matrix to the host (a tensor is read synchronously,
 * so on WebGPU in Node pass `await t.array()` instead). Throws `SHAPE_MISMATCH` / `NON_FINITE_INPUT`.
 */
export function readMatrix(fn: string, argument: string, value: TensorInput): HostMatrix {
  const tensor = toTensor(value, fn, argument);
  try {
    if (tensor.rank !== 1 && tensor.rank !== 2) {
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument,
        expected: '[Q, C] or [C]',
        received: `${tensor.dtype} [${tensor.shape.join(', ')}]`,
      });
    }
    checkFinite(fn, argument, tensor);
    const data = tensor.dataSync();
    const rows = tensor.rank === 1 ? 1 : tensor.shape[0]!;
    const cols = tensor.shape[tensor.rank - 1]!;
    return { data: Array.from(data as ArrayLike<number>), rows, cols };
  } finally {
    if (tensor !== value) tensor.dispose();
  }
}

/** Reads scores and relevance, checks they match and that relevance is ≥ 0. */
export function readPair(
  fn: string,
  scores: TensorInput,
  relevance: TensorInput,
  relevanceName = 'relevance',
): { scores: HostMatrix; relevance: HostMatrix } {
  const s = readMatrix(fn, 'scores', scores);
  const r = readMatrix(fn, relevanceName, relevance);
  if (s.rows !== r.rows || s.cols !== r.cols) {
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument: relevanceName,
      expected: `[${s.rows}, ${s.cols}] like scores`,
      received: `[${r.rows}, ${r.cols}]`,
    });
  }
  if (s.rows * s.cols === 0) {
    throw new XentError('EMPTY_BATCH', {
      fn,
      argument: 'scores',
      expected: 'at least one score',
      received: '0',
    });
  }
  for (let i = 0; i < r.data.length; i++) {
    if (r.data[i]! < 0) {
      throw new XentError('LABEL_OUT_OF_RANGE', {
        fn,
        argument: relevanceName,
        expected: 'relevance ≥ 0',
        received: `${r.data[i]} at flat index ${i}`,
      });
    }
  }
  return { scores: s, relevance: r };
}

/** Throws `INVALID_OPTION` (with a "did you mean") for an option name not in `allowed`. */
export function rejectUnknownOptions(fn: string, options: unknown, allowed: readonly string[]): void {
  rejectUnknownOptionsOf(fn, optionsObject(fn, options), allowed);
}

/** The cut-off `k` of a top-k metric, validated. */
export function cutoff(fn: string, options: TopKOptions): number {
  rejectUnknownOptions(fn, options, ['k']);
  const k = options.k ?? 10;
  checkOption(fn, 'k', k, { type: 'number', min: 1, integer: true, description: 'cut-off rank' });
  return k;
}

/**
 * Averages `perQuery(ranked relevance, all relevance of the row)` over the queries that have at least
 * one relevant item; NaN when none has. Ranking is by score, descending; ties keep corpus order.
 */
export function meanOverQueries(
  scores: HostMatrix,
  relevance: HostMatrix,
  perQuery: (ranked: readonly number[], row: readonly number[]) => number,
): number {
  let total = 0;
  let counted = 0;
  for (let i = 0; i < scores.rows; i++) {
    const offset = i * scores.cols;
    const row = Array.from({ length: scores.cols }, (_, j) => relevance.data[offset + j]!);
    if (!row.some((r) => r > 0)) continue;
    const order = row.map((_, j) => j);
    order.sort((a, b) => scores.data[offset + b]! - scores.data[offset + a]! || a - b);
    total += perQuery(
      order.map((j) => row[j]!),
      row,
    );
    counted++;
  }
  return counted === 0 ? Number.NaN : total / counted;
}
