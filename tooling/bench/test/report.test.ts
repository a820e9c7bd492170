import * as tf from '@tensorflow/tfjs';
import { peakMemory, ratioTable, time } from '@xent/bench';
import { describe, expect, it } from 'vitest';

describe('bench harness', () => {
  it('prints ratios against the baseline row', () => {
    const text = ratioTable('t', [
      { name: 'base', values: { ms: 10 } },
      { name: 'other', values: { ms: 25 } },
    ]);
    expect(text).toContain('| other | 25.0 | 2.50× |');
    expect(text).toContain('base (baseline)');
  });
  it('times and measures without leaking', async () => {
    const before = tf.memory().numTensors;
    const timing = await time(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])), { iterations: 3 });
    expect(timing.samples).toHaveLength(3);
    const memory = await peakMemory(() => tf.tidy(() => tf.sum(tf.ones([256, 256]))));
    expect(memory.peakTensorBytes).toBeGreaterThanOrEqual(256 * 256 * 4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
