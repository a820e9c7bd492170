import { XentError } from '@xent/core';
import { distanceMatrix, type HostInput, rowsOf } from './neighbours.js';

/**
 * Utilization (Metrix, Venkataramanan et al. 2022): the mean squared Euclidean distance from each test
 * query to its nearest training embedding,
 *
 *   u(Q) = (1/|Q|) Σ_{q∈Q} min_{x∈X} ‖f(q) − f(x)‖²
 *
 * Lower means training covered more of the space where the test embeddings land.
 *
 * @param queries `[Q, D]`.  @param reference `[N, D]` (training embeddings).
 * @see https://arxiv.org/abs/2106.04990
 * @example utilization(testEmbeddings, trainEmbeddings)
 */
export function utilization(queries: HostInput, reference: HostInput): number {
  const q = rowsOf('utilization', 'queries', queries);
  const x = rowsOf('utilization', 'reference', reference);
  if (q[0]!.length !== x[0]!.length) {
    throw new XentError('SHAPE_MISMATCH', {
      fn: 'utilization',
      argument: 'reference',
      expected: `[N, ${q[0]!.length}] (the dimension of queries)`,
      received: `[${x.length}, ${x[0]!.length}]`,
    });
  }
  return distanceMatrix(q, 'euclidean', x).reduce((s, row) => s + Math.min(...row), 0) / q.length;
}
