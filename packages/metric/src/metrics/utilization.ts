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
  const q = rowsOf(queries, 'utilization');
  const x = rowsOf(reference, 'utilization');
  if (q.length === 0 || x.length === 0)
    throw new RangeError('utilization: queries and reference must be non-empty');
  if (q[0]!.length !== x[0]!.length)
    throw new RangeError('utilization: queries and reference differ in dimension');
  return distanceMatrix(q, 'euclidean', x).reduce((s, row) => s + Math.min(...row), 0) / q.length;
}
