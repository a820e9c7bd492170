import type { OptionSpec } from '@xent/core';

// The tuple and reference-set option specs one by one. A loss lists them by name in its `options`
// (`refEmbeddings: refEmbeddingsSpec`): esbuild keeps a `/* @__PURE__ */ defineLoss({...})` whose
// argument spreads an object (`...referenceOptionSpecs`) or reads a property (`specs.refLabels`) — both
// may run getters — so such a loss lands in the bundle of every other loss of the package; plain
// identifiers let it be dropped. `tupleOptionSpecs` / `referenceOptionSpecs` are built from these.

export const indicesSpec: OptionSpec = {
  type: 'other',
  description: 'pre-mined PairIndices or TripletIndices',
};
export const minerSpec: OptionSpec = {
  type: 'other',
  plugin: 'miner',
  description: 'a Miner run on the batch',
};
export const onMinedSpec: OptionSpec = {
  type: 'other',
  plugin: 'function',
  description: 'callback receiving MiningInfo',
};
export const refEmbeddingsSpec: OptionSpec = {
  type: 'other',
  description: 'reference embeddings [M, D] (PML ref_emb)',
};
export const refLabelsSpec: OptionSpec = {
  type: 'other',
  description: 'reference labels [M] (PML ref_labels)',
};
export const positiveMaskSpec: OptionSpec = {
  type: 'other',
  description: 'custom positive-pair mask [B, M] (multi-label)',
};
export const negativeMaskSpec: OptionSpec = {
  type: 'other',
  description: 'custom negative-pair mask [B, M], with positiveMask',
};
