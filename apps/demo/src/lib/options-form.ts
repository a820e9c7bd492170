// Builds a loss's option form from its spec (`defaults` + `options` metadata) and reads values back.
import type { AnyLossSpec, OptionSpec } from '@xent/core';

/** Options every loss takes that the playground sets itself (training needs a mean scalar). */
const MANAGED = new Set(['reduction', 'weights', 'validate', 'ignoreIndex']);

/** One form field. `value` is the spec's default (undefined when it has none). */
export type OptionField =
  | {
      readonly name: string;
      readonly kind: 'number';
      readonly description: string;
      readonly value: number | undefined;
      readonly min?: number;
      readonly max?: number;
      readonly exclusiveMin?: boolean;
      readonly exclusiveMax?: boolean;
      readonly integer?: boolean;
    }
  | { readonly name: string; readonly kind: 'boolean'; readonly description: string; readonly value: boolean }
  | {
      readonly name: string;
      readonly kind: 'enum';
      readonly description: string;
      readonly value: string | undefined;
      readonly values: readonly string[];
    };

function fromSpec(name: string, option: OptionSpec, fallback: unknown): OptionField | undefined {
  switch (option.type) {
    case 'number':
      return {
        name,
        kind: 'number',
        description: option.description,
        value: typeof fallback === 'number' ? fallback : undefined,
        ...(option.min === undefined ? {} : { min: option.min }),
        ...(option.max === undefined ? {} : { max: option.max }),
        ...(option.exclusiveMin ? { exclusiveMin: true } : {}),
        ...(option.exclusiveMax ? { exclusiveMax: true } : {}),
        ...(option.integer ? { integer: true } : {}),
      };
    case 'boolean':
      return { name, kind: 'boolean', description: option.description, value: fallback === true };
    case 'enum':
      return {
        name,
        kind: 'enum',
        description: option.description,
        value: typeof fallback === 'string' ? fallback : undefined,
        values: option.values,
      };
    case 'other':
      // Tensors and functions are left out; a plain number or boolean default can still be edited.
      if (typeof fallback === 'number')
        return { name, kind: 'number', description: option.description, value: fallback };
      if (typeof fallback === 'boolean')
        return { name, kind: 'boolean', description: option.description, value: fallback };
      return undefined;
  }
}

/**
 * The editable options of a loss: every `options` entry except `'other'` ones (tensors, functions) without
 * a number or boolean default, then
 * `defaults` entries without metadata whose default is a number or boolean. Common options (reduction,
 * weights, validate, ignoreIndex) are left to the playground.
 */
export function optionFields(spec: Pick<AnyLossSpec, 'defaults' | 'options'>): OptionField[] {
  const fields: OptionField[] = [];
  const seen = new Set<string>();
  const defaults = spec.defaults as Readonly<Record<string, unknown>>;
  const options = (spec.options ?? {}) as Readonly<Record<string, OptionSpec | undefined>>;
  for (const [name, option] of Object.entries(options)) {
    seen.add(name);
    if (!option || MANAGED.has(name)) continue;
    const field = fromSpec(name, option, defaults[name]);
    if (field) fields.push(field);
  }
  for (const [name, value] of Object.entries(defaults)) {
    if (seen.has(name) || MANAGED.has(name)) continue;
    if (typeof value === 'number') fields.push({ name, kind: 'number', description: '', value });
    else if (typeof value === 'boolean') fields.push({ name, kind: 'boolean', description: '', value });
  }
  return fields;
}

/** Human range of a number field: `[0, ∞)`, `(0, 1]`, integer marked. */
export function rangeLabel(field: Extract<OptionField, { kind: 'number' }>): string {
  if (field.min === undefined && field.max === undefined) return field.integer ? 'integer' : '';
  const lower = field.min === undefined ? '(−∞' : `${field.exclusiveMin ? '(' : '['}${field.min}`;
  const upper = field.max === undefined ? '∞)' : `${field.max}${field.exclusiveMax ? ')' : ']'}`;
  return `${field.integer ? 'integer ' : ''}${lower}, ${upper}`;
}

/**
 * Turns raw form values (strings from inputs, booleans from checkboxes) into a loss options object.
 * Empty number inputs are left out (the loss's default applies); anything else is passed through as typed
 * so the loss itself rejects out-of-range values with its XentError.
 */
export function readOptions(
  fields: readonly OptionField[],
  raw: Readonly<Record<string, string | boolean | undefined>>,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const field of fields) {
    const value = raw[field.name];
    if (value === undefined) continue;
    if (field.kind === 'number') {
      const text = String(value).trim();
      if (text !== '') options[field.name] = Number(text);
    } else if (field.kind === 'boolean') {
      options[field.name] = value === true || value === 'true';
    } else if (value !== '') {
      options[field.name] = String(value);
    }
  }
  return options;
}
