import { expectClose, expectXentError, randomNormal } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { anyLoss } from '../src/any-loss.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function any64(inputs: readonly unknown[], options: Record<string, unknown>): number {
  const [scores, labels] = inputs as [number[], number[]];
  const metric = (options.metric as string | undefined) ?? 'fBeta';
  const beta = (options.beta as number | undefined) ?? 1;
  const L = (options.amplifier as number | undefined) ?? 73;
  const eps = (options.epsilon as number | undefined) ?? 1e-5;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const yHat = sigmoid(L * (sigmoid(s) - 0.5));
    const y = labels[i]!;
    tp += y * yHat;
    fn += y * (1 - yHat);
    fp += (1 - y) * yHat;
    tn += (1 - y) * (1 - yHat);
  });
  const y1 = tp + fn;
  const y0 = tn + fp;
  const n = scores.length;
  const value: Record<string, number> = {
    accuracy: (tp + tn) / n,
    fBeta: ((1 + beta * beta) * tp) / ((1 + beta * beta) * tp + beta * beta * fn + fp + eps),
    balancedAccuracy: (y0 * tp + y1 * tn) / (2 * y1 * y0 + eps),
    gMean: Math.sqrt((tp * tn) / (y1 * y0 + eps)),
  };
  return 1 - value[metric]!;
}

const scores = (randomNormal([8], 21, 0.05) as number[]).map((v) => v);
const labels = [1, 0, 1, 1, 0, 0, 0, 1];

runLossConformance(
  anyLoss,
  [
    { name: 'F1 (L = 73)', inputs: [scores, labels], reference: any64 },
    { name: 'F2, L = 20', inputs: [scores, labels], options: { beta: 2, amplifier: 20 }, reference: any64 },
    { name: 'accuracy', inputs: [scores, labels], options: { metric: 'accuracy' }, reference: any64 },
    {
      name: 'balanced accuracy',
      inputs: [scores, labels],
      options: { metric: 'balancedAccuracy' },
      reference: any64,
    },
    {
      name: 'G-mean',
      inputs: [scores, labels],
      options: { metric: 'gMean', amplifier: 10 },
      reference: any64,
    },
  ],
  { backends: ['cpu', 'wasm'] },
);

runLossConformance(anyLoss, [{ name: 'F1', inputs: [scores, labels], reference: any64 }], {
  backends: ['webgpu'],
});

describe('anyLoss properties (Han et al. 2024)', () => {
  const metrics = ['accuracy', 'fBeta', 'balancedAccuracy', 'gMean'] as const;
  it('every metric loss lies in [0, 1] and is ≈ 0 for confident correct predictions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -6, max: 6, noNaN: true }), fc.integer({ min: 0, max: 1 })), {
          minLength: 2,
          maxLength: 12,
        }),
        fc.constantFrom(...metrics),
        (pairs, metric) => {
          const ys = pairs.map(([, y]) => y);
          if (!ys.includes(0) || !ys.includes(1)) return true;
          const v = anyLoss(
            pairs.map(([s]) => s),
            ys,
            { metric },
          ).dataSync()[0]!;
          const perfect = anyLoss(
            ys.map((y) => (y ? 10 : -10)),
            ys,
            { metric },
          ).dataSync()[0]!;
          return v >= -1e-5 && v <= 1 + 1e-5 && perfect < 1e-3;
        },
      ),
      { numRuns: 40 },
    );
  });
  it('rejects labels outside [0, 1] and bad metrics', () => {
    expectXentError(() => anyLoss([0.1, 0.2], [2, 0]), 'LABEL_OUT_OF_RANGE', { argument: 'labels' });
    expectXentError(() => anyLoss([0.1, 0.2], [1, 0], { metric: 'auc' as never }), 'INVALID_OPTION', {
      argument: 'options.metric',
    });
  });
  it('matches the reference on a single-class batch thanks to ε', () => {
    expectClose(
      anyLoss([1, 2], [1, 1], { metric: 'gMean' }),
      any64(
        [
          [1, 2],
          [1, 1],
        ],
        { metric: 'gMean' },
      ),
    );
  });
});
