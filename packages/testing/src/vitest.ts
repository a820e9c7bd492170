import * as tf from '@tensorflow/tfjs-core';
import type { AnyLossFn } from '@xent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, useBackend } from './backends.js';
import { badInputCases, expectBadInputErrors } from './bad-inputs.js';
import { expectCloseAsync, type Nested, type Tolerance } from './close.js';
import { type FuzzConfig, fuzzLoss } from './fuzz.js';
import { gradCheckAsync } from './grad-check.js';
import { inputTensors } from './inputs.js';
import { expectNoLeak, expectNoLeakAsync } from './leaks.js';

/**
 * Declares `suite` once per backend, each inside `describe('<backend>')` with that backend active.
 * Backends that cannot start here (no WebGPU adapter, say) get one skipped test saying so.
 */
export function describeBackends(
  backends: readonly BackendName[],
  suite: (backend: BackendName) => void,
): void {
  for (const backend of backends) {
    describe(backend, async () => {
      const initial = tf.getBackend();
      const available = await useBackend(backend);
      // Collection must not change the backend the rest of the file runs on.
      if (initial && tf.getBackend() !== initial) await tf.setBackend(initial);
      if (!available) {
        it.skip(`${backend} backend is not available here`, () => {});
        return;
      }
      beforeAll(async () => {
        await useBackend(backend);
      });
      afterAll(async () => {
        await tf.setBackend(initial);
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
  /** The float64 reference from the formula: per-example values `[N]`, or the scalar for batch losses. */
  readonly reference: (inputs: readonly Nested[], options: Record<string, unknown>) => number[] | number;
  readonly tolerance?: Tolerance;
  readonly gradTolerance?: Tolerance;
}

const tensorsFor = (loss: AnyLossFn, inputs: readonly Nested[]) =>
  inputTensors(loss, inputs as tf.TensorLike[]);

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The conformance suite a loss plugin runs on itself: its spec is complete; per case, the loss
 * matches the float64 reference for every reduction and with weights, accepts TensorLike and tensors
 * alike, its gradient matches finite differences of the reference, it leaks nothing; the standard
 * bad inputs raise their documented error codes; and the spec-generated fuzz suite ({@link fuzzLoss})
 * holds (valid random inputs → finite values and gradients, invalid ones → documented codes).
 */
export function runLossConformance(
  loss: AnyLossFn,
  cases: readonly ConformanceCase[],
  options: {
    readonly backends?: readonly BackendName[];
    /**
     * The spec-generated fuzz suite ({@link fuzzLoss}); `false` turns it off. @defaultValue the
     * first case's options as fixed options
     */
    readonly fuzz?: FuzzConfig | false;
  } = {},
): void {
  const spec = loss.spec;
  describe(`${spec.name} conformance`, () => {
    it('has a complete spec', () => {
      expect(spec.id).toMatch(/^[a-z0-9@._-]+\/[a-z0-9._-]+$/);
      expect(spec.summary.length).toBeGreaterThan(10);
      expect(spec.inputs.length).toBeGreaterThan(0);
      if (spec.reference) expect(spec.reference.url).toMatch(/^https?:\/\//);
    });
    describeBackends(options.backends ?? ['cpu'], (backend) => {
      for (const testCase of cases) {
        const caseOptions = testCase.options ?? {};
        const expected = () => testCase.reference(testCase.inputs, caseOptions);
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
                    return scalarOf(testCase.reference(inputs, caseOptions));
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
      // The fuzz suite reads values synchronously: not on WebGPU in Node.
      const fuzz = options.fuzz;
      if (fuzz !== false && backend !== 'webgpu') {
        it('keeps the input contract on random valid and invalid inputs (fuzz)', () => {
          const config: FuzzConfig = fuzz ?? { options: cases[0]?.options ?? {} };
          expect(fuzzLoss(loss, config).accepted).toBeGreaterThan(0);
        });
      }
      if (cases[0]) {
        it('rejects bad inputs with the documented codes', () => {
          const first = cases[0]!;
          expectNoLeak(() =>
            expectBadInputErrors(badInputCases(loss, first.inputs as tf.TensorLike[], first.options ?? {})),
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
        expect(fuzzLoss(loss, configs[loss.spec.id] ?? {}).accepted).toBeGreaterThan(0);
      });
    }
  });
}
