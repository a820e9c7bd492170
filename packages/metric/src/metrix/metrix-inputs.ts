/** Inputs of the Metrix mixed losses: clean embeddings and the output of `metrixMixup`. */
export const metrixInputs = [
  { name: 'embeddings', dtype: 'float32', shape: ['B', 'D'], description: 'clean embeddings (the anchors)' },
  { name: 'mixed', dtype: 'float32', shape: ['M', 'D'], description: 'mixed embeddings' },
  { name: 'anchors', dtype: 'int32', shape: ['M'], description: 'anchor row of each mixed embedding' },
  { name: 'targets', dtype: 'float32', shape: ['M'], description: 'positivity y ∈ [0, 1]' },
] as const;
