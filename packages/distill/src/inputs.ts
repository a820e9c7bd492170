/**
 * Input specs shared by the distillation losses. Student and teacher logits are both declared
 * float32 `['N', 'C']`, so core rejects a teacher whose shape differs from the student's.
 */
export const studentLogitsInput = {
  name: 'studentLogits',
  dtype: 'float32',
  shape: ['N', 'C'],
  description: 'student logits (trained)',
} as const;

export const teacherLogitsInput = {
  name: 'teacherLogits',
  dtype: 'float32',
  shape: ['N', 'C'],
  description: 'teacher logits (a constant: compute them outside the gradient scope)',
} as const;

export const classIdsInput = {
  name: 'labels',
  dtype: 'labels',
  shape: ['N', 'C'],
  description: 'int32 class ids [N]',
} as const;
