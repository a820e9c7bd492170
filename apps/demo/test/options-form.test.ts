import * as tf from '@tensorflow/tfjs';
import type { AnyLossFn, OptionSpec } from '@xent/core';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_LOSSES } from '../src/fixtures/example-losses.js';
import { optionFields, rangeLabel, readOptions } from '../src/lib/options-form.js';

const spec = {
  defaults: { gamma: 2, mode: 'b', flag: true, extra: 0.5, label: 'text', reduction: 'mean', scale: 10 },
  options: {
    gamma: { type: 'number', min: 0, description: 'focusing' },
    rate: { type: 'number', min: 0, max: 1, exclusiveMin: true, integer: false, description: 'rate' },
    mode: { type: 'enum', values: ['a', 'b'], description: 'mode' },
    flag: { type: 'boolean', description: 'flag' },
    miner: { type: 'other', description: 'a function' },
    scale: { type: 'other', description: 'number or scalar tensor' },
  } satisfies Record<string, OptionSpec>,
};

describe('optionFields', () => {
  it('builds fields from options metadata + defaults, skipping other and common options', () => {
    const fields = optionFields(spec);
    expect(fields.map((f) => f.name)).toEqual(['gamma', 'rate', 'mode', 'flag', 'scale', 'extra']);
    expect(fields[0]).toEqual({ name: 'gamma', kind: 'number', description: 'focusing', value: 2, min: 0 });
    expect(fields[1]).toMatchObject({ kind: 'number', value: undefined, min: 0, max: 1, exclusiveMin: true });
    expect(fields[2]).toEqual({
      name: 'mode',
      kind: 'enum',
      description: 'mode',
      value: 'b',
      values: ['a', 'b'],
    });
    expect(fields[3]).toEqual({ name: 'flag', kind: 'boolean', description: 'flag', value: true });
    expect(fields[4]).toEqual({
      name: 'scale',
      kind: 'number',
      description: 'number or scalar tensor',
      value: 10,
    });
    expect(fields[5]).toEqual({ name: 'extra', kind: 'number', description: '', value: 0.5 });
  });

  it('labels ranges', () => {
    const [gamma, rate] = optionFields(spec) as Extract<
      ReturnType<typeof optionFields>[number],
      { kind: 'number' }
    >[];
    expect(rangeLabel(gamma!)).toBe('[0, ∞)');
    expect(rangeLabel(rate!)).toBe('(0, 1]');
    expect(rangeLabel({ name: 'k', kind: 'number', description: '', value: 1, integer: true, max: 5 })).toBe(
      'integer (−∞, 5]',
    );
  });

  it('reads raw form values back into options', () => {
    const fields = optionFields(spec);
    expect(readOptions(fields, { gamma: '-1', rate: '', mode: 'a', flag: false, extra: ' 0.25 ' })).toEqual({
      gamma: -1,
      mode: 'a',
      flag: false,
      extra: 0.25,
    });
    expect(readOptions(fields, { gamma: 'abc' }).gamma).toBeNaN();
  });

  it('an out-of-range value read from the form makes the loss throw its XentError', () => {
    const focal = EXAMPLE_LOSSES.find((fn) => fn.spec.id === 'demo/focal') as AnyLossFn;
    const options = readOptions(optionFields(focal.spec), { gamma: '-1' });
    const logits = tf.tensor2d([[1, 2]]);
    const labels = tf.tensor1d([0], 'int32');
    expect(() => focal(logits, labels, options)).toThrow(
      'exampleFocalLoss(options.gamma): expected a finite number in [0, ∞), received -1',
    );
    tf.dispose([logits, labels]);
  });
});
