/**
 * Shape and flat values of a nested-array / typed-array TensorLike, checked to be rectangular
 * (tfjs checks that only in DEBUG mode: a ragged array would otherwise be read as garbage), or
 * `undefined` when the value is not rectangular nested arrays of numbers or booleans.
 */
export function readTensorLike(value: unknown): { shape: number[]; values: ArrayLike<number> } | undefined {
  if (typeof value === 'number') return { shape: [], values: [value] };
  if (typeof value === 'boolean') return { shape: [], values: [value ? 1 : 0] };
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return undefined;
    const array = value as unknown as ArrayLike<number>;
    return { shape: [array.length], values: array };
  }
  if (!Array.isArray(value)) return undefined;
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level) || ArrayBuffer.isView(level); ) {
    const array = level as ArrayLike<unknown>;
    shape.push(array.length);
    if (
      array.length === 0 ||
      !(Array.isArray(level) && (Array.isArray(array[0]) || ArrayBuffer.isView(array[0])))
    )
      break;
    level = array[0];
  }
  const values: number[] = [];
  const walk = (node: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof node === 'number') values.push(node);
      else if (typeof node === 'boolean') values.push(node ? 1 : 0);
      else return false;
      return true;
    }
    const isList = Array.isArray(node) || (ArrayBuffer.isView(node) && !(node instanceof DataView));
    if (!isList) return false;
    const list = node as ArrayLike<unknown>;
    if (list.length !== shape[depth]) return false;
    for (let i = 0; i < list.length; i++) if (!walk(list[i], depth + 1)) return false;
    return true;
  };
  return walk(value, 0) ? { shape, values } : undefined;
}

/** Smallest and largest int32. */
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** Index of the first value that is not an integer within int32, or −1. */
export function firstNonInt32(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) return i;
  }
  return -1;
}
