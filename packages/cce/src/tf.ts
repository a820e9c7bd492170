// The tfjs-core functions and types the main entry uses, re-exported by name. Modules write
// `import * as tf from './tf.js'` as they would tfjs-core itself; because this module is part of the
// bundle, esbuild resolves `tf.add` to a named import of tfjs-core that minifies to one letter, where a
// namespace import of the external package keeps every `tf.name` property access (about 1 KiB here).

export type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
export {
  add,
  cast,
  clipByValue,
  concat,
  dispose,
  div,
  equal,
  exp,
  expandDims,
  gather,
  getBackend,
  getKernel,
  greater,
  logSumExp,
  matMul,
  max,
  mul,
  notEqual,
  oneHot,
  pad,
  reshape,
  slice,
  square,
  stack,
  sub,
  sum,
  tanh,
  tensor1d,
  tidy,
  transpose,
  where,
  zeros,
} from '@tensorflow/tfjs-core';
