/**
 * Draws up to `count` distinct indices of `weights` without replacement, each draw proportional to
 * the remaining weights (zero-weight entries are never drawn).
 */
export function sampleWithoutReplacement(
  weights: readonly number[],
  count: number,
  next: () => number,
): number[] {
  const remaining = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  let total = remaining.reduce((a, b) => a + b, 0);
  const picked: number[] = [];
  while (picked.length < count && total > 0) {
    let target = next() * total;
    let chosen = -1;
    for (let i = 0; i < remaining.length; i++) {
      if (remaining[i]! <= 0) continue;
      chosen = i;
      target -= remaining[i]!;
      if (target < 0) break;
    }
    if (chosen < 0) break;
    picked.push(chosen);
    total -= remaining[chosen]!;
    remaining[chosen] = 0;
    if (total <= 1e-300) total = remaining.reduce((a, b) => a + b, 0);
  }
  return picked;
}
