import * as tf from '@tensorflow/tfjs';
import { expectClose, expectNoLeak, gradCheck, randomNormal, seededRandom } from '@xent/testing';
import { describe, it } from 'vitest';
import { deviceTcm, hostTcm, type TcmTerms } from '../src/internal/tcm-terms.js';

type M = number[][];

// TCM from its formula as float64 loops: λ⁺·Σ w(m⁺ − S)/Σ w over positives with S ≤ m⁺, plus
// λ⁻·Σ w(S − m⁻)/Σ w over negatives with S ≥ m⁻ (w: pair multiplicity; an empty set gives 0).
function tcmLoops(s: M, pos: M, neg: M, o: TcmTerms): number {
  let [ps, pc, ns, nc] = [0, 0, 0, 0];
  s.forEach((row, i) => {
    row.forEach((v, j) => {
      if (pos[i]![j]! > 0 && v <= o.marginPlus)
        [ps, pc] = [ps + pos[i]![j]! * (o.marginPlus - v), pc + pos[i]![j]!];
      if (neg[i]![j]! > 0 && v >= o.marginMinus)
        [ns, nc] = [ns + neg[i]![j]! * (v - o.marginMinus), nc + neg[i]![j]!];
    });
  });
  return (o.lambdaPlus * ps) / Math.max(pc, 1) + (o.lambdaMinus * ns) / Math.max(nc, 1);
}

const TERMS: TcmTerms[] = [
  { lambdaPlus: 1, lambdaMinus: 1, marginPlus: 0.9, marginMinus: 0.5 },
  { lambdaPlus: 0.5, lambdaMinus: 2, marginPlus: 0.2, marginMinus: -0.1 },
  { lambdaPlus: 1, lambdaMinus: 1, marginPlus: -1, marginMinus: 1 }, // nothing hard: 0, zero gradient
];

describe('TCM terms: host pass (closed-form gradient) = device ops = loops', () => {
  for (const [k, terms] of TERMS.entries()) {
    it(`values and gradients with pair multiplicities, ${JSON.stringify(terms)}`, () => {
      const s = (randomNormal([5, 7], 30 + k) as M).map((r) => r.map((v) => Math.tanh(v)));
      const random = seededRandom(50 + k);
      const pos = s.map((r) => r.map(() => (random() < 0.3 ? (random() < 0.5 ? 1 : 2) : 0)));
      const neg = pos.map((r) => r.map((v) => (v === 0 && random() < 0.8 ? 1 : 0)));
      const [p, n] = [tf.tensor(pos), tf.tensor(neg)];
      const host = (t: tf.Tensor) => hostTcm(t, p, n, terms)!;
      const device = (t: tf.Tensor) => deviceTcm(t, p, n, terms);
      const expected = tcmLoops(s, pos, neg, terms);
      expectClose(host(tf.tensor(s)), expected, { atol: 1e-6 });
      expectClose(device(tf.tensor(s)), expected, { atol: 1e-6 });
      gradCheck({ fn: host, reference: (t) => tcmLoops(t as M, pos, neg, terms), at: [s], epsilon: 1e-4 });
      expectClose(tf.grad(host)(tf.tensor(s)), tf.grad(device)(tf.tensor(s)), { atol: 1e-6 });
      const input = tf.tensor(s);
      expectNoLeak(() => tf.grad(host)(input));
      tf.dispose([p, n, input]);
    });
  }
});
