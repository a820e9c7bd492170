import { seededRandom } from '@xent/core';
import type { Nested } from './close.js';

/** Standard-normal samples (Box–Muller) times `scale`, as a nested array of `shape`. */
export function randomNormal(shape: readonly number[], seed = 1, scale = 1): Nested {
  const next = seededRandom(seed);
  const sample = () => {
    const u = 1 - next();
    const v = next();
    return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const build = (dims: readonly number[]): Nested =>
    dims.length === 0 ? sample() : Array.from({ length: dims[0]! }, () => build(dims.slice(1)));
  return build(shape);
}

/** `count` integers in `[0, max)`. */
export function randomInts(count: number, max: number, seed = 1): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(next() * max));
}

export { seededRandom };
