import * as tf from '@tensorflow/tfjs';
import { expectXentError } from '@xent/testing';
import { runLossConformance } from '@xent/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dualFocalLoss } from '../src/dual-focal-loss.js';
import { focalLoss } from '../src/focal-loss.js';
import { C, ids, logits, soft } from './fixtures.js';
import { expectCrossEntropyAt } from './properties.js';
import { perExample64, softmax64 } from './reference-b.js';

function dualFocal64(inputs: readonly unknown[], options: Record<string, unknown>): number[] {
  const gamma = (options.gamma as number | undefined) ?? 5;
  return perExample64(inputs as never, (row, target) => {
    const p = softmax64(row);
    const y = target.indexOf(1);
    let pj = 0;
    for (const pk of p) if (pk < p[y]! && pk > pj) pj = pk;
    return -((1 - p[y]! + pj) ** gamma) * Math.log(p[y]!);
  });
}

runLossConformance(
  dualFocalLoss,
  [
    { name: 'γ = 5 (paper)', inputs: [logits, ids], reference: dualFocal64 },
    { name: 'γ = 2', inputs: [logits, ids], options: { gamma: 2 }, reference: dualFocal64 },
  ],
  { backends: ['cpu', 'wasm', 'webgpu'] },
);

describe('dualFocalLoss properties', () => {
  const row = fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: C, maxLength: C });
  const label = fc.integer({ min: 0, max: C - 1 });
  it('γ = 0 is cross-entropy', () => {
    expectCrossEntropyAt(dualFocalLoss as never, { gamma: 0 });
  });
  it('is ≥ the focal loss with the same γ (the weight adds p_j ≥ 0)', () => {
    fc.assert(
      fc.property(row, label, fc.double({ min: 0, max: 5, noNaN: true }), (r, y, gamma) => {
        const dual = dualFocalLoss([r], [y], { gamma }).dataSync()[0]!;
        const focal = focalLoss([r], [y], { gamma }).dataSync()[0]!;
        return dual >= focal - 1e-5 * (1 + focal);
      }),
      { numRuns: 30 },
    );
  });
  it('has finite gradients for saturated logits and γ < 1 (u = 1 − p_y + p_j → 0)', () => {
    const grad = tf.grad((x: tf.Tensor) => dualFocalLoss(x, [0, 1], { gamma: 0.5 }))(
      tf.tensor([
        [60, 0, 0],
        [60, 0, -5],
      ]),
    );
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    grad.dispose();
  });
  it("needs no reduction below −1e20 (webgl's max starts there): a target below every other class has no p_j", () => {
    // The cpu backend's Max, floored as tfjs-webgl's reduce shader floors it (its accumulator starts at
    // −1/1e-20), reproduces the webgl mismatch: 1.504 instead of 1.156 on the browser matrix's inputs.
    const original = tf.getKernel('Max', 'cpu')!;
    tf.unregisterKernel('Max', 'cpu');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const out = original.kernelFunc(args) as tf.TensorInfo;
        const backend = args.backend as unknown as { readSync(id: object): Float32Array };
        const values = backend.readSync(out.dataId);
        for (let i = 0; i < values.length; i++) values[i] = Math.max(values[i]!, -1e20);
        return out;
      },
    });
    try {
      // Row 0: the target (class 1) is the smallest logit; row 1: it has a runner-up.
      const x = [
        [0.005, -0.791, -0.723, 0.896],
        [0.616, -0.449, -0.105, 0.406],
      ];
      const y = [1, 2];
      const got = dualFocalLoss(x, y, { reduction: 'none' });
      const want = dualFocal64([x, y], {});
      expect(Array.from(got.dataSync())).toEqual(want.map((v) => expect.closeTo(v, 4)));
      got.dispose();
    } finally {
      tf.unregisterKernel('Max', 'cpu');
      tf.registerKernel(original);
    }
  });
  it('takes class ids only', () => {
    expectXentError(() => dualFocalLoss(logits, soft), 'DTYPE_MISMATCH', { argument: 'labels' });
  });
});
