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
    }
  | { readonly type: 'boolean'; readonly description: string }
  | { readonly type: 'enum'; readonly description: string; readonly values: readonly string[] }
  /** Tensors, functions, objects: the loss checks these itself. */
  | { readonly type: 'other'; readonly description: string };

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}

function rangeText(spec: Extract<OptionSpec, { type: 'number' }>): string {
  const lower = spec.min === undefined ? '(-∞' : `${spec.exclusiveMin ? '(' : '['}${spec.min}`;
  const upper = spec.max === undefined ? '∞)' : `${spec.max}${spec.exclusiveMax ? ')' : ']'}`;
  return `${spec.integer ? 'an integer' : 'a number'} in ${lower}, ${upper}`;
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
      if (typeof value !== 'number' || Number.isNaN(value)) {
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
