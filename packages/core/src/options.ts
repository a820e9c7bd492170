import { XentError } from './errors.js';

/** How per-example losses are combined. `'mean'` with weights divides by the sum of the weights. */
export type Reduction = 'none' | 'sum' | 'mean';

/**
 * Metadata of one loss option: used to validate it (`INVALID_OPTION`) and by UIs such as the demo
 * to build a form. Defaults live in the spec's `defaults`.
 */
export type OptionSpec =
  | {
      readonly type: 'number';
      readonly description: string;
      /** Inclusive lower bound unless `exclusiveMin`. */
      readonly min?: number;
      readonly max?: number;
      readonly exclusiveMin?: boolean;
      readonly exclusiveMax?: boolean;
      readonly integer?: boolean;
      /** Accept ±Infinity (only where the option documents what it means). @defaultValue false */
      readonly allowInfinity?: boolean;
    }
  | { readonly type: 'boolean'; readonly description: string }
  | { readonly type: 'enum'; readonly description: string; readonly values: readonly string[] }
  /**
   * Tensors, functions, objects: the loss checks these itself, except a `plugin` kind, which core
   * checks (a {@link PluginKind} object with its methods, or a function) → `INVALID_OPTION`.
   */
  | { readonly type: 'other'; readonly description: string; readonly plugin?: PluginKind };

/** What an `'other'` option must be when core checks it: a `Distance`, `Reducer`, `Miner` or a function. */
export type PluginKind = 'distance' | 'reducer' | 'miner' | 'function';

const PLUGIN_SHAPES: Record<PluginKind, { readonly expected: string; readonly methods: readonly string[] }> =
  {
    distance: {
      expected: 'a Distance (lpDistance(), cosineSimilarity(), …)',
      methods: ['pairwise', 'paired'],
    },
    reducer: { expected: 'a Reducer (meanReducer(), thresholdReducer(), …)', methods: ['reduce'] },
    miner: { expected: 'a Miner (batchHardMiner(), tripletMarginMiner(), …)', methods: ['mine'] },
    function: { expected: 'a function', methods: [] },
  };

function isPlugin(value: unknown, kind: PluginKind): boolean {
  if (kind === 'function') return typeof value === 'function';
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (kind === 'distance' && typeof record.isInverted !== 'boolean') return false;
  return PLUGIN_SHAPES[kind].methods.every((method) => typeof record[method] === 'function');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as { name?: unknown }).name;
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return typeof name === 'string'
      ? `an object named '${name}'`
      : ctor && ctor !== 'Object'
        ? ctor
        : 'an object';
  }
  return typeof value;
}

function rangeText(spec: Extract<OptionSpec, { type: 'number' }>): string {
  const lower = spec.min === undefined ? '(-∞' : `${spec.exclusiveMin ? '(' : '['}${spec.min}`;
  const upper = spec.max === undefined ? '∞)' : `${spec.max}${spec.exclusiveMax ? ')' : ']'}`;
  return `${spec.integer ? 'an integer' : spec.allowInfinity ? 'a number' : 'a finite number'} in ${lower}, ${upper}`;
}

/** Throws `INVALID_OPTION` unless `value` satisfies `spec`. `undefined` is always accepted. */
export function checkOption(fn: string, name: string, value: unknown, spec: OptionSpec): void {
  if (value === undefined) return;
  const fail = (expected: string): never => {
    throw new XentError('INVALID_OPTION', {
      fn,
      argument: `options.${name}`,
      expected,
      received: describe(value),
    });
  };
  switch (spec.type) {
    case 'number': {
      if (
        typeof value !== 'number' ||
        Number.isNaN(value) ||
        (!spec.allowInfinity && !Number.isFinite(value))
      ) {
        fail(rangeText(spec));
        return;
      }
      const belowMin = spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min);
      const aboveMax = spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max);
      if (belowMin || aboveMax || (spec.integer && !Number.isInteger(value))) fail(rangeText(spec));
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean');
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        fail(`one of ${spec.values.map((v) => `'${v}'`).join(', ')}`);
      }
      return;
    case 'other':
      if (spec.plugin !== undefined && !isPlugin(value, spec.plugin))
        fail(PLUGIN_SHAPES[spec.plugin].expected);
      return;
  }
}

/** Throws `INVALID_OPTION` for a condition a loss checks itself (cross-option constraints, say). */
export function invalidOption(fn: string, name: string, expected: string, received: unknown): never {
  throw new XentError('INVALID_OPTION', {
    fn,
    argument: `options.${name}`,
    expected,
    received: describe(received),
  });
}
