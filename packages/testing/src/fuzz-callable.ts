import * as tf from '@tensorflow/tfjs-core';
import { type InputSpec, isXentError, optionSchemaOf, type XentError, type XentErrorCode } from '@xent/core';
import fc from 'fast-check';
import { badOptionValues, envRuns, type Generated, generateInputs, symbolsOf, tensorsOf } from './fuzz.js';

/** A degenerate or edge call of a {@link CallableSpec} with its documented answer. */
export interface CallableEdge {
  readonly name: string;
  /** Arguments as given to `call` (host arrays or tensors made inside the check). */
  readonly args: () => readonly unknown[];
  readonly options?: Record<string, unknown>;
  /** `'finite'`: returns, every number/tensor in the result finite; a code: that `XentError`. */
  readonly expect: 'finite' | XentErrorCode;
}

/**
 * A declarative description of one public function that is not a `defineLoss` loss — a factory
 * (`create…Loss`), miner, reducer, distance, metric, sampler or wrapper — for {@link fuzzCallable}.
 */
export interface CallableSpec {
  /** The function's name, as its `XentError`s give it in `fn`. */
  readonly name: string;
  /**
   * Other names its errors may carry in `fn` (a factory's returned loss reports its own name).
   * @defaultValue []
   */
  readonly errorFns?: readonly string[];
  /**
   * The tensor arguments, like a loss spec's `inputs` (`'float32'`, `'int32'` ids, `'labels'`,
   * `'bool'`; symbolic dims bound across inputs). Generated valid, then mutated into invalid values.
   */
  readonly inputs: readonly InputSpec[];
  /**
   * Calls the function under test: `args` are the inputs (tensors for generated calls, host arrays
   * for mutated ones), `options` the options object. Returns whatever it returns: every tensor and
   * number in the result must be finite; every tensor in it is disposed by the suite.
   */
  readonly call: (args: readonly unknown[], options: Record<string, unknown> | undefined) => unknown;
  /** Options every generated call gets (never mutated). */
  readonly options?: Record<string, unknown>;
  /** Whether the function takes an options object (then unknown keys must be rejected). @defaultValue true */
  readonly takesOptions?: boolean;
  /** Size range per symbolic dim. @defaultValue [1, 5], [2, 5] for a `'labels'` class dim */
  readonly dims?: Readonly<Record<string, readonly [number, number]>>;
  /** Float inputs that are 0/1 (never NaN-mutated). */
  readonly binaryInputs?: readonly string[];
  /** Options not to mutate (plug-ins the suite cannot invent, options checked only with another). */
  readonly skipOptions?: readonly string[];
  /**
   * Whether bumping the size of a dim shared by two inputs in one of them, and adding a leading axis to
   * an input, must raise `SHAPE_MISMATCH`. @defaultValue true
   */
  readonly checkShapes?: boolean;
  /**
   * Whether the inputs' data is checked (ragged, NaN/±Infinity, bad ids, shapes). `false` for plug-in
   * methods (a distance's `pairwise`, a reducer's `reduce`) that take tensors the calling loss already
   * checked: then only options and valid calls are fuzzed. @defaultValue true
   */
  readonly checkData?: boolean;
  /** Degenerate and edge calls with their documented answers. */
  readonly edges?: readonly CallableEdge[];
  /** Valid random calls. @defaultValue 6, or `XENT_FUZZ_RUNS` */
  readonly numRuns?: number;
  /** fast-check seed. @defaultValue 1 */
  readonly seed?: number;
}

/** What a {@link fuzzCallable} run did. */
export interface CallableFuzzReport {
  readonly accepted: number;
  readonly rejected: number;
  readonly invalidChecked: number;
  readonly edgesChecked: number;
}

function walk(value: unknown, visit: (t: tf.Tensor | number) => void, seen = new Set<unknown>()): void {
  if (value instanceof tf.Tensor || typeof value === 'number') {
    visit(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    for (const v of Array.from(value as unknown as ArrayLike<number>)) visit(v);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) walk(v, visit, seen);
    return;
  }
  for (const v of Object.values(value)) walk(v, visit, seen);
}

function nonFinite(result: unknown): string | undefined {
  let bad: string | undefined;
  walk(result, (t) => {
    if (bad !== undefined) return;
    if (typeof t === 'number') {
      if (!Number.isFinite(t)) bad = String(t);
    } else if (!t.isDisposed && (t.dtype === 'float32' || t.dtype === 'int32')) {
      const values = Array.from(t.dataSync());
      if (!values.every(Number.isFinite)) bad = `tensor [${t.shape}] ${values.slice(0, 8).join(', ')}`;
    }
  });
  return bad;
}

function disposeAll(result: unknown): void {
  walk(result, (t) => {
    if (typeof t !== 'number' && !t.isDisposed) t.dispose();
  });
}

/**
 * Runs `call` in a tidy scope, hands its result to `check` (e.g. a finiteness check), then disposes
 * every tensor in the result (a factory's variables included).
 */
function runDisposing(call: () => unknown, check: (result: unknown) => void = () => {}): void {
  const kept = tf.tidy(() => {
    const out = call();
    check(out);
    const tensors: tf.Tensor[] = [];
    walk(out, (t) => {
      if (typeof t !== 'number') tensors.push(t);
    });
    return tensors;
  });
  disposeAll(kept);
}

/** Bumps `symbol`'s size in one input's host value by one row/column (copying its last slice). */
function bumpDim(value: unknown, axis: number): unknown {
  if (!Array.isArray(value)) return value;
  if (axis === 0) return value.length === 0 ? value : [...value, value[value.length - 1]];
  return value.map((child) => bumpDim(child, axis - 1));
}

/**
 * The bad/edge-input fuzz of {@link fuzzLoss}, for public functions that are not `defineLoss` losses.
 * Valid random inputs (sizes within `dims`, data at several scales, ties) must be rejected with an
 * `XentError` or return finite results that leak nothing once disposed. From the first accepted call
 * it builds invalid calls — ragged arrays, NaN/±Infinity data, non-integer and out-of-int32 ids, a dim
 * shared by two inputs bumped in one, an extra leading axis, a non-object options argument, an
 * unknown option and every option of the schema the function declared through core's
 * `resolveOptions` (read back with `optionSchemaOf`) set to NaN, ±Infinity, out of range, non-integer
 * or of the wrong kind — each of which must raise its `XentError` code naming the function (`fn`) and
 * the argument, and leak nothing. Then it checks the spec's degenerate `edges`. Throws on the first
 * violation with what reproduces it.
 *
 * @example fuzzCallable({ name: 'lpDistance', inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 'D'], description: '' }], call: ([x], o) => lpDistance(o).pairwise(x) });
 */
export function fuzzCallable(spec: CallableSpec): CallableFuzzReport {
  const symbols = symbolsOf(spec.inputs);
  const labelsInput = spec.inputs.find((input) => input.dtype === 'labels');
  const classSymbol = labelsInput?.shape[labelsInput.shape.length - 1];
  const rangeOf = (symbol: string): [number, number] => {
    const given = spec.dims?.[symbol];
    if (given) return [given[0], given[1]];
    return symbol === classSymbol ? [2, 5] : [1, 5];
  };
  const generated = fc.record({
    dims: fc.record(
      Object.fromEntries(symbols.map((s) => [s, fc.integer({ min: rangeOf(s)[0], max: rangeOf(s)[1] })])),
    ) as fc.Arbitrary<Record<string, number>>,
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    scale: fc.constantFrom(1, 0.01, 30),
    ties: fc.boolean(),
    soft: fc.constant(false),
  });
  const takesOptions = spec.takesOptions ?? true;
  const baseOptions = () => (takesOptions ? { ...(spec.options ?? {}) } : undefined);
  const fail = (what: string, detail = ''): never => {
    throw new Error(`${spec.name}: ${what}${detail ? `: ${detail}` : ''}`);
  };
  let accepted = 0;
  let rejected = 0;
  let first: { values: tf.TensorLike[]; dtypes: string[] } | undefined;

  const property = (g: Generated) => {
    const { values, dtypes } = generateInputs(spec.inputs, g, spec.binaryInputs ?? []);
    const before = tf.memory().numTensors;
    let ok = true;
    try {
      runDisposing(
        () => spec.call(tensorsOf(values, dtypes), baseOptions()),
        (out) => {
          const bad = nonFinite(out);
          if (bad !== undefined)
            fail(
              `non-finite result on valid input (dims ${JSON.stringify(g.dims)}, seed ${g.seed}, scale ${g.scale}, ties ${g.ties})`,
              bad,
            );
        },
      );
    } catch (error) {
      if (!isXentError(error)) throw error;
      ok = false;
    }
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) fail(`${leaked} tensor(s) leaked on a valid call (${ok ? 'accepted' : 'rejected'})`);
    if (ok) {
      accepted++;
      first ??= { values, dtypes };
    } else rejected++;
  };
  fc.assert(fc.property(generated, property), {
    numRuns: spec.numRuns ?? envRuns() ?? 6,
    seed: spec.seed ?? 1,
    endOnFailure: true,
  });
  if (accepted === 0) fail('no valid random call was accepted; give options or dims in its spec');

  const cases: { name: string; code: XentErrorCode; argument: string; args: unknown[]; options?: unknown }[] =
    [];
  const base = first!;
  const withInput = (index: number, value: unknown) => base.values.map((v, i) => (i === index ? value : v));
  const replaceFirst = (node: unknown, value: unknown): unknown =>
    Array.isArray(node)
      ? node.length === 0
        ? node
        : [replaceFirst(node[0], value), ...node.slice(1)]
      : value;
  const inputs = spec.checkData === false ? [] : spec.inputs;
  inputs.forEach((input, index) => {
    const value = base.values[index];
    const dtype = base.dtypes[index];
    if (!Array.isArray(value) || value.length === 0) return;
    const push = (name: string, code: XentErrorCode, v: unknown, argument = input.name) =>
      cases.push({ name: `${input.name}: ${name}`, code, argument, args: withInput(index, v) });
    if (Array.isArray(value[0]) && (value[0] as unknown[]).length > 0 && value.length > 1) {
      push('ragged array', 'SHAPE_MISMATCH', [(value[0] as unknown[]).slice(0, -1), ...value.slice(1)]);
    }
    const binary = spec.binaryInputs?.includes(input.name) ?? false;
    if (dtype === 'float32' && input.dtype === 'float32' && input.finite !== false && !binary) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY])
        push(String(bad), 'NON_FINITE_INPUT', replaceFirst(value, bad));
    }
    if (dtype === 'int32') {
      for (const bad of [0.5, 2 ** 32 + 1, Number.NaN])
        push(`id ${bad}`, 'DTYPE_MISMATCH', replaceFirst(value, bad));
    }
    if (spec.checkShapes ?? true) {
      // A function taking leading dims (`[..., D]` with targets `[...]`) may name either side of the
      // mismatch: with several tensor inputs any of them is accepted.
      push('extra leading axis', 'SHAPE_MISMATCH', [value], spec.inputs.length > 1 ? '' : input.name);
    }
  });
  if ((spec.checkShapes ?? true) && spec.checkData !== false) {
    for (const symbol of symbols) {
      const users = spec.inputs
        .map((input, index) => ({ input, index, axis: input.shape.indexOf(symbol) }))
        .filter((u) => u.axis >= 0 && !(u.input.dtype === 'labels' && u.axis === u.input.shape.length - 1));
      if (users.length < 2) continue;
      const last = users[users.length - 1]!;
      cases.push({
        name: `${last.input.name}: ${symbol} differs from ${users[0]!.input.name}'s`,
        code: 'SHAPE_MISMATCH',
        argument: '',
        args: withInput(last.index, bumpDim(base.values[last.index], last.axis)),
      });
    }
  }
  if (takesOptions) {
    const args = [...base.values];
    cases.push({
      name: 'options: an array',
      code: 'INVALID_OPTION',
      argument: 'options',
      args,
      options: [1],
    });
    cases.push({
      name: 'unknown option',
      code: 'INVALID_OPTION',
      argument: 'options.notAnOption',
      args,
      options: { ...(spec.options ?? {}), notAnOption: 1 },
    });
    const fixed = new Set([...Object.keys(spec.options ?? {}), ...(spec.skipOptions ?? [])]);
    for (const [key, optionSpec] of Object.entries(optionSchemaOf(spec.name) ?? {})) {
      if (fixed.has(key)) continue;
      for (const bad of badOptionValues(optionSpec)) {
        cases.push({
          name: `options.${key} = ${String(bad)}`,
          code: 'INVALID_OPTION',
          argument: `options.${key}`,
          args,
          options: { ...(spec.options ?? {}), [key]: bad },
        });
      }
    }
  }
  for (const badCase of cases) {
    const before = tf.memory().numTensors;
    let thrown: unknown;
    try {
      runDisposing(() =>
        spec.call(
          badCase.args,
          'options' in badCase ? (badCase.options as Record<string, unknown>) : baseOptions(),
        ),
      );
    } catch (error) {
      thrown = error;
    }
    const leaked = tf.memory().numTensors - before;
    if (thrown === undefined)
      fail(`invalid call '${badCase.name}' was accepted, expected XentError ${badCase.code}`);
    if (!isXentError(thrown, badCase.code)) {
      const what = isXentError(thrown) ? `XentError ${thrown.code}` : String(thrown);
      fail(
        `invalid call '${badCase.name}' raised ${what}, expected XentError ${badCase.code}`,
        thrown instanceof Error ? thrown.message : '',
      );
    }
    const error = thrown as XentError;
    const named = [spec.name, ...(spec.errorFns ?? [])];
    // A plug-in's method reports itself as `<factory>.<method>` (`batchHardMiner.mine`).
    if (!named.some((n) => error.fn === n || error.fn.startsWith(`${n}.`)))
      fail(`invalid call '${badCase.name}' names the function '${error.fn}'`, error.message);
    if (badCase.argument && !(error.argument ?? '').startsWith(badCase.argument))
      fail(
        `invalid call '${badCase.name}' names the argument '${error.argument}', expected '${badCase.argument}'`,
        error.message,
      );
    if (leaked !== 0) fail(`invalid call '${badCase.name}' leaked ${leaked} tensor(s)`);
  }
  for (const edge of spec.edges ?? []) {
    const before = tf.memory().numTensors;
    let thrown: unknown;
    try {
      runDisposing(
        () => spec.call(edge.args(), edge.options ?? baseOptions()),
        (out) => {
          const bad = nonFinite(out);
          if (bad !== undefined) fail(`edge '${edge.name}' gave a non-finite result`, bad);
        },
      );
    } catch (error) {
      thrown = error;
    }
    if (edge.expect === 'finite' && thrown !== undefined) throw thrown;
    if (edge.expect !== 'finite' && !isXentError(thrown, edge.expect))
      fail(
        `edge '${edge.name}' expected XentError ${edge.expect}, got ${thrown === undefined ? 'a result' : String(thrown)}`,
      );
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) fail(`edge '${edge.name}' leaked ${leaked} tensor(s)`);
  }
  return { accepted, rejected, invalidChecked: cases.length, edgesChecked: spec.edges?.length ?? 0 };
}

/**
 * The function exports of a package's module (its `index`) that are neither `defineLoss` losses nor
 * covered by `specs` nor listed in `exempt` (name → why it is not fuzzed): what a fuzz test must cover
 * next. Empty when every public function is covered.
 *
 * @example expect(uncoveredCallables(await import('../src/index.js'), specs, {})).toEqual([]);
 */
export function uncoveredCallables(
  module: Readonly<Record<string, unknown>>,
  specs: readonly CallableSpec[],
  exempt: Readonly<Record<string, string>> = {},
): string[] {
  const covered = new Set(specs.map((s) => s.name));
  return Object.entries(module)
    .filter(
      ([name, value]) =>
        typeof value === 'function' && !('spec' in value) && !covered.has(name) && !(name in exempt),
    )
    .map(([name]) => name);
}
