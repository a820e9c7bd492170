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
  const total = x + sampleGamma(alpha, uniform);
  // Tiny α: both draws can underflow to 0; Beta(α, α) → Bernoulli(½) as α → 0.
  if (!(total > 0)) return uniform() < 0.5 ? 0 : 1;
  return x / total;
}
