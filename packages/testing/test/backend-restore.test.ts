import * as tf from '@tensorflow/tfjs';
import { backendUnavailableReason, isBackendRequired } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';

// The shared setup makes cpu active; a describeBackends block must hand it back afterwards.
describeBackends(['wasm'], (backend) => {
  it('runs the block on its backend', () => {
    expect(tf.getBackend()).toBe(backend);
  });
});

it('restores the backend that was active before the block', () => {
  expect(tf.getBackend()).toBe('cpu');
});

describe('why a backend is unavailable', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.XENT_BACKENDS = saved.XENT_BACKENDS;
    process.env.XENT_REQUIRE_BACKENDS = saved.XENT_REQUIRE_BACKENDS;
    if (saved.XENT_BACKENDS === undefined) delete process.env.XENT_BACKENDS;
    if (saved.XENT_REQUIRE_BACKENDS === undefined) delete process.env.XENT_REQUIRE_BACKENDS;
  });
  it('names the cause, and leaves the active backend alone', async () => {
    delete process.env.XENT_BACKENDS;
    expect(await backendUnavailableReason('webgl')).toMatch(/browser/);
    process.env.XENT_BACKENDS = 'cpu';
    expect(await backendUnavailableReason('wasm')).toBe('excluded by XENT_BACKENDS=cpu');
    expect(await backendUnavailableReason('cpu')).toBeUndefined();
    expect(tf.getBackend()).toBe('cpu');
  });
  it('reads XENT_REQUIRE_BACKENDS as all or a list', () => {
    delete process.env.XENT_REQUIRE_BACKENDS;
    expect(isBackendRequired('wasm')).toBe(false);
    process.env.XENT_REQUIRE_BACKENDS = '1';
    expect(isBackendRequired('webgpu')).toBe(true);
    process.env.XENT_REQUIRE_BACKENDS = 'cpu, wasm';
    expect(isBackendRequired('wasm')).toBe(true);
    expect(isBackendRequired('webgpu')).toBe(false);
    process.env.XENT_REQUIRE_BACKENDS = '0';
    expect(isBackendRequired('cpu')).toBe(false);
  });
});
