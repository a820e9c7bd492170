import * as tf from '@tensorflow/tfjs';
import {
  expectClose,
  expectNoLeak,
  expectXentError,
  randomInts,
  randomNormal,
  useBackend,
} from '@xent/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearCrossEntropy, registerFusedBackend } from '../src/index.js';
import '../src/cpu.js';
import { denseLoss } from './dense.js';

const E = randomNormal([4, 3], 1) as number[][];
const C = randomNormal([6, 3], 2) as number[][];
const Y = [0, 5, 2, -100];

beforeAll(async () => {
  await useBackend('cpu');
});

describe('linearCrossEntropy rejects bad inputs with documented codes', () => {
  const call =
    (e: unknown, c: unknown, y: unknown, options: Record<string, unknown> = {}) =>
    () =>
      expectNoLeak(() => linearCrossEntropy(e as number[][], c as number[][], y as number[], options));
  it('SHAPE_MISMATCH naming the argument', () => {
    expectXentError(call([1, 2, 3], C, Y), 'SHAPE_MISMATCH', { argument: 'embeddings' });
    expectXentError(call(E, randomNormal([6, 4], 3), Y), 'SHAPE_MISMATCH', { argument: 'classifier' });
    expectXentError(call(E, C, [0, 1, 2]), 'SHAPE_MISMATCH', { argument: 'targets' });
    expectXentError(call(E, C, Y, { bias: [1, 2] }), 'SHAPE_MISMATCH', { argument: 'options.bias' });
    expectXentError(call(E, [], Y), 'SHAPE_MISMATCH', { argument: 'classifier' });
  });
  it('DTYPE_MISMATCH for int embeddings and float or fractional targets', () => {
    const ints = tf.tensor2d(
      E.map((r) => r.map(Math.round)),
      undefined,
      'int32',
    );
    expectXentError(call(ints, C, Y), 'DTYPE_MISMATCH', { argument: 'embeddings' });
    const floats = tf.tensor1d(Y, 'float32');
    expectXentError(call(E, C, floats), 'DTYPE_MISMATCH', { argument: 'targets' });
    expectXentError(call(E, C, [0, 1.5, 2, 3]), 'DTYPE_MISMATCH', { argument: 'targets' });
    tf.dispose([ints, floats]);
  });
  it('LABEL_OUT_OF_RANGE for targets outside [0, V) other than ignoreIndex', () => {
    expectXentError(call(E, C, [0, 6, 1, 1]), 'LABEL_OUT_OF_RANGE', { argument: 'targets' });
    expectXentError(call(E, C, [0, -1, 1, 1]), 'LABEL_OUT_OF_RANGE', { argument: 'targets' });
    expectXentError(call(E, C, Y, { ignoreIndex: -1 }), 'LABEL_OUT_OF_RANGE', { argument: 'targets' });
  });
  it('NON_FINITE_INPUT and EMPTY_BATCH', () => {
    const nan = E.map((r, i) => (i === 2 ? [r[0]!, Number.NaN, r[2]!] : r));
    expectXentError(call(nan, C, Y), 'NON_FINITE_INPUT', { argument: 'embeddings' });
    const inf = C.map((r, i) => (i === 1 ? [Number.POSITIVE_INFINITY, 0, 0] : r));
    expectXentError(call(E, inf, Y), 'NON_FINITE_INPUT', { argument: 'classifier' });
    const empty = tf.zeros([0, 3]);
    expectXentError(call(empty, C, tf.zeros([0], 'int32')), 'EMPTY_BATCH', { argument: 'embeddings' });
    empty.dispose();
  });
  it('INVALID_OPTION naming the option', () => {
    for (const [name, value] of [
      ['labelSmoothing', 1],
      ['softcap', -1],
      ['logZPenalty', -0.1],
      ['gradFilterEps', -1],
      ['vocabBlock', 0],
      ['tokenBlock', 2.5],
      ['impl', 'fast'],
      ['reduction', 'avg'],
      ['ignoreIndex', 0.5],
      ['gamma', 2],
    ] as const) {
      expectXentError(call(E, C, Y, { [name]: value }), 'INVALID_OPTION', { argument: `options.${name}` });
    }
    // Core's option mechanism: a misspelt option names the one meant; the options must be an object.
    expectXentError(call(E, C, Y, { ignoreIndx: -1 } as never), 'INVALID_OPTION', {
      argument: 'options.ignoreIndx',
      includes: ["did you mean 'ignoreIndex'?"],
    });
    expectXentError(call(E, C, Y, [] as never), 'INVALID_OPTION', { argument: 'options' });
  });
  it("BACKEND_UNAVAILABLE for impl: 'fused' where no kernel is registered", async (context) => {
    if (!(await useBackend('wasm'))) context.skip();
    try {
      expectXentError(call(E, C, Y, { impl: 'fused' }), 'BACKEND_UNAVAILABLE', { argument: 'options.impl' });
    } finally {
      await useBackend('cpu');
    }
  });
});

describe('properties', () => {
  it('reduces to the dense cross-entropy and is invariant to a constant shift of the bias', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (seed, shift) => {
          tf.tidy(() => {
            const e = tf.tensor2d(randomNormal([5, 4], seed) as number[][]);
            const c = tf.tensor2d(randomNormal([9, 4], seed + 1) as number[][]);
            const b = tf.tensor1d(randomNormal([9], seed + 2) as number[]);
            const y = tf.tensor1d(randomInts(5, 9, seed + 3), 'int32');
            const ours = linearCrossEntropy(e, c, y, { bias: b, vocabBlock: 4, tokenBlock: 2 });
            expectClose(ours, denseLoss(e, c, y, b), { atol: 1e-5, rtol: 1e-5 });
            const shifted = linearCrossEntropy(e, c, y, { bias: tf.add(b, shift), vocabBlock: 4 });
            expectClose(shifted, ours, { atol: 1e-5, rtol: 1e-5 });
          });
        },
      ),
      { numRuns: 20 },
    );
  });
  it('label smoothing with α → 0 and z-loss with λ = 0 give plain cross-entropy', () => {
    tf.tidy(() => {
      const plain = linearCrossEntropy(E, C, Y);
      expectClose(linearCrossEntropy(E, C, Y, { labelSmoothing: 0, logZPenalty: 0 }), plain);
      expectClose(linearCrossEntropy(E, C, Y, { labelSmoothing: 1e-9 }), plain, { atol: 1e-6 });
    });
  });
});

describe('the tiled driver splits calls past a backend limit', () => {
  it('gives the same loss and gradients on a fake tiny limit (2 tokens × 5 vocabulary rows per call)', () => {
    const previous = registerFusedBackend('cpu', { maxRows: () => ({ tokens: 2, vocab: 5 }) });
    try {
      tf.tidy(() => {
        const e = tf.tensor2d(randomNormal([7, 3], 5) as number[][]);
        const c = tf.tensor2d(randomNormal([13, 3], 6) as number[][]);
        const b = tf.tensor1d(randomNormal([13], 7) as number[]);
        const y = tf.tensor1d([0, 12, 5, -100, 7, 7, 1], 'int32');
        const f = (x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) =>
          linearCrossEntropy(x, w, y, { bias: bb, impl: 'fused', softcap: 5 });
        const g = (x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => denseLoss(x, w, y, bb, { softcap: 5 });
        expectClose(f(e, c, b), g(e, c, b), { atol: 1e-6 });
        const [ours, dense] = [tf.grads(f)([e, c, b]), tf.grads(g)([e, c, b])];
        for (const [i, grad] of ours.entries()) expectClose(grad, dense[i]!, { atol: 1e-6, rtol: 1e-4 });
      });
    } finally {
      registerFusedBackend('cpu', previous!);
    }
  });
  it('throws BUFFER_LIMIT when not even one row fits', () => {
    const previous = registerFusedBackend('cpu', { maxRows: () => ({ tokens: 0, vocab: 5 }) });
    try {
      expectXentError(
        () => expectNoLeak(() => linearCrossEntropy(E, C, Y, { impl: 'fused' })),
        'BUFFER_LIMIT',
      );
    } finally {
      registerFusedBackend('cpu', previous!);
    }
    expect(true).toBe(true);
  });
});
