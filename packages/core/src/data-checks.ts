import * as tf from '@tensorflow/tfjs-core';
import { XentError, type XentErrorCode } from './errors.js';

/**
 * Data checks (NaN/Inf, label range, weight signs) without synchronous GPU reads.
 *
 * On backends whose tensors live in host memory (cpu, wasm, tfjs-node) the values are read and checked
 * at once, and the call that got bad data throws. On `webgl` and `webgpu` a synchronous read stalls the
 * pipeline every step (and on some adapters loses the device), so the check runs on the device: a
 * 3-number verdict (any bad, first bad position, its value) is computed there and read asynchronously.
 * A failing verdict is never dropped: it is thrown, as the same `XentError` code the host check
 * gives, by the next xent call that validates, or by {@link settleDataChecks}.
 */

/** Backends whose `dataSync` is a GPU round trip. */
const DEVICE_BACKENDS = new Set(['webgl', 'webgpu']);

interface DeferredState {
  failure: XentError | undefined;
  readonly inFlight: Set<Promise<void>>;
}

// One state per process, shared by every copy of @xent/core (ESM and CJS, or two bundles).
const STATE_KEY = Symbol.for('@xent/core/data-checks@1');

function state(): DeferredState {
  const holder = globalThis as unknown as Record<symbol, DeferredState | undefined>;
  holder[STATE_KEY] ??= { failure: undefined, inFlight: new Set() };
  return holder[STATE_KEY]!;
}

/**
 * Host checks on wasm ask the device first for tensors of this many elements (below, op overhead wins;
 * above, the probe's boolean masks would add measurably to a memory-bounded loss's peak bytes).
 */
const WASM_DEVICE_PROBE = { min: 8192, max: 2 ** 20 } as const;

// Set while withDevicePaths runs; on globalThis so every copy of @xent/core (ESM, CJS) sees it.
const DEVICE_PATHS_KEY = Symbol.for('@xent/core/device-paths@1');

/**
 * Whether the active backend's data is read without a GPU round trip (cpu, wasm, …). False on webgl
 * and webgpu, and inside {@link withDevicePaths}.
 */
export function hostReadable(): boolean {
  const forced = (globalThis as unknown as Record<symbol, number | undefined>)[DEVICE_PATHS_KEY] ?? 0;
  return forced === 0 && !DEVICE_BACKENDS.has(tf.getBackend());
}

/**
 * Runs `fn` as if the active backend's data lived on a GPU: {@link hostReadable} is false inside, so
 * losses take the paths they take on webgl/webgpu (no synchronous reads: device sorts, deferred data
 * checks) on any backend. For testing those paths on cpu against the host paths; nests, and restores
 * on throw. Run the backward pass inside it too (`tf.grad` in `fn`): gradients of device paths are
 * built when the forward pass runs, but a few primitives choose their path again when differentiated.
 *
 * @example const same = withDevicePaths(() => listMleLoss(scores, labels));
 */
export function withDevicePaths<T>(fn: () => T): T {
  const holder = globalThis as unknown as Record<symbol, number | undefined>;
  holder[DEVICE_PATHS_KEY] = (holder[DEVICE_PATHS_KEY] ?? 0) + 1;
  try {
    return fn();
  } finally {
    holder[DEVICE_PATHS_KEY] = holder[DEVICE_PATHS_KEY]! - 1;
  }
}

/** A rule over the elements of one tensor argument. */
export interface ElementRule {
  readonly code: XentErrorCode;
  readonly expected: string;
  /** Host test of one value. */
  readonly isBad: (value: number) => boolean;
  /** Device test: a bool tensor of the input's shape, true where a value is bad. */
  readonly badMask: (values: tf.Tensor) => tf.Tensor;
  /**
   * Optional host fast path: true when every value is good, in a branch-free pass (the per-element
   * {@link isBad} loop then only runs to locate a bad value).
   */
  readonly allGood?: (values: ArrayLike<number>) => boolean;
  /**
   * Optional device fast path for the wasm probe: a scalar that is 0 when every value is good (anything
   * else, NaN included, means a bad value exists). Defaults to `any(badMask(values))`; tfjs-wasm's
   * `Any` over a bool mask is several times slower than a float reduction.
   */
  readonly probe?: (values: tf.Tensor) => tf.Tensor;
}

function position(shape: readonly number[], flat: number): string {
  const at: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis]!;
    at.unshift(flat % size);
    flat = Math.floor(flat / size);
  }
  return `[${at.join(', ')}]`;
}

function failure(fn: string, argument: string, rule: ElementRule, value: number, at: string, note?: string) {
  return new XentError(
    rule.code,
    { fn, argument, expected: rule.expected, received: `${value} at ${at}` },
    note,
  );
}

/**
 * Throws the failure an earlier deferred check found (once), if any. Every validating xent call runs
 * this first, so bad data on a GPU backend stops training at most one call late.
 */
export function throwDeferredFailure(): void {
  const found = state().failure;
  if (found === undefined) return;
  state().failure = undefined;
  throw found;
}

function defer(fn: string, argument: string, tensor: tf.Tensor, rule: ElementRule): void {
  const verdict = tf.tidy(() => {
    const flat = tf.reshape(tensor, [-1]);
    const bad = tf.cast(rule.badMask(flat), 'int32');
    const first = tf.argMax(bad);
    return tf.concat([
      tf.cast(tf.reshape(tf.max(bad), [1]), 'float32'),
      tf.cast(tf.reshape(first, [1]), 'float32'),
      tf.reshape(tf.gather(tf.cast(flat, 'float32'), first), [1]),
    ]);
  });
  // The verdict outlives the caller's tidy scope until its read resolves; then it is disposed.
  tf.keep(verdict);
  const shape = tensor.shape.slice();
  const read: Promise<void> = verdict
    .data()
    .then(([anyBad, first, value]) => {
      if (anyBad === 1 && state().failure === undefined) {
        state().failure = failure(
          fn,
          argument,
          rule,
          value!,
          position(shape, first!),
          `found by a data check on the ${tf.getBackend()} device after the call returned`,
        );
      }
    })
    .finally(() => {
      verdict.dispose();
      state().inFlight.delete(read);
    });
  state().inFlight.add(read);
}

/**
 * Checks every element of `tensor` against `rule`: at once on host backends (throws on the first bad
 * value), on the device with an asynchronously read verdict on webgl/webgpu (see the module note).
 */
export function checkElements(fn: string, argument: string, tensor: tf.Tensor, rule: ElementRule): void {
  throwDeferredFailure();
  if (tensor.size === 0) return;
  if (!hostReadable()) {
    defer(fn, argument, tensor, rule);
    return;
  }
  if (
    tensor.size >= WASM_DEVICE_PROBE.min &&
    tensor.size <= WASM_DEVICE_PROBE.max &&
    tf.getBackend() === 'wasm'
  ) {
    // tfjs-wasm's dataSync copies the tensor out of the wasm heap; a device verdict reads one scalar
    // ([1000, 64]: 0.16 vs 0.62 ms). The host loop then only locates.
    const anyBad = tf.tidy(() => {
      const flat = tf.reshape(tensor, [-1]);
      return rule.probe ? rule.probe(flat) : tf.any(rule.badMask(flat));
    });
    const verdict = anyBad.dataSync()[0];
    anyBad.dispose();
    if (verdict === 0) return;
  }
  const data = tensor.dataSync() as ArrayLike<number>;
  if (rule.allGood?.(data)) return;
  for (let i = 0; i < data.length; i++) {
    if (rule.isBad(data[i]!)) throw failure(fn, argument, rule, data[i]!, position(tensor.shape, i));
  }
}

/**
 * Waits for every data check still running on the device (webgl/webgpu) and throws the first failure
 * as its `XentError`. Await it once per step or epoch in a GPU training loop to learn of bad data at a
 * known point; without it the failure surfaces on the next validating call. Resolves at once on host
 * backends.
 */
export async function settleDataChecks(): Promise<void> {
  while (state().inFlight.size > 0) await Promise.all([...state().inFlight]);
  throwDeferredFailure();
}

/**
 * Number of device verdict tensors whose asynchronous read has not resolved yet. They are disposed when
 * it does; leak checks subtract them (`@xent/testing`'s `expectNoLeak` does).
 */
export function dataChecksInFlight(): number {
  return state().inFlight.size;
}
