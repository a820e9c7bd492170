/** A seeded PRNG (mulberry32) returning floats in [0, 1): reproducible mining without global state. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
