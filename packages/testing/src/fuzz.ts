import * as tf from '@tensorflow/tfjs-core';
import {
  type AnyLossFn,
  type InputSpec,
  isXentError,
  type OptionSpec,
  seededRandom,
  type XentErrorCode,
} from '@xent/core';
import fc from 'fast-check';

/** How {@link fuzzLoss} explores one loss. */
export interface FuzzConfig {
  /**
   * Options every generated call gets (plug-ins the suite cannot invent: a `model`, a `state`,
   * `prototypes` as an option, …). They are never mutated into invalid values.
   */
  readonly options?: Record<string, unknown>;
  /**
   * Or a function of the generated inputs (by name) giving those options, e.g. a state sized to the
   * batch. Called inside the tidy scope of each call.
   */
  readonly optionsFor?: (inputs: Readonly<Record<string, tf.Tensor>>) => Record<string, unknown>;
  /** Size range per symbolic dim, e.g. `{ C: [2, 6] }`. @defaultValue [1, 5] for every symbol */
  readonly dims?: Readonly<Record<string, readonly [number, number]>>;
  /** Valid random calls. @defaultValue 12, or `XENT_FUZZ_RUNS` from the environment (a long run) */
  readonly numRuns?: number;
  /** fast-check seed (reproduce a failure with the seed it prints). @defaultValue 1 */
  readonly seed?: number;
  /** Float inputs that are 0/1 masks or multi-hot targets (drawn as 0/1, never NaN-mutated). */
  readonly binaryInputs?: readonly string[];
  /** Options not to mutate into invalid values (e.g. ones checked only when another is set). */
  readonly skipOptions?: readonly string[];
  /** Valid random calls that must be accepted (not rejected with an XentError). @defaultValue 1 */
  readonly minAccepted?: number;
}

/** What a fuzz run did. */
export interface FuzzReport {
  /** Valid random calls that returned a value (all properties held). */
  readonly accepted: number;
  /** Valid random calls the loss rejected with an XentError (its documented contract). */
  readonly rejected: number;
  /** Codes of those rejections. */
  readonly rejectedCodes: readonly XentErrorCode[];
  /** Invalid calls made, each of which raised its documented XentError code. */
  readonly invalidChecked: number;
}

/** @internal */
export type Generated = {
  readonly dims: Record<string, number>;
  readonly seed: number;
  readonly scale: number;
  readonly ties: boolean;
  readonly soft: boolean;
};

/** @internal */
export function envRuns(): number | undefined {
  const raw = typeof process !== 'undefined' ? process.env?.XENT_FUZZ_RUNS : undefined;
  const runs = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(runs) && runs > 0 ? runs : undefined;
}

/** @internal */
export function symbolsOf(inputs: readonly InputSpec[]): string[] {
  const names: string[] = [];
  for (const input of inputs)
    for (const dim of input.shape) if (typeof dim === 'string' && !names.includes(dim)) names.push(dim);
  return names;
}

/** The class-dim symbol of the labels input, when it has one. */
function classDim(inputs: readonly InputSpec[]): number | string | undefined {
  const labels = inputs.find((input) => input.dtype === 'labels');
  return labels?.shape[labels.shape.length - 1];
}

/** Host values of one generated call: nested arrays per input. @internal */
export function generateInputs(
  inputs: readonly InputSpec[],
  g: Generated,
  binary: readonly string[],
): { values: tf.TensorLike[]; dtypes: string[] } {
  const next = seededRandom(g.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const values: tf.TensorLike[] = [];
  const dtypes: string[] = [];
  const sizeOf = (dim: number | string) => (typeof dim === 'number' ? dim : g.dims[dim]!);
  const fill = (shape: readonly number[], leaf: (index: number[]) => number): unknown => {
    const build = (depth: number, index: number[]): unknown =>
      depth === shape.length
        ? leaf(index)
        : Array.from({ length: shape[depth]! }, (_, i) => build(depth + 1, [...index, i]));
    return build(0, []);
  };
  for (const input of inputs) {
    const shape = input.shape.map(sizeOf);
    if (input.dtype === 'float32' && binary.includes(input.name)) {
      values.push(fill(shape, () => (next() < 0.5 ? 1 : 0)) as tf.TensorLike);
      dtypes.push('float32');
    } else if (input.dtype === 'float32') {
      // `ties`: one value per row except an outlier in the last column (equal scores + outlier).
      values.push(
        fill(shape, (index) => {
          if (g.ties) return index[index.length - 1] === shape[shape.length - 1]! - 1 ? 3 * g.scale : 0.25;
          return g.scale * normal();
        }) as tf.TensorLike,
      );
      dtypes.push('float32');
    } else if (input.dtype === 'labels') {
      const classes = shape[shape.length - 1]!;
      if (g.soft) {
        values.push(fill(shape, () => next()) as tf.TensorLike);
        // Rows normalised to sum 1 (soft targets).
        const normalise = (node: unknown): unknown =>
          Array.isArray(node) && typeof node[0] === 'number'
            ? (() => {
                const total = (node as number[]).reduce((a, b) => a + b, 0) || 1;
                return (node as number[]).map((v) => v / total);
              })()
            : (node as unknown[]).map(normalise);
        values[values.length - 1] = normalise(values[values.length - 1]) as tf.TensorLike;
        dtypes.push('float32');
      } else {
        values.push(fill(shape.slice(0, -1), () => Math.floor(next() * classes)) as tf.TensorLike);
        dtypes.push('int32');
      }
    } else if (input.dtype === 'int32') {
      // Ids: a few distinct classes so that pairs exist.
      values.push(fill(shape, () => Math.floor(next() * 3)) as tf.TensorLike);
      dtypes.push('int32');
    } else {
      values.push(fill(shape, () => (next() < 0.5 ? 1 : 0)) as tf.TensorLike);
      dtypes.push('bool');
    }
  }
  return { values, dtypes };
}

/** @internal */
export function tensorsOf(values: readonly tf.TensorLike[], dtypes: readonly string[]): tf.Tensor[] {
  return values.map((v, i) => tf.tensor(v, undefined, dtypes[i] as tf.DataType));
}

function allFinite(t: tf.Tensor): boolean {
  return Array.from(t.dataSync()).every(Number.isFinite);
}

function fail(loss: AnyLossFn, what: string, g: Generated, detail = ''): never {
  throw new Error(
    `${loss.spec.name}: ${what} (dims ${JSON.stringify(g.dims)}, data seed ${g.seed}, scale ${g.scale}, ties ${g.ties}, soft ${g.soft})${detail ? `: ${detail}` : ''}`,
  );
}

/** Invalid values of one declared option, each with the code it must raise. @internal */
export function badOptionValues(spec: OptionSpec): unknown[] {
  switch (spec.type) {
    case 'number': {
      const bad: unknown[] = [Number.NaN, 'one'];
      if (!spec.allowInfinity) bad.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
      if (spec.min !== undefined && Number.isFinite(spec.min)) bad.push(spec.min - 1);
      if (spec.max !== undefined && Number.isFinite(spec.max)) bad.push(spec.max + 1, 1e30);
      if (spec.integer)
        bad.push(0.5 + (spec.min !== undefined && Number.isFinite(spec.min) ? Math.max(spec.min, 0) : 0));
      return bad;
    }
    case 'boolean':
      return ['yes', 1];
    case 'enum':
      return ['not-a-value', 3];
    case 'other':
      return spec.plugin === undefined ? [] : spec.plugin === 'function' ? [3] : [{ name: 'wrong kind' }];
  }
}

/**
 * A fast-check property suite generated from a loss's spec, for every loss of every package and for
 * plugin authors (also run by `runLossConformance`). Valid random inputs (random sizes within
 * `dims`, random data at several scales, rows of equal values with one outlier, int ids or soft
 * targets) must either be rejected with an `XentError` (a documented contract such as C ≥ 2) or give
 * finite values of the right shape per reduction, `sum = Σ none`, `mean` = Σ/N without weights,
 * finite gradients for every float input, and no tensor growth. From the first accepted call it then
 * builds invalid calls — ragged arrays, NaN/±Infinity data, non-integer and out-of-int32 ids, an
 * unknown option, and every declared option set to NaN, ±Infinity (unless documented), out of range,
 * non-integer or of the wrong kind — each of which must raise its documented `XentError` code and leak
 * nothing. Throws on the first violation with what reproduces it.
 *
 * @example fuzzLoss(focalLoss); fuzzLoss(aldrKlLoss, { optionsFor: ({ logits }) => ({ … }) });
 */
export function fuzzLoss(loss: AnyLossFn, config: FuzzConfig = {}): FuzzReport {
  const spec = loss.spec;
  const symbols = symbolsOf(spec.inputs);
  const labelsClass = classDim(spec.inputs);
  const rangeOf = (symbol: string): [number, number] => {
    const given = config.dims?.[symbol];
    if (given) return [given[0], given[1]];
    return symbol === labelsClass ? [2, 5] : [1, 5];
  };
  const dimsArb = fc.record(
    Object.fromEntries(symbols.map((s) => [s, fc.integer({ min: rangeOf(s)[0], max: rangeOf(s)[1] })])),
  ) as fc.Arbitrary<Record<string, number>>;
  const hasLabels = spec.inputs.some((input) => input.dtype === 'labels');
  const generated = fc.record({
    dims: dimsArb,
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    scale: fc.constantFrom(1, 0.01, 30),
    ties: fc.boolean(),
    soft: hasLabels ? fc.boolean() : fc.constant(false),
  });
  const numRuns = config.numRuns ?? envRuns() ?? 12;
  let accepted = 0;
  let rejected = 0;
  const rejectedCodes = new Set<XentErrorCode>();
  let firstAccepted: { values: tf.TensorLike[]; dtypes: string[]; g: Generated } | undefined;

  const call = (tensors: tf.Tensor[], extra: Record<string, unknown>) => {
    const named = Object.fromEntries(spec.inputs.map((input, i) => [input.name, tensors[i]!]));
    const options = { ...(config.options ?? {}), ...(config.optionsFor?.(named) ?? {}), ...extra };
    return loss(...tensors, options);
  };

  const property = (g: Generated) => {
    const { values, dtypes } = generateInputs(loss.spec.inputs, g, config.binaryInputs ?? []);
    const before = tf.memory().numTensors;
    let outcome: 'accepted' | 'rejected' = 'accepted';
    try {
      tf.tidy(() => {
        const tensors = tensorsOf(values, dtypes);
        const batch = tensors[0]!.shape[0]!;
        if (spec.perExample) {
          const none = call(tensors, { reduction: 'none' });
          if (none.rank !== 1 || none.shape[0] !== batch)
            fail(loss, `reduction 'none' gave [${none.shape}], expected [${batch}]`, g);
          if (!allFinite(none))
            fail(loss, "reduction 'none' is not finite", g, String(Array.from(none.dataSync())));
          const total = call(tensors, { reduction: 'sum' });
          const mean = call(tensors, { reduction: 'mean' });
          for (const [name, t] of [
            ['sum', total],
            ['mean', mean],
          ] as const) {
            if (t.rank !== 0) fail(loss, `reduction '${name}' gave rank ${t.rank}, expected a scalar`, g);
          }
          const values64 = Array.from(none.dataSync());
          const sum64 = values64.reduce((a, b) => a + b, 0);
          const tolerance = 1e-4 * (1 + values64.reduce((a, b) => a + Math.abs(b), 0));
          const s = total.dataSync()[0]!;
          if (!(Math.abs(s - sum64) <= tolerance)) fail(loss, `sum ${s} ≠ Σ none ${sum64}`, g);
          const m = mean.dataSync()[0]!;
          // Without weights, 'mean' is Σ/N (or Σ over kept rows when ignoreIndex drops some: not set here).
          if (!(Math.abs(m - sum64 / batch) <= tolerance / batch + 1e-6))
            fail(loss, `mean ${m} ≠ Σ none / N ${sum64 / batch}`, g);
        } else {
          const value = call(tensors, {});
          if (value.rank !== 0) fail(loss, `batch loss gave rank ${value.rank}, expected a scalar`, g);
          if (!allFinite(value)) fail(loss, 'value is not finite', g, String(value.dataSync()[0]));
        }
        spec.inputs.forEach((input, index) => {
          if (input.dtype !== 'float32') return;
          const grad = tf.grad((x: tf.Tensor) => {
            const replaced = [...tensors];
            replaced[index] = x;
            return call(replaced, {});
          })(tensors[index]!);
          if (!allFinite(grad))
            fail(
              loss,
              `gradient with respect to ${input.name} is not finite`,
              g,
              String(Array.from(grad.dataSync())),
            );
        });
      });
    } catch (error) {
      if (!isXentError(error)) throw error;
      outcome = 'rejected';
      rejectedCodes.add(error.code);
    }
    const after = tf.memory().numTensors;
    if (after !== before) fail(loss, `${after - before} tensor(s) leaked (${outcome})`, g);
    if (outcome === 'accepted') {
      accepted++;
      firstAccepted ??= { values, dtypes, g };
    } else rejected++;
  };
  fc.assert(fc.property(generated, property), { numRuns, seed: config.seed ?? 1, endOnFailure: true });
  if (accepted < (config.minAccepted ?? 1)) {
    throw new Error(
      `${spec.name}: only ${accepted} of ${numRuns} valid random calls were accepted (rejections: ${[...rejectedCodes].join(', ')}); give options/optionsFor/dims in the fuzz config`,
    );
  }
  const invalidChecked = firstAccepted ? checkInvalid(loss, firstAccepted, config, call) : 0;
  return { accepted, rejected, rejectedCodes: [...rejectedCodes], invalidChecked };
}

function checkInvalid(
  loss: AnyLossFn,
  base: { values: tf.TensorLike[]; dtypes: string[]; g: Generated },
  config: FuzzConfig,
  call: (tensors: tf.Tensor[], extra: Record<string, unknown>) => tf.Tensor,
): number {
  const spec = loss.spec;
  const cases: { name: string; code: XentErrorCode; run: () => unknown }[] = [];
  const withValue = (index: number, value: tf.TensorLike) => () =>
    tf.tidy(() => {
      const tensors = tensorsOf(base.values, base.dtypes);
      const named = Object.fromEntries(spec.inputs.map((input, i) => [input.name, tensors[i]!]));
      const options = { ...(config.options ?? {}), ...(config.optionsFor?.(named) ?? {}) };
      const args: unknown[] = [...tensors];
      args[index] = value;
      return loss(...args, options);
    });
  const flatLeaves = (node: unknown, path: number[] = []): number[][] =>
    Array.isArray(node) ? node.flatMap((child, i) => flatLeaves(child, [...path, i])) : [path];
  const replaceFirst = (node: unknown, value: unknown): unknown => {
    if (!Array.isArray(node)) return value;
    if (node.length === 0) return node;
    return [replaceFirst(node[0], value), ...node.slice(1)];
  };
  spec.inputs.forEach((input, index) => {
    const value = base.values[index]!;
    const dtype = base.dtypes[index]!;
    if (!Array.isArray(value) || flatLeaves(value).length === 0) return;
    // Ragged: drop the last element of the first innermost row (rank ≥ 2 only).
    if (Array.isArray(value[0]) && (value[0] as unknown[]).length > 0 && value.length > 1) {
      const ragged = [(value[0] as unknown[]).slice(0, -1), ...value.slice(1)];
      cases.push({
        name: `${input.name}: ragged array`,
        code: 'SHAPE_MISMATCH',
        run: withValue(index, ragged as tf.TensorLike),
      });
    }
    const binary = config.binaryInputs?.includes(input.name) ?? false;
    if (dtype === 'float32' && input.dtype === 'float32' && input.finite !== false && !binary) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        cases.push({
          name: `${input.name}: ${bad}`,
          code: 'NON_FINITE_INPUT',
          run: withValue(index, replaceFirst(value, bad) as tf.TensorLike),
        });
      }
    }
    if (dtype === 'int32') {
      for (const bad of [0.5, 2 ** 32 + 1, Number.NaN]) {
        cases.push({
          name: `${input.name}: id ${bad}`,
          code: 'DTYPE_MISMATCH',
          run: withValue(index, replaceFirst(value, bad) as tf.TensorLike),
        });
      }
    }
  });
  const runWith = (extra: Record<string, unknown>) => () =>
    tf.tidy(() => call(tensorsOf(base.values, base.dtypes), extra));
  cases.push({ name: 'unknown option', code: 'INVALID_OPTION', run: runWith({ notAnOption: 1 }) });
  const fixed = new Set([...Object.keys(config.options ?? {}), ...(config.skipOptions ?? [])]);
  for (const [name, optionSpec] of Object.entries((spec.options ?? {}) as Record<string, OptionSpec>)) {
    if (fixed.has(name)) continue;
    for (const bad of badOptionValues(optionSpec)) {
      cases.push({
        name: `options.${name} = ${String(bad)}`,
        code: 'INVALID_OPTION',
        run: runWith({ [name]: bad }),
      });
    }
  }
  for (const badCase of cases) {
    const before = tf.memory().numTensors;
    let thrown: unknown;
    try {
      const result = badCase.run() as tf.Tensor;
      result.dispose?.();
    } catch (error) {
      thrown = error;
    }
    const leaked = tf.memory().numTensors - before;
    if (thrown === undefined)
      throw new Error(
        `${spec.name}: invalid call '${badCase.name}' was accepted, expected XentError ${badCase.code}`,
      );
    if (!isXentError(thrown, badCase.code)) {
      const what = isXentError(thrown) ? `XentError ${thrown.code}` : String(thrown);
      throw new Error(
        `${spec.name}: invalid call '${badCase.name}' raised ${what}, expected XentError ${badCase.code}${thrown instanceof Error ? `: ${thrown.message}` : ''}`,
      );
    }
    if (leaked !== 0)
      throw new Error(`${spec.name}: invalid call '${badCase.name}' leaked ${leaked} tensor(s)`);
  }
  return cases.length;
}
