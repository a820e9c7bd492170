import * as tf from '@tensorflow/tfjs-core';
import {
  type AnyLossFn,
  hostReadable,
  type InputSpec,
  inferShape,
  settleDataChecks,
  type TensorInput,
  type XentErrorCode,
} from '@xent/core';
import { expectXentError } from './errors.js';
import { inputTensors } from './inputs.js';

/** One bad call and the error it must raise. */
export interface BadInputCase {
  readonly name: string;
  readonly code: XentErrorCode;
  /** The argument the error must name, when the case pins it. */
  readonly argument?: string;
  readonly run: () => unknown;
}

function numClassesOf(
  specs: readonly InputSpec[],
  tensors: readonly tf.Tensor[],
  labels: InputSpec,
): number | undefined {
  const symbol = labels.shape[labels.shape.length - 1];
  if (typeof symbol === 'number') return symbol;
  for (let i = 0; i < specs.length; i++) {
    const axis =
      specs[i]!.dtype === 'labels' && tensors[i]!.dtype === 'int32' ? -1 : specs[i]!.shape.indexOf(symbol!);
    if (axis >= 0) return tensors[i]!.shape[axis];
  }
  return undefined;
}

function withFirst(tensor: tf.Tensor, value: number): tf.Tensor {
  const data = Array.from(tensor.dataSync());
  data[0] = value;
  return tf.tensor(data, tensor.shape, tensor.dtype);
}

/**
 * Builds the standard bad-input cases for a loss from one valid call: wrong rank, wrong dtype and
 * NaN per float input; labels out of range, wrong dtype and mismatched batch; an empty batch; an
 * unknown option; and for per-example losses a bad reduction and mis-shaped weights.
 */
export function badInputCases(
  loss: AnyLossFn,
  validInputs: readonly TensorInput[],
  validOptions: Record<string, unknown> = {},
): BadInputCase[] {
  const spec = loss.spec;
  const call =
    (inputs: () => TensorInput[], options: Record<string, unknown> = validOptions) =>
    () =>
      tf.tidy(() => loss(...(inputs() as [TensorInput]), options));
  const tensorsNow = () => inputTensors(loss, validInputs);
  const replace = (index: number, make: (valid: tf.Tensor) => tf.Tensor) => () =>
    tensorsNow().map((t, i) => (i === index ? make(t) : t));
  const cases: BadInputCase[] = [];
  spec.inputs.forEach((input, index) => {
    const sample = tf.tidy(() => tensorsNow()[index]!.clone());
    const labelIds =
      input.dtype === 'labels' && (sample.dtype === 'int32' || sample.rank === input.shape.length - 1);
    sample.dispose();
    if (input.dtype === 'float32') {
      // With leadingDims 'flatten', extra leading dims on the first input are valid: drop dims instead.
      const anyLeading = spec.leadingDims === 'flatten' && index === 0;
      cases.push({
        name: `${input.name}: wrong rank`,
        code: 'SHAPE_MISMATCH',
        argument: input.name,
        run: call(
          replace(index, (t) =>
            anyLeading ? (input.shape.length > 1 ? tf.reshape(t, [-1]) : tf.scalar(0)) : tf.expandDims(t, 0),
          ),
        ),
      });
      cases.push({
        name: `${input.name}: int32 instead of float32`,
        code: 'DTYPE_MISMATCH',
        argument: input.name,
        run: call(replace(index, (t) => tf.cast(t, 'int32'))),
      });
      if (input.finite !== false) {
        cases.push({
          name: `${input.name}: NaN`,
          code: 'NON_FINITE_INPUT',
          argument: input.name,
          run: call(replace(index, (t) => withFirst(t, Number.NaN))),
        });
        cases.push({
          name: `${input.name}: Infinity`,
          code: 'NON_FINITE_INPUT',
          argument: input.name,
          run: call(replace(index, (t) => withFirst(t, Number.POSITIVE_INFINITY))),
        });
      }
    }
    if (labelIds) {
      const toIds = (t: tf.Tensor) => (t.dtype === 'int32' ? t : tf.cast(t, 'int32'));
      const classes = () => numClassesOf(spec.inputs, tensorsNow(), input) ?? 1;
      cases.push({
        name: `${input.name}: id = number of classes`,
        code: 'LABEL_OUT_OF_RANGE',
        argument: input.name,
        run: call(replace(index, (t) => withFirst(toIds(t), classes()))),
      });
      cases.push({
        name: `${input.name}: negative id`,
        code: 'LABEL_OUT_OF_RANGE',
        argument: input.name,
        run: call(replace(index, (t) => withFirst(toIds(t), -1))),
      });
      cases.push({
        name: `${input.name}: float32 ids`,
        code: 'DTYPE_MISMATCH',
        argument: input.name,
        run: call(replace(index, (t) => tf.cast(t, 'float32'))),
      });
      if (index > 0) {
        cases.push({
          name: `${input.name}: batch size differs`,
          code: 'SHAPE_MISMATCH',
          argument: input.name,
          run: call(replace(index, (t) => tf.concat([toIds(t), toIds(t)]))),
        });
      }
    }
  });
  const batchSymbol = spec.inputs[0]!.shape[0];
  const second = spec.inputs.findIndex((input, i) => i > 0 && input.shape[0] === batchSymbol);
  if (spec.leadingDims === 'flatten' && second > 0) {
    cases.push({
      name: 'leading dims differ between inputs',
      code: 'SHAPE_MISMATCH',
      argument: spec.inputs[second]!.name,
      run: call(replace(0, (t) => tf.expandDims(t, 0))),
    });
  }
  cases.push({
    name: 'empty batch',
    code: 'EMPTY_BATCH',
    run: call(() =>
      tensorsNow().map((t, i) => {
        const input = spec.inputs[i]!;
        if (input.shape[0] !== batchSymbol) return t;
        return tf.slice(t, 0, [0, ...t.shape.slice(1)]);
      }),
    ),
  });
  cases.push({
    name: 'unknown option',
    code: 'INVALID_OPTION',
    argument: 'options.notAnOption',
    run: call(tensorsNow, { ...validOptions, notAnOption: 1 }),
  });
  if (spec.perExample) {
    cases.push({
      name: 'bad reduction',
      code: 'INVALID_OPTION',
      argument: 'options.reduction',
      run: call(tensorsNow, { ...validOptions, reduction: 'avg' }),
    });
    cases.push({
      name: 'weights of the wrong length',
      code: 'SHAPE_MISMATCH',
      argument: 'options.weights',
      run: call(tensorsNow, {
        ...validOptions,
        weights: new Array((inferShape(validInputs[0]!)?.[0] ?? 0) + 1).fill(1),
      }),
    });
  }
  return cases;
}

/** Runs every case of {@link badInputCases} and throws on the first that does not raise its code. */
export function expectBadInputErrors(cases: readonly BadInputCase[]): void {
  for (const badCase of cases) {
    try {
      expectXentError(badCase.run, badCase.code, badCase.argument ? { argument: badCase.argument } : {});
    } catch (error) {
      throw new Error(`bad input '${badCase.name}': ${(error as Error).message}`);
    }
  }
}

/**
 * {@link expectBadInputErrors} under core's data-check contract, on any backend: on webgl and webgpu a
 * data check (NaN/Inf, label range, weight sign) runs on the device, so a case whose call returns must
 * then fail `settleDataChecks()` with its code. Each case's verdict is settled before the next, so no
 * failure reaches a later call.
 */
export async function expectBadInputErrorsAsync(cases: readonly BadInputCase[]): Promise<void> {
  for (const badCase of cases) {
    let thrown: unknown;
    let result: unknown;
    try {
      result = badCase.run();
    } catch (error) {
      thrown = error;
    }
    if (thrown === undefined && !hostReadable()) {
      if (result instanceof tf.Tensor) result.dispose();
      thrown = await settleDataChecks().then(
        () => undefined,
        (error: unknown) => error,
      );
    } else if (result instanceof tf.Tensor) result.dispose();
    try {
      expectXentError(
        () => {
          if (thrown !== undefined) throw thrown;
        },
        badCase.code,
        badCase.argument ? { argument: badCase.argument } : {},
      );
    } catch (error) {
      throw new Error(`bad input '${badCase.name}': ${(error as Error).message}`);
    }
  }
}
