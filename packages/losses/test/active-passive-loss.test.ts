import { expectClose, expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { activePassiveLoss } from '../src/active-passive-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { crossEntropyRow64, logSoftmax64, perExample64, softmax64, sum } from './reference-b.js';

type Terms = (row: number[], target: number[], options: Record<string, number>) => number;
const activeTerms: Record<string, Terms> = {
  nce: (row, t) => {
    const logp = logSoftmax64(row);
    return sum(t.map((tc, c) => tc * logp[c]!)) / sum(logp);
  },
  nfl: (row, t, { gamma }) => {
    const p = softmax64(row);
    const fl = p.map((pk) => -((1 - pk) ** gamma!) * Math.log(pk));
    return sum(t.map((tc, c) => tc * fl[c]!)) / sum(fl);
  },
  ngce: (row, t, { q }) => {
    const p = softmax64(row);
    return sum(t.map((tc, c) => tc * (1 - p[c]! ** q!))) / (row.length - sum(p.map((pk) => pk ** q!)));
  },
  ce: (row, t) => crossEntropyRow64(row, t),
};
const passiveTerms: Record<string, Terms> = {
  rce: (row, t, { targetFloor }) =>
    -sum(softmax64(row).map((pk, k) => pk * Math.log(Math.max(t[k]!, targetFloor!)))),
  mae: (row, t) => 1 - sum(softmax64(row).map((pk, k) => pk * t[k]!)),
  nmae: (row, t) => sum(softmax64(row).map((pk, k) => Math.abs(pk - t[k]!))) / (2 * (row.length - 1)),
};

function apl64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const o = { alpha: 1, beta: 1, gamma: 0.5, q: 0.7, targetFloor: 1e-4, ...options } as Record<
    string,
    number
  > & {
    alpha: number;
    beta: number;
  };
  const active = activeTerms[(options.active as string | undefined) ?? 'nce']!;
  const passive = passiveTerms[(options.passive as string | undefined) ?? 'rce']!;
  return perExample64(inputs as never, (row, t) => o.alpha * active(row, t, o) + o.beta * passive(row, t, o));
}

runLossConformance(
  activePassiveLoss,
  [
    { name: 'NCE+RCE (α = β = 1)', inputs: [logits, ids], reference: apl64 },
    {
      name: 'NCE+MAE, soft targets',
      inputs: [logits, soft],
      options: { passive: 'mae', alpha: 10, beta: 0.1 },
      reference: apl64,
    },
    {
      name: 'NFL+NMAE (γ = 2)',
      inputs: [logits, ids],
      options: { active: 'nfl', passive: 'nmae', gamma: 2 },
      reference: apl64,
    },
    {
      name: 'NGCE+RCE (q = 0.7)',
      inputs: [logits, ids],
      options: { active: 'ngce', beta: 0.5 },
      reference: apl64,
    },
    { name: 'SCE = CE+RCE', inputs: [logits, ids], options: { active: 'ce', alpha: 0.1 }, reference: apl64 },
  ],
  { backends: ['cpu', 'wasm'] },
);

runLossConformance(activePassiveLoss, [{ name: 'NCE+RCE', inputs: [logits, ids], reference: apl64 }], {
  backends: ['webgpu'],
});

describe('activePassiveLoss properties (Ma et al. 2020)', () => {
  const row = fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: C, maxLength: C });
  const all = [0, 1, 2, 3, 4];
  it('normalised terms sum to 1 over all labels, so NCE+NMAE (α = β = 1) sums to 2', () => {
    fc.assert(
      fc.property(row, fc.constantFrom('nce', 'nfl', 'ngce'), (r, active) => {
        const rows = all.map(() => r);
        const total = activePassiveLoss(rows, all, {
          active: active as 'nce',
          passive: 'nmae',
          reduction: 'sum',
        });
        expectClose(total, 2, { atol: 1e-4 });
      }),
      { numRuns: 30 },
    );
  });
  it('every combination is bounded (finite for extreme logits)', () => {
    const extreme = [[80, -80, 0, 0, 0]];
    for (const active of ['nce', 'nfl', 'ngce'] as const) {
      for (const passive of ['rce', 'mae', 'nmae'] as const) {
        const v = activePassiveLoss(extreme, [1], { active, passive }).dataSync()[0]!;
        if (!Number.isFinite(v) || v < 0 || v > 1 + 9.22) throw new Error(`${active}+${passive}: ${v}`);
      }
    }
  });
  it('rejects unknown terms', () => {
    expectXentError(() => activePassiveLoss(logits, ids, { active: 'gce' as never }), 'INVALID_OPTION', {
      argument: 'options.active',
    });
    expectXentError(() => activePassiveLoss(logits, ids, { q: 0 }), 'INVALID_OPTION', {
      argument: 'options.q',
    });
  });
});
