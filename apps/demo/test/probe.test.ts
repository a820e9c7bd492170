import * as tf from '@tensorflow/tfjs';
import { type AnyLossFn, defineLoss, invalidOption, logSoftmax, pickClass } from '@xent/core';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_LOSSES } from '../src/fixtures/example-losses.js';
import { planInputs } from '../src/lib/adapters.js';
import { probeLoss } from '../src/lib/probe.js';

const inputs = [
  { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: '' },
  { name: 'labels', dtype: 'labels', shape: ['N', 'C'], description: '' },
] as const;

const needsState = defineLoss<typeof inputs, { state?: object }, Record<string, never>>({
  id: 'test/needs-state',
  name: 'needsStateLoss',
  family: 'classification',
  summary: '',
  inputs,
  defaults: {},
  options: { state: { type: 'other', description: 'a state object' } },
  perExample: ({ logits, labels }, { state }) => {
    if (!state) invalidOption('needsStateLoss', 'state', 'a state from createState()', state);
    return tf.neg(pickClass(logSoftmax(logits), labels));
  },
}) as unknown as AnyLossFn;

const plan = (fn: AnyLossFn) => {
  const p = planInputs(fn.spec);
  if (!p.supported) throw new Error(p.reason);
  return p;
};

describe('probeLoss', () => {
  it('flags a loss that needs an option the form cannot give', () => {
    const before = tf.memory().numTensors;
    expect(probeLoss(needsState, plan(needsState))).toBe(
      'needs options.state (a state from createState()), which the playground cannot provide',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes every example loss', () => {
    for (const fn of EXAMPLE_LOSSES) expect(probeLoss(fn, plan(fn))).toBeUndefined();
  });
});
