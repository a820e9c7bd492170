/** The inputs of a classification loss: logits `[N, C]`, then class ids `[N]` or targets `[N, C]`. */
export const classificationInputs = [
  { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'unnormalised class scores' },
  {
    name: 'labels',
    dtype: 'labels',
    shape: ['N', 'C'],
    description: 'int32 class ids [N], or float32 targets [N, C] (one-hot or soft)',
  },
] as const;

/** The type of {@link classificationInputs}, for `defineLoss`'s first type parameter. */
export type ClassificationInputs = typeof classificationInputs;
