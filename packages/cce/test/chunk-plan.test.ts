import * as tf from '@tensorflow/tfjs';
import { expectCloseAsync, randomInts, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLASSIFIER_BLOCK_BUDGET,
  chunkPlan,
  MAX_TOKEN_BLOCK,
  MIN_VOCAB_BLOCK,
  TILE_BUDGET,
} from '../src/chunk-plan.js';
import { linearCrossEntropy } from '../src/index.js';
import { denseLoss, expectMatchesDense } from './dense.js';

describe('chunkPlan (block sizes of the chunked path)', () => {
  it('widens the vocabulary block for small batches and caps it by D', () => {
    // N = 16, V = 256,000, D = 64: 16 blocks of 16,384 (the former fixed 512 gave 500).
    expect(chunkPlan(16, 256_000, 64)).toMatchObject({ tokenBlock: 16, vocabBlock: 16_384 });
    // D = 4096 caps the classifier block at 4 MiB: 256 rows.
    expect(chunkPlan(16, 256_000, 4096)).toMatchObject({ tokenBlock: 16, vocabBlock: 256 });
    // N = 2048: tiles of 2048 × 128 (1 MiB).
    expect(chunkPlan(2048, 32_000, 256)).toMatchObject({ tokenBlock: 2048, vocabBlock: 128 });
    // Larger batches are cut in token blocks of 2048.
    expect(chunkPlan(8192, 128_256, 2048)).toMatchObject({ tokenBlock: MAX_TOKEN_BLOCK, vocabBlock: 128 });
    // A vocabulary that fits one tile is one block: the dense computation, without the N×V tensors of autodiff.
    expect(chunkPlan(64, 1000, 64)).toMatchObject({ tokenBlock: 64, vocabBlock: 1000 });
  });

  it('keeps every default tile and classifier block within its budget over the whole grid', () => {
    for (const n of [1, 16, 100, 2048, 2049, 8192]) {
      for (const v of [1, 1000, 32_000, 256_000]) {
        for (const d of [1, 64, 4096, 8192]) {
          const { tokenBlock, vocabBlock } = chunkPlan(n, v, d);
          expect(tokenBlock).toBeLessThanOrEqual(Math.min(n, MAX_TOKEN_BLOCK));
          expect(vocabBlock).toBeLessThanOrEqual(v);
          expect(vocabBlock).toBeGreaterThanOrEqual(Math.min(v, MIN_VOCAB_BLOCK));
          if (vocabBlock > MIN_VOCAB_BLOCK) {
            expect(tokenBlock * vocabBlock).toBeLessThanOrEqual(TILE_BUDGET);
            expect(vocabBlock * d).toBeLessThanOrEqual(CLASSIFIER_BLOCK_BUDGET);
          }
        }
      }
    }
  });

  it('takes explicit blocks as given (clamped to the dimensions)', () => {
    expect(chunkPlan(7, 13, 5, { tokenBlock: 3, vocabBlock: 4 })).toMatchObject({
      tokenBlock: 3,
      vocabBlock: 4,
    });
    expect(chunkPlan(7, 13, 5, { tokenBlock: 100, vocabBlock: 100 })).toMatchObject({
      tokenBlock: 7,
      vocabBlock: 13,
    });
    expect(chunkPlan(7, 13, 5, { vocabBlock: 2 })).toMatchObject({ tokenBlock: 7, vocabBlock: 2 });
    // The blocks as [start, end) ranges, the last one shorter.
    expect(chunkPlan(7, 13, 5, { tokenBlock: 3, vocabBlock: 4 })).toMatchObject({
      tokenBlocks: [
        [0, 3],
        [3, 6],
        [6, 7],
      ],
      vocabBlocks: [
        [0, 4],
        [4, 8],
        [8, 12],
        [12, 13],
      ],
    });
  });
});

describeBackends(['cpu', 'wasm'], (backend) => {
  if (backend === 'wasm') {
    // See linear-cross-entropy.test.ts: tfjs-wasm's IS_TEST per-kernel check counts customGrad saves.
    beforeAll(() => tf.env().set('IS_TEST', false));
    afterAll(() => tf.env().set('IS_TEST', true));
  }

  it('default blocks past one token block (N > 2048) and both transpose choices match the dense composite', async () => {
    // N = 2100 → token blocks of 2048 + 52; D = 3 < tokenBlock: dE accumulates transposed.
    for (const [n, d, v] of [
      [2100, 3, 40],
      [20, 40, 70],
    ] as const) {
      const e = tf.tensor2d(randomNormal([n, d], 61, 0.7) as number[][]);
      const cl = tf.tensor2d(randomNormal([v, d], 62, 0.7) as number[][]);
      const b = tf.tensor1d(randomNormal([v], 63, 0.3) as number[]);
      const y = tf.tensor1d(
        randomInts(n, v, 64).map((t, i) => (i % 5 === 0 ? -100 : t)),
        'int32',
      );
      await expectMatchesDense(e, cl, b, y, { impl: 'chunked', softcap: 5, gradFilterEps: 0 });
      tf.dispose([e, cl, b, y]);
    }
  });

  it('gives the right gradients when the classifier is an intermediate of tf.grads (saved as a view)', async () => {
    const [n, d, v] = [9, 6, 11];
    const e = tf.tensor2d(randomNormal([n, d], 71, 0.7) as number[][]);
    const w = tf.tensor2d(randomNormal([v, d], 72, 0.7) as number[][]);
    const y = tf.tensor1d(randomInts(n, v, 73), 'int32');
    const before = tf.memory().numTensors;
    // C = 2·tanh(W) only exists inside the differentiated function: tfjs disposes it after the forward
    // pass unless the saved copy keeps its buffer alive.
    const classifier = (x: tf.Tensor) => tf.mul(tf.tanh(x), 2);
    const ours = tf.grads((x: tf.Tensor, u: tf.Tensor) =>
      linearCrossEntropy(tf.mul(x, 1.5), classifier(u), y, { impl: 'chunked', vocabBlock: 4, tokenBlock: 4 }),
    )([e, w]);
    const dense = tf.grads((x: tf.Tensor, u: tf.Tensor) =>
      denseLoss(tf.mul(x, 1.5), classifier(u), y, undefined),
    )([e, w]);
    for (const [i, g] of ours.entries()) {
      await expectCloseAsync(g, dense[i]!, { atol: 1e-6, rtol: 1e-4, message: `gradient ${i}` });
    }
    tf.dispose([...ours, ...dense]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([e, w, y]);
  });
});
