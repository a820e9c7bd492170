import type { OptionSpec } from '@xent/core';

type Intersection<T> = (T extends unknown ? (x: T) => void : never) extends (x: infer I) => void ? I : never;

/**
 * Merges option-metadata records (left to right) into a new one. Module-level specs call it as
 * `/* @__PURE__ *\/ optionSpecs(…)` instead of writing `{ ...a, ...b }`: bundlers treat a module-level
 * object spread as a possible side effect (a getter could run) and then keep the whole loss, and with
 * it every helper it references, in every bundle that imports anything from the same chunk.
 */
export function optionSpecs<const T extends readonly Readonly<Record<string, OptionSpec>>[]>(
  ...parts: T
): Intersection<T[number]> {
  return Object.assign({}, ...parts) as Intersection<T[number]>;
}
