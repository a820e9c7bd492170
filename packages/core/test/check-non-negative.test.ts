import * as tf from '@tensorflow/tfjs';
import { expectXentError, useBackend } from '@xent/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkNonNegative } from '../src/index.js';

describe('checkNonNegative', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  it('accepts finite values ≥ 0 (zeros included)', () => {
    const w = tf.tensor2d([
      [0, 1.5],
      [2, 0],
    ]);
    expect(() => checkNonNegative('f', 'options.weights', w)).not.toThrow();
    w.dispose();
  });
  it('INVALID_OPTION naming the argument and position for a negative value; NON_FINITE_INPUT for NaN/Inf', () => {
    const negative = tf.tensor1d([1, -0.5, 2]);
    expectXentError(() => checkNonNegative('f', 'options.classWeights', negative), 'INVALID_OPTION', {
      argument: 'options.classWeights',
    });
    try {
      checkNonNegative('f', 'options.classWeights', negative, 'class weights ≥ 0');
    } catch (error) {
      expect(String((error as Error).message)).toMatch(/class weights ≥ 0/);
      expect(String((error as Error).message)).toMatch(/-0\.5 at \[1\]/);
    }
    const nan = tf.tensor1d([1, Number.NaN]);
    expectXentError(() => checkNonNegative('f', 'options.weights', nan), 'NON_FINITE_INPUT', {
      argument: 'options.weights',
    });
    tf.dispose([negative, nan]);
  });
});
