import * as tf from '@tensorflow/tfjs-core';
import { checkFinite, describeTensor, type TensorInput, toTensor, XentError } from '@xent/core';
import { checkBinaryMask } from './mask.js';

/** Ids of the rows of a batch: host strings/numbers (texts, record ids) or an int32 tensor `[N]`. */
export type BatchIds = readonly (string | number)[] | TensorInput;

function isHostIds(value: BatchIds): value is readonly (string | number)[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number');
}

/** `[N, N]` float mask, 1 where ids[i] = ids[j]. */
export function sameIdMask(fn: string, name: string, ids: BatchIds, n: number): tf.Tensor {
  if (isHostIds(ids)) {
    if (ids.length !== n) {
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: `options.${name}`,
        expected: `${n} ids (one per row of the batch)`,
        received: `${ids.length} ids`,
      });
    }
    const values = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) values[i * n + j] = ids[i] === ids[j] ? 1 : 0;
    return tf.tensor2d(values, [n, n]);
  }
  const tensor = toTensor(ids as TensorInput, fn, `options.${name}`, 'int32');
  if (tensor.rank !== 1 || tensor.shape[0] !== n) {
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument: `options.${name}`,
      expected: `int32 [${n}]`,
      received: describeTensor(tensor),
    });
  }
  return tf.cast(tf.equal(tf.expandDims(tensor, 1), tf.expandDims(tensor, 0)), 'float32');
}

/** The ways a caller marks which candidates are relevant to which query. */
export interface RelevanceOptions {
  readonly positiveMask?: TensorInput;
  readonly queryIds?: BatchIds;
  readonly docIds?: BatchIds;
}

/**
 * The relevance mask `[N, C]` of N queries over C candidates (the N in-batch documents first): 1
 * where candidate c is relevant to query i. Always 1 on (i, i). From `positiveMask` (`[N, N]` or
 * `[N, C]`), from queries with equal `queryIds` (they share their documents), from documents with
 * equal `docIds`, or the union of those given. `undefined` when none is given (only the diagonal).
 */
export function relevanceMask(
  fn: string,
  options: RelevanceOptions,
  n: number,
  candidates: number,
  validate: boolean,
): tf.Tensor | undefined {
  const parts: tf.Tensor[] = [];
  if (options.positiveMask !== undefined) {
    const mask = toTensor(options.positiveMask, fn, 'options.positiveMask', 'float32');
    if (mask.rank !== 2 || mask.shape[0] !== n || (mask.shape[1] !== n && mask.shape[1] !== candidates)) {
      throw new XentError('SHAPE_MISMATCH', {
        fn,
        argument: 'options.positiveMask',
        expected: `0/1 float32 [${n}, ${n}] (in-batch documents) or [${n}, ${candidates}] (with the hard negatives)`,
        received: describeTensor(mask),
      });
    }
    if (validate) {
      checkFinite(fn, 'options.positiveMask', mask);
      checkBinaryMask(fn, 'options.positiveMask', mask);
    }
    parts.push(
      mask.shape[1] === candidates
        ? mask
        : tf.pad(mask, [
            [0, 0],
            [0, candidates - n],
          ]),
    );
  }
  for (const name of ['queryIds', 'docIds'] as const) {
    const ids = options[name];
    if (ids === undefined) continue;
    parts.push(
      tf.pad(sameIdMask(fn, name, ids, n), [
        [0, 0],
        [0, candidates - n],
      ]),
    );
  }
  if (parts.length === 0) return undefined;
  const diagonal = tf.pad(tf.eye(n), [
    [0, 0],
    [0, candidates - n],
  ]);
  return parts.reduce((a, b) => tf.maximum(a, b), diagonal);
}
