/** The `(logits [N, C], labels)` inputs most classification losses of this package take. */
export const LOGITS_AND_LABELS = [
  { name: 'logits', dtype: 'float32', shape: ['N', 'C'], description: 'unnormalised class scores' },
  {
    name: 'labels',
    dtype: 'labels',
    shape: ['N', 'C'],
    description: 'int32 class ids [N] or float32 targets [N, C] (one-hot or soft)',
  },
] as const;

/** The type of {@link LOGITS_AND_LABELS}, for `defineLoss` generics. */
export type LogitsAndLabels = typeof LOGITS_AND_LABELS;
