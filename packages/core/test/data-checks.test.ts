import * as tf from '@tensorflow/tfjs';
import {
  checkClassIds,
  checkFinite,
  dataChecksInFlight,
  defineLoss,
  hostReadable,
  isXentError,
  logSoftmax,
  pickClass,
  readSyncIfPossible,
  settleDataChecks,
} from '@xent/core';
import { expectNoLeak, expectXentError } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { describe, expect, it } from 'vitest';

const nll = /* @__PURE__ */ defineLoss({
  id: 'test/nll',
  name: 'nllLoss',
  family: 'classification',
  summary: 'Negative log-likelihood, for the data-check tests.',
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'scores' },
    { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: 'classes' },
  ] as const,
  defaults: {},
  perExample: ({ logits, labels }) => tf.neg(pickClass(logSoftmax(logits), labels)),
});

const good = () => [tf.tensor2d([[1, 2, 3]]), tf.tensor1d([2], 'int32')] as const;

describeBackends(['cpu', 'wasm'], () => {
  it('checks data at once on host backends, where it is in memory', () => {
    expect(hostReadable()).toBe(true);
    expectXentError(() => nll([[1, Number.NaN, 3]], [0]), 'NON_FINITE_INPUT', {
      argument: 'logits',
      includes: ['nllLoss', 'NaN at [0, 1]'],
    });
    expectXentError(() => nll([[1, 2, 3]], [3]), 'LABEL_OUT_OF_RANGE', { includes: ['3 at [0]'] });
    expect(dataChecksInFlight()).toBe(0);
  });

  it("checkFinite's fast pass finds each kind of non-finite value anywhere, and passes extreme finite ones", () => {
    const size = 9001; // above the wasm device-probe threshold (8192)
    const finite = Float32Array.from({ length: size }, (_, i) => (i % 2 ? -1 : 1) * 3.4e38 * ((i % 7) / 7));
    finite[5] = -0;
    finite[6] = 1e-45;
    const ok = tf.tensor1d(finite);
    expect(() => checkFinite('f', 'x', ok)).not.toThrow();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const at of [0, 1234, size - 1]) {
        const values = finite.slice();
        values[at] = bad;
        const x = tf.tensor1d(values);
        expectXentError(() => checkFinite('f', 'x', x), 'NON_FINITE_INPUT', {
          includes: [`${bad} at [${at}]`],
        });
        x.dispose();
      }
    }
    ok.dispose();
    const ids = tf.tensor1d(
      Array.from({ length: size }, (_, i) => (i === 4321 ? 12 : i % 10)),
      'int32',
    );
    expectXentError(() => checkClassIds('f', 'y', ids, 10), 'LABEL_OUT_OF_RANGE', {
      includes: ['12 at [4321]'],
    });
    expect(() => checkClassIds('f', 'y', ids, 13)).not.toThrow();
    ids.dispose();
  });
});

describeBackends(['webgpu'], () => {
  it('never reads GPU data synchronously: the verdict is computed on the device and read asynchronously', async () => {
    expect(hostReadable()).toBe(false);
    expect(readSyncIfPossible(tf.scalar(1))).toBeUndefined();
    const [logits, labels] = good();
    const loss = expectNoLeak(() => nll(logits, labels));
    await settleDataChecks();
    expect(dataChecksInFlight()).toBe(0);
    tf.dispose([loss, logits, labels]);
  });

  it('reports bad data found on the device from settleDataChecks, with the code the host check gives', async () => {
    const before = tf.memory().numTensors;
    const loss = nll([[1, Number.POSITIVE_INFINITY, 3]], [0]); // returns: the check has not been read yet
    loss.dispose();
    const error = await settleDataChecks().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isXentError(error, 'NON_FINITE_INPUT')).toBe(true);
    expect((error as Error).message).toContain('nllLoss(logits)');
    expect((error as Error).message).toContain('Infinity at [0, 1]');
    // Reported once; the verdict tensor is gone once read.
    await settleDataChecks();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws a pending failure from the next validating call when nobody awaited it', async () => {
    const loss = nll([[1, 2, 3]], [7]);
    loss.dispose();
    // Let the asynchronous read land without awaiting settleDataChecks (a training loop's next step).
    while (dataChecksInFlight() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const [logits, labels] = good();
    expectXentError(() => nll(logits, labels), 'LABEL_OUT_OF_RANGE', {
      argument: 'labels',
      includes: ['7 at [0]', 'device'],
    });
    // Once thrown, the failure is cleared: the next valid call works.
    const ok = nll(logits, labels);
    await settleDataChecks();
    tf.dispose([ok, logits, labels]);
  });

  it('checks ids against ignoreIndex and finite values on the device like the host check', async () => {
    const ids = tf.tensor1d([0, -100, 2], 'int32');
    checkClassIds('probe', 'ids', ids, 3, -100);
    await settleDataChecks();
    checkFinite('probe', 'x', tf.tensor1d([0, 1]));
    await settleDataChecks();
    checkClassIds('probe', 'ids', ids, 2, -100);
    await expect(settleDataChecks()).rejects.toThrow(
      'probe(ids): expected class ids in [0, 2) or ignoreIndex -100, received 2 at [2]',
    );
    ids.dispose();
  });
});

describe('data checks', () => {
  it('settle at once when nothing is pending', async () => {
    await expect(settleDataChecks()).resolves.toBeUndefined();
  });
});
