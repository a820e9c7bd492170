import * as tf from '@tensorflow/tfjs-core';
import { XentError } from './errors.js';
import { checkOption, type OptionSpec } from './options.js';

/** One entry of an {@link OptionSchema}: an {@link OptionSpec}, optionally required (no default). */
export type SchemaEntry = OptionSpec & {
  /** Missing (or `undefined`) → `INVALID_OPTION`. @defaultValue false */
  readonly required?: boolean;
};

/** Option metadata for every option of a factory, miner, reducer, distance, metric or helper. */
export type OptionSchema<O> = { readonly [K in keyof O]-?: SchemaEntry };

/** Options with defaults filled in (`D`'s keys become required). */
export type WithDefaults<O, D> = Readonly<
  Omit<O, keyof D> & { [K in keyof D & keyof O]-?: Exclude<O[K], undefined> }
>;

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The known name closest to `name` (case-insensitive edit distance at most a third of its length,
 * at least 2, to the name or to its prefix of the same length, or a prefix of one another), for a "did you mean" hint; `undefined` when none is close.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    const distance =
      other.startsWith(lower) || lower.startsWith(other)
        ? 0.5
        : Math.min(editDistance(lower, other), editDistance(lower, other.slice(0, lower.length)) + 0.5);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Throws `INVALID_OPTION` for the first key of `user` not in `known`, naming the known options and,
 * when one is close, "did you mean '…'?".
 */
export function rejectUnknownOptions(fn: string, user: object, known: readonly string[]): void {
  for (const key of Object.keys(user)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    throw new XentError(
      'INVALID_OPTION',
      {
        fn,
        argument: `options.${key}`,
        expected: known.length === 0 ? 'no options' : `one of the options ${known.join(', ')}`,
        received: 'an unknown option',
      },
      suggestion === undefined ? undefined : `did you mean '${suggestion}'?`,
    );
  }
}

/** The options argument as a record: `undefined` → `{}`; anything but a plain object → `INVALID_OPTION`. */
export function optionsObject(fn: string, user: unknown): Record<string, unknown> {
  if (user === undefined) return {};
  const plain =
    typeof user === 'object' &&
    user !== null &&
    !Array.isArray(user) &&
    !(user instanceof tf.Tensor) &&
    !ArrayBuffer.isView(user);
  if (!plain) {
    throw new XentError('INVALID_OPTION', {
      fn,
      argument: 'options',
      expected: 'an options object',
      received: Array.isArray(user) ? 'an array' : user === null ? 'null' : typeof user,
    });
  }
  return user as Record<string, unknown>;
}

const schemas = new Map<string, Readonly<Record<string, SchemaEntry>>>();

/**
 * The option schema that `fn`'s last call through {@link resolveOptions} declared (`undefined` before
 * its first call): how `@xent/testing`'s `fuzzCallable` derives bad option values for factories,
 * miners, reducers, distances and metrics without a copy of their schemas. Recorded at call time,
 * never at import.
 *
 * @example resolveOptions('lpDistance', …); optionSchemaOf('lpDistance')?.p // { type: 'number', … }
 */
export function optionSchemaOf(fn: string): Readonly<Record<string, SchemaEntry>> | undefined {
  return schemas.get(fn);
}

/**
 * The one option mechanism of every public function that is not a `defineLoss` loss (factories,
 * miners, reducers, distances, metrics, helpers), with the same checks and codes as `defineLoss`:
 * the options argument must be a plain object; unknown keys → `INVALID_OPTION` with a "did you mean";
 * each value is checked against its {@link OptionSpec} (type, range, integer-ness, ±Infinity only
 * where `allowInfinity`, plug-in kind); then `defaults` fill what was not given (or given `undefined`).
 *
 * @example
 * const { p, power } = resolveOptions('lpDistance', LP_SCHEMA, options, { p: 2, power: 1 });
 */
export function resolveOptions<O extends object, const D extends Partial<O> = Record<never, never>>(
  fn: string,
  schema: OptionSchema<O>,
  user: O | undefined,
  defaults?: D,
): WithDefaults<O, D> {
  const given = optionsObject(fn, user);
  const specs = schema as Readonly<Record<string, SchemaEntry>>;
  schemas.set(fn, specs);
  rejectUnknownOptions(fn, given, Object.keys(specs));
  const merged: Record<string, unknown> = { ...(defaults ?? {}) };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) merged[key] = value;
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.required && merged[key] === undefined) {
      throw new XentError('INVALID_OPTION', {
        fn,
        argument: `options.${key}`,
        expected: `${spec.description} (required)`,
        received: 'nothing',
      });
    }
    checkOption(fn, key, merged[key], spec);
  }
  return merged as WithDefaults<O, D>;
}
