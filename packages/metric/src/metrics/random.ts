/** Seeded uniform [0, 1) generator (mulberry32). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 via the boost u^{1/shape}). */
function sampleGamma(shape: number, uniform: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, uniform) * (1 - uniform()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(uniform);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(α, α) sample. */
export function sampleBeta(alpha: number, uniform: () => number): number {
  const x = sampleGamma(alpha, uniform);
  return x / (x + sampleGamma(alpha, uniform));
}
