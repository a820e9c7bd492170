import * as tf from '@tensorflow/tfjs';
import { closestName, type OptionSchema, optionSchemaOf, resolveOptions } from '@xent/core';
import { expectXentError } from '@xent/testing';
import { describe, expect, it } from 'vitest';

interface ToyOptions {
  readonly p?: number;
  readonly steps?: number;
  readonly normalizeEmbeddings?: boolean;
  readonly mode?: 'a' | 'b';
  readonly distance?: unknown;
  readonly reducer?: unknown;
  readonly miner?: unknown;
  readonly onDone?: unknown;
  readonly cap?: number;
}

const schema: OptionSchema<ToyOptions> = {
  p: { type: 'number', min: 1, description: 'order' },
  steps: { type: 'number', min: 0, max: 100, integer: true, description: 'loop count' },
  normalizeEmbeddings: { type: 'boolean', description: 'normalise' },
  mode: { type: 'enum', values: ['a', 'b'], description: 'mode' },
  distance: { type: 'other', plugin: 'distance', description: 'a Distance' },
  reducer: { type: 'other', plugin: 'reducer', description: 'a Reducer' },
  miner: { type: 'other', plugin: 'miner', description: 'a Miner' },
  onDone: { type: 'other', plugin: 'function', description: 'callback' },
  cap: { type: 'number', min: 0, allowInfinity: true, description: 'Infinity: no cap' },
};
const resolve = (user: unknown) => resolveOptions('toy', schema, user as ToyOptions, { p: 2, steps: 3 });

describe('resolveOptions', () => {
  it('fills defaults, keeps given values and treats undefined as not given', () => {
    expect(resolve(undefined)).toEqual({ p: 2, steps: 3 });
    expect(resolve({ p: 3, steps: undefined, mode: 'b' })).toEqual({ p: 3, steps: 3, mode: 'b' });
  });

  it('rejects unknown keys with a "did you mean"', () => {
    expectXentError(() => resolve({ normalize: false }), 'INVALID_OPTION', {
      argument: 'options.normalize',
      includes: ["did you mean 'normalizeEmbeddings'?"],
    });
    expectXentError(() => resolve({ stpes: 2 }), 'INVALID_OPTION', { includes: ["did you mean 'steps'?"] });
    const far = expectXentError(() => resolve({ zzzzzzzz: 1 }), 'INVALID_OPTION');
    expect(far.message).not.toContain('did you mean');
  });

  it('rejects a non-object options argument', () => {
    for (const bad of [3, 'x', null, [1], tf.scalar(1)]) {
      expectXentError(() => resolve(bad), 'INVALID_OPTION', { argument: 'options' });
    }
  });

  it('rejects ±Infinity and NaN unless the option allows Infinity', () => {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      expectXentError(() => resolve({ p: bad }), 'INVALID_OPTION', { argument: 'options.p' });
    }
    expect(resolve({ cap: Number.POSITIVE_INFINITY }).cap).toBe(Number.POSITIVE_INFINITY);
    expectXentError(() => resolve({ cap: Number.NaN }), 'INVALID_OPTION', { argument: 'options.cap' });
  });

  it('checks integer-ness and the documented bound of loop counts', () => {
    expectXentError(() => resolve({ steps: 1.5 }), 'INVALID_OPTION', { argument: 'options.steps' });
    expectXentError(() => resolve({ steps: 1e30 }), 'INVALID_OPTION', {
      argument: 'options.steps',
      includes: ['an integer in [0, 100]'],
    });
  });

  it('rejects plug-ins of the wrong kind', () => {
    const distance = { name: 'd', isInverted: false, pairwise: () => 0, paired: () => 0 };
    const reducer = { name: 'r', reduce: () => 0 };
    const miner = { name: 'm', mine: () => 0 };
    expect(resolve({ distance, reducer, miner, onDone: () => {} }).distance).toBe(distance);
    expectXentError(() => resolve({ distance: reducer }), 'INVALID_OPTION', {
      argument: 'options.distance',
      includes: ['a Distance', "an object named 'r'"],
    });
    expectXentError(() => resolve({ reducer: miner }), 'INVALID_OPTION', { argument: 'options.reducer' });
    expectXentError(() => resolve({ miner: distance }), 'INVALID_OPTION', { argument: 'options.miner' });
    expectXentError(() => resolve({ onDone: 1 }), 'INVALID_OPTION', { argument: 'options.onDone' });
    expectXentError(() => resolve({ distance: 'cosine' }), 'INVALID_OPTION', {
      argument: 'options.distance',
    });
  });

  it('suggests only close names', () => {
    expect(closestName('lo', ['low', 'high'])).toBe('low');
    expect(closestName('hihg', ['low', 'high'])).toBe('high');
    expect(closestName('margin', ['low', 'high'])).toBeUndefined();
  });

  it('records the schema each function declared, at call time (optionSchemaOf, for the fuzz suite)', () => {
    const schema = { size: { type: 'number', min: 1, integer: true, description: 'a size' } } as const;
    expect(optionSchemaOf('schemaProbe')).toBeUndefined();
    resolveOptions('schemaProbe', schema, { size: 2 });
    expect(optionSchemaOf('schemaProbe')).toEqual(schema);
  });
});
