import type { OptionSpec } from './options.js';

// Specs of the options every loss shares, for `defineLoss` and for functions that resolve their options
// with `resolveOptions` (one definition, one message).

/** `reduction`: `'none' | 'sum' | 'mean'`. */
export const REDUCTION_OPTION: OptionSpec = {
  type: 'enum',
  values: ['none', 'sum', 'mean'],
  description: 'how per-example losses are combined',
};

/** `validate`: whether data checks (targets, finiteness) run. */
export const VALIDATE_OPTION: OptionSpec = { type: 'boolean', description: 'run the data checks' };

/** A tensor-valued option, which the function checks where it reads the tensor. */
export const TENSOR_OPTION: OptionSpec = { type: 'other', description: 'a tensor' };

/** `ignoreIndex`: the integer target id whose examples are ignored. */
export const IGNORE_INDEX_OPTION: OptionSpec = {
  type: 'number',
  integer: true,
  description: 'target id of ignored examples',
};
