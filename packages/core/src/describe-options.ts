import type { AnyLossFn, AnyLossSpec } from './define-loss.js';
import type { OptionSpec } from './options.js';

/** One loss-specific option as a UI or a docs generator sees it. */
export interface OptionDescription {
  readonly name: string;
  /** The spec's default (`undefined` when the option is off unless given). */
  readonly defaultValue: unknown;
  /** Type, range and description; `undefined` when the spec declares only a default. */
  readonly spec: OptionSpec | undefined;
}

/**
 * The loss-specific options of a loss (everything in its `defaults` or `options`), in declaration
 * order: what a form needs to offer them with their defaults and ranges.
 */
export function describeOptions(loss: AnyLossFn | AnyLossSpec): OptionDescription[] {
  const spec = 'spec' in loss ? loss.spec : loss;
  const defaults = spec.defaults as Record<string, unknown>;
  const specs = (spec.options ?? {}) as Record<string, OptionSpec | undefined>;
  const names = [...new Set([...Object.keys(defaults), ...Object.keys(specs)])];
  return names.map((name) => ({ name, defaultValue: defaults[name], spec: specs[name] }));
}
