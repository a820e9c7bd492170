import * as tf from '@tensorflow/tfjs-core';
import { dataChecksInFlight } from '@xent/core';

function collectTensors(value: unknown, into: tf.Tensor[], seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof tf.Tensor) {
    into.push(value);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  for (const item of Array.isArray(value) ? value : Object.values(value)) collectTensors(item, into, seen);
}

/** Live tensors, less the device data-check verdicts still being read (core disposes them then). */
function liveTensors(): number {
  return tf.memory().numTensors - dataChecksInFlight();
}

function check(before: number, result: unknown, label: string): void {
  const outputs: tf.Tensor[] = [];
  collectTensors(result, outputs);
  const live = new Set(outputs.filter((t) => !t.isDisposed));
  const after = liveTensors() - live.size;
  if (after !== before) {
    throw new Error(
      `${label}: ${after - before} tensor(s) leaked (${before} before, ${after} after, outputs excluded)`,
    );
  }
}

/**
 * Runs `fn` and throws unless `tf.memory().numTensors` afterwards equals the count before, not
 * counting the tensors it returns (found anywhere in the returned value). Returns the result; the
 * caller owns (and disposes) the returned tensors.
 */
export function expectNoLeak<T>(fn: () => T, label = 'expectNoLeak'): T {
  const before = liveTensors();
  const result = fn();
  check(before, result, label);
  return result;
}

/** {@link expectNoLeak} for async functions. */
export async function expectNoLeakAsync<T>(fn: () => Promise<T>, label = 'expectNoLeakAsync'): Promise<T> {
  const before = liveTensors();
  const result = await fn();
  check(before, result, label);
  return result;
}
