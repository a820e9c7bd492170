import * as tf from '@tensorflow/tfjs-core';
import { type AnyLossFn, inferShape, isXentError, type TensorInput } from '@xent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, backendUnavailableReason, isBackendRequired, useBackend } from './backends.js';
import { badInputCases, expectBadInputErrorsAsync } from './bad-inputs.js';
import { expectCloseAsync, type Nested, type Tolerance } from './close.js';
import { type FuzzConfig, fuzzLoss } from './fuzz.js';
import { type CallableSpec, fuzzCallable } from './fuzz-callable.js';
import { gradCheckAsync } from './grad-check.js';
import { inputTensors } from './inputs.js';
import { expectNoLeak, expectNoLeakAsync } from './leaks.js';
import { LOSS_ID } from './loss-id.js';

/**
 * Declares `suite` once per backend, each inside `describe('<backend>')` with that backend active, and
 * restores the backend that was active before (if any) after it. A backend that cannot start here gets
 * one skipped test, and a console warning, naming why — for a missing package, the one to install
 * (`@tensorflow/tfjs-backend-wasm`). With `XENT_REQUIRE_BACKENDS=1` (or a list, `cpu,wasm`) that test
 * fails instead, so CI cannot pass by skipping; `XENT_BACKENDS=cpu` still narrows the run on purpose.
 */
export function describeBackends(
  backends: readonly BackendName[],
  suite: (backend: BackendName) => void,
): void {
  for (const backend of backends) {
    describe(backend, async () => {
      const reason = await backendUnavailableReason(backend);
      if (reason) {
        const excluded = reason.startsWith('excluded by');
        if (isBackendRequired(backend) && !excluded) {
          it(`${backend} backend is available (XENT_REQUIRE_BACKENDS)`, () => {
            throw new Error(
              `${backend} backend is required by XENT_REQUIRE_BACKENDS but unavailable: ${reason}`,
            );
          });
          return;
        }
        if (!excluded) console.warn(`[@xent/testing] skipping the ${backend} suites: ${reason}`);
        it.skip(`${backend} backend is not available here: ${reason}`, () => {});
        return;
      }
      let previous: string | null | undefined;
      beforeAll(async () => {
        previous = tf.engine().backendName;
        await useBackend(backend);
      });
      afterAll(async () => {
        if (previous && previous !== tf.engine().backendName && tf.findBackend(previous)) {
          await tf.setBackend(previous);
        }
      });
      suite(backend);
    });
  }
}

/** One reference case for {@link runLossConformance}. */
export interface ConformanceCase {
  readonly name: string;
  /** Positional inputs as nested arrays (class ids as integers). */
  readonly inputs: readonly Nested[];
  readonly options?: Record<string, unknown>;
  /**
   * The float64 reference from the formula: per-example values `[N]` (before weights and reduction), or
   * the scalar for batch losses. It receives the inputs as nested arrays and the options with the
   * spec's `defaults` merged in (`{ ...spec.defaults, ...case.options }`), never `reduction`,
   * `weights` or `ignoreIndex`: the suite applies those itself.
   */
  readonly reference: (inputs: readonly Nested[], options: Record<string, unknown>) => number[] | number;
  readonly tolerance?: Tolerance;
  readonly gradTolerance?: Tolerance;
}

const tensorsFor = (loss: AnyLossFn, inputs: readonly Nested[]) =>
  inputTensors(loss, inputs as tf.TensorLike[]);

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Options of {@link runLossConformance}. */
export interface ConformanceOptions {
  /** Backends to run the cases on (each through {@link describeBackends}). @defaultValue ['cpu'] */
  readonly backends?: readonly BackendName[];
  /**
   * For a per-example loss with a `labels` input given as class ids: check that `ignoreIndex` drops
   * the first row (values, `'sum'`, `'mean'`), from the same reference. Turn off for a loss whose
   * per-example values depend on other rows. @defaultValue true
   */
  readonly ignoreIndex?: boolean;
  /**
   * Same loss: check that one-hot float targets `[N, C]` give what the class ids give; a loss that takes
   * ids only passes by refusing targets with `DTYPE_MISMATCH` naming its labels. @defaultValue true
   */
  readonly oneHotTargets?: boolean;
  /**
   * The reference also takes float targets `[N, C]`: check smoothed (soft) targets against it, values
   * and gradients. @defaultValue false
   */
  readonly softTargets?: boolean;
  /**
   * The spec-generated fuzz suite ({@link fuzzLoss}); `false` turns it off. @defaultValue the first
   * case's options (less tensor-valued ones) as fixed options
   */
  readonly fuzz?: FuzzConfig | false;
}

/**
 * A case's options without the tensor-valued ones (masks, weights): those have that case's shapes,
 * while the fuzz suite draws its own.
 */
function scalarOptions(options: Record<string, unknown>): Record<string, unknown> {
  const tensorLike = (v: unknown) => Array.isArray(v) || ArrayBuffer.isView(v) || v instanceof tf.Tensor;
  return Object.fromEntries(Object.entries(options).filter(([, v]) => !tensorLike(v)));
}

/** Where a case's class-id labels are, and the number of classes. */
function classIdLabels(loss: AnyLossFn, inputs: readonly Nested[]) {
  const spec = loss.spec;
  if (spec.batch) return undefined;
  const index = spec.inputs.findIndex((input) => input.dtype === 'labels');
  const labelsSpec = spec.inputs[index];
  if (!labelsSpec || inferShape(inputs[index] as TensorInput)?.length !== labelsSpec.shape.length - 1) return;
  const classDim = labelsSpec.shape[labelsSpec.shape.length - 1]!;
  let numClasses = typeof classDim === 'number' ? classDim : undefined;
  spec.inputs.forEach((input, i) => {
    const axis = input.shape.indexOf(classDim);
    if (numClasses === undefined && i !== index && axis >= 0)
      numClasses = inferShape(inputs[i] as TensorInput)?.[axis];
  });
  return numClasses === undefined ? undefined : { index, numClasses };
}

/** Whether `error` is the loss refusing float targets for `labels` (`DTYPE_MISMATCH` naming it). */
function rejectsTargets(error: unknown, labels: string): boolean {
  return isXentError(error) && error.code === 'DTYPE_MISMATCH' && error.argument === labels;
}

/** Class ids (nested) to float targets: (1 − ε)·one-hot + ε/C. */
function targetsOf(ids: Nested, numClasses: number, smoothing: number): Nested {
  if (Array.isArray(ids)) return ids.map((id) => targetsOf(id as Nested, numClasses, smoothing)) as Nested;
  return Array.from(
    { length: numClasses },
    (_, c) => (c === ids ? 1 - smoothing : 0) + smoothing / numClasses,
  );
}

/**
 * The conformance suite a loss plugin runs on itself: its spec is complete; per case, the loss
 * matches the float64 reference for every reduction and with weights, accepts TensorLike and tensors
 * alike, its gradient matches finite differences of the reference, it leaks nothing; and the standard
 * bad inputs raise their documented error codes. For per-example losses with class-id labels it also
 * checks `ignoreIndex` and one-hot targets (and, with `softTargets`, smoothed targets) against the same
 * reference. The reference gets the options with the spec's defaults merged in. Last, the
 * spec-generated fuzz suite ({@link fuzzLoss}) must hold: valid random inputs give finite values and
 * gradients, invalid ones their documented codes.
 *
 * @example
 *   runLossConformance(myLoss, [{ name: 'small', inputs: [logits, ids], reference }], {
 *     backends: ['cpu', 'wasm'],
 *   });
 */
export function runLossConformance(
  loss: AnyLossFn,
  cases: readonly ConformanceCase[],
  options: ConformanceOptions = {},
): void {
  const spec = loss.spec;
  const withDefaults = (caseOptions: Record<string, unknown>) => ({
    ...(spec.defaults as Record<string, unknown>),
    ...caseOptions,
  });
  describe(`${spec.name} conformance`, () => {
    it('has a complete spec', () => {
      expect(spec.id).toMatch(LOSS_ID);
      expect(spec.summary.length).toBeGreaterThan(10);
      expect(spec.inputs.length).toBeGreaterThan(0);
      if (spec.reference) expect(spec.reference.url).toMatch(/^https?:\/\//);
    });
    describeBackends(options.backends ?? ['cpu'], (backend) => {
      for (const testCase of cases) {
        const caseOptions = testCase.options ?? {};
        const expected = () => testCase.reference(testCase.inputs, withDefaults(caseOptions));
        describe(testCase.name, () => {
          it('matches the float64 reference for every reduction', async () => {
            const reference = expected();
            const outputs: tf.Tensor[] = [];
            const run = (extra: Record<string, unknown>) => {
              const output = expectNoLeak(() =>
                tf.tidy(() =>
                  loss(...(tensorsFor(loss, testCase.inputs) as [tf.Tensor]), { ...caseOptions, ...extra }),
                ),
              );
              outputs.push(output);
              return output;
            };
            const tolerance = (message: string) => ({ ...testCase.tolerance, message });
            try {
              if (typeof reference === 'number') {
                await expectCloseAsync(run({}), reference, tolerance('batch loss'));
                return;
              }
              await expectCloseAsync(run({ reduction: 'none' }), reference, tolerance("reduction 'none'"));
              await expectCloseAsync(
                run({ reduction: 'mean' }),
                mean(reference),
                tolerance("reduction 'mean'"),
              );
              await expectCloseAsync(run({ reduction: 'sum' }), sum(reference), tolerance("reduction 'sum'"));
              const weights = reference.map((_, i) => (i % 3) + 0.5);
              const weighted = sum(reference.map((l, i) => l * weights[i]!)) / sum(weights);
              await expectCloseAsync(run({ weights }), weighted, tolerance('weighted mean'));
            } finally {
              tf.dispose(outputs);
            }
          });
          it('accepts TensorLike inputs like tensors', async () => {
            const fromArrays = loss(...(testCase.inputs as unknown as [tf.TensorLike]), caseOptions);
            const fromTensors = expectNoLeak(() =>
              tf.tidy(() => loss(...(tensorsFor(loss, testCase.inputs) as [tf.Tensor]), caseOptions)),
            );
            await expectCloseAsync(fromArrays, fromTensors, { atol: 1e-6, rtol: 1e-6 });
            tf.dispose([fromArrays, fromTensors]);
          });
          it('has the gradient of the reference', async () => {
            const differentiable = spec.inputs
              .map((input, i) => (input.dtype === 'float32' ? i : -1))
              .filter((i) => i >= 0);
            const scalarOf = (reference: number[] | number) =>
              typeof reference === 'number' ? reference : mean(reference);
            for (const index of differentiable) {
              await expectNoLeakAsync(() =>
                gradCheckAsync({
                  fn: (x) =>
                    tf.tidy(() => {
                      const tensors = tensorsFor(loss, testCase.inputs);
                      tensors[index] = x;
                      return loss(...(tensors as [tf.Tensor]), caseOptions);
                    }),
                  reference: (x) => {
                    const inputs = [...testCase.inputs];
                    inputs[index] = x;
                    return scalarOf(testCase.reference(inputs, withDefaults(caseOptions)));
                  },
                  at: [testCase.inputs[index]!],
                  ...testCase.gradTolerance,
                  message: `d loss / d ${spec.inputs[index]!.name}`,
                }),
              );
            }
          });
        });
      }
      for (const testCase of cases) {
        const labels = classIdLabels(loss, testCase.inputs);
        if (!labels) continue;
        const caseOptions = testCase.options ?? {};
        const reference = () => testCase.reference(testCase.inputs, withDefaults(caseOptions)) as number[];
        const withLabels = (value: Nested) => {
          const inputs = [...testCase.inputs];
          inputs[labels.index] = value;
          return inputs;
        };
        const call = (inputs: readonly Nested[], extra: Record<string, unknown>) =>
          expectNoLeak(() =>
            tf.tidy(() => loss(...(tensorsFor(loss, inputs) as [tf.Tensor]), { ...caseOptions, ...extra })),
          );
        const ids = testCase.inputs[labels.index] as Nested[];
        describe(`${testCase.name}, labels`, () => {
          if (options.ignoreIndex !== false && caseOptions.ignoreIndex === undefined && ids.length > 1) {
            it('drops rows labelled ignoreIndex', async () => {
              const ignored = -100;
              const fill = (v: Nested): Nested => (Array.isArray(v) ? (v.map(fill) as Nested) : ignored);
              const inputs = withLabels([fill(ids[0]!), ...ids.slice(1)] as Nested);
              const kept = reference().slice(1);
              const tolerance = (message: string) => ({ ...testCase.tolerance, message });
              const outputs = [
                call(inputs, { ignoreIndex: ignored, reduction: 'none' }),
                call(inputs, { ignoreIndex: ignored, reduction: 'sum' }),
                call(inputs, { ignoreIndex: ignored }),
              ];
              try {
                await expectCloseAsync(outputs[0]!, [0, ...kept], tolerance("ignoreIndex, reduction 'none'"));
                await expectCloseAsync(outputs[1]!, sum(kept), tolerance("ignoreIndex, reduction 'sum'"));
                await expectCloseAsync(outputs[2]!, mean(kept), tolerance("ignoreIndex, reduction 'mean'"));
              } finally {
                tf.dispose(outputs);
              }
            });
          }
          if (options.oneHotTargets !== false) {
            it('gives one-hot targets what it gives class ids (or rejects targets)', async () => {
              const inputs = withLabels(targetsOf(ids, labels.numClasses, 0));
              let output: tf.Tensor;
              try {
                output = call(inputs, { reduction: 'none' });
              } catch (error) {
                // A loss defined on the true class alone may refuse float targets, naming them.
                if (rejectsTargets(error, spec.inputs[labels.index]!.name)) return;
                throw error;
              }
              try {
                await expectCloseAsync(output, reference(), {
                  ...testCase.tolerance,
                  message: 'one-hot targets',
                });
              } finally {
                output.dispose();
              }
            });
          }
          if (options.softTargets) {
            const soft = targetsOf(ids, labels.numClasses, 0.3);
            const softReference = () =>
              testCase.reference(withLabels(soft), withDefaults(caseOptions)) as number[];
            it('matches the reference on soft targets', async () => {
              const output = call(withLabels(soft), { reduction: 'none' });
              try {
                await expectCloseAsync(output, softReference(), {
                  ...testCase.tolerance,
                  message: 'soft targets',
                });
              } finally {
                output.dispose();
              }
            });
            it('has the gradient of the reference on soft targets', async () => {
              const differentiable = spec.inputs
                .map((input, i) => (input.dtype === 'float32' ? i : -1))
                .filter((i) => i >= 0);
              for (const index of differentiable) {
                await expectNoLeakAsync(() =>
                  gradCheckAsync({
                    fn: (x) =>
                      tf.tidy(() => {
                        const tensors = tensorsFor(loss, withLabels(soft));
                        tensors[index] = x;
                        return loss(...(tensors as [tf.Tensor]), caseOptions);
                      }),
                    reference: (x) => {
                      const inputs = withLabels(soft);
                      inputs[index] = x;
                      return mean(testCase.reference(inputs, withDefaults(caseOptions)) as number[]);
                    },
                    at: [withLabels(soft)[index]!],
                    ...testCase.gradTolerance,
                    message: `soft targets: d loss / d ${spec.inputs[index]!.name}`,
                  }),
                );
              }
            });
          }
        });
      }
      // The fuzz suite reads values synchronously: not on WebGPU in Node.
      const fuzz = options.fuzz;
      if (fuzz !== false && backend !== 'webgpu') {
        it('keeps the input contract on random valid and invalid inputs (fuzz)', () => {
          const config: FuzzConfig = fuzz ?? { options: scalarOptions(cases[0]?.options ?? {}) };
          expect(fuzzLoss(loss, config).accepted).toBeGreaterThanOrEqual(config.minAccepted ?? 1);
        });
      }
      if (cases[0]) {
        it('rejects bad inputs with the documented codes', async () => {
          const first = cases[0]!;
          await expectNoLeakAsync(() =>
            expectBadInputErrorsAsync(
              badInputCases(loss, first.inputs as tf.TensorLike[], first.options ?? {}),
            ),
          );
        });
      }
    });
  });
}

/**
 * Runs {@link fuzzLoss} over `losses` (e.g. `registry.list()` after a package's `./register`) on each
 * backend, one test per loss, with a per-id config for losses that need plug-ins or 0/1 inputs.
 *
 * @example fuzzEveryLoss(registry.list(), { 'xent/mw': { binaryInputs: ['positiveMask'] } });
 */
export function fuzzEveryLoss(
  losses: readonly AnyLossFn[],
  configs: Readonly<Record<string, FuzzConfig>> = {},
  backends: readonly BackendName[] = ['cpu', 'wasm'],
): void {
  describeBackends(backends, () => {
    for (const loss of losses) {
      it(`${loss.spec.name} keeps the input contract on random valid and invalid inputs`, () => {
        const config = configs[loss.spec.id] ?? {};
        expect(fuzzLoss(loss, config).accepted).toBeGreaterThanOrEqual(config.minAccepted ?? 1);
      });
    }
  });
}

/**
 * Runs {@link fuzzCallable} over `specs` (a package's factories, miners, reducers, distances, metrics
 * and wrappers) on each backend, one test per spec.
 *
 * @example fuzzEveryCallable([{ name: 'lpDistance', inputs: [...], call: ([x], o) => lpDistance(o).pairwise(x) }]);
 */
export function fuzzEveryCallable(
  specs: readonly CallableSpec[],
  backends: readonly BackendName[] = ['cpu', 'wasm'],
): void {
  describeBackends(backends, () => {
    for (const spec of specs) {
      it(`${spec.name} keeps the input contract on random valid, invalid and edge inputs`, () => {
        expect(fuzzCallable(spec).accepted).toBeGreaterThan(0);
      });
    }
  });
}
