import { XentError } from '@xent/core';

/** log Γ(x) for x > 0 (Lanczos, g = 7; ~15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const logFactorial = (n: number) => logGamma(n + 1);

function counts(values: ArrayLike<number>): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < values.length; i++) map.set(values[i]!, (map.get(values[i]!) ?? 0) + 1);
  return map;
}

function entropyOf(sizes: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of sizes) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/**
 * Adjusted mutual information of two labelings (Vinh, Epps & Bailey 2010), with scikit-learn's
 * default arithmetic normalisation: AMI = (MI − E[MI]) / ((H(a) + H(b))/2 − E[MI]), E[MI] under the
 * hypergeometric model of random labelings with the same cluster sizes. 1 for identical partitions
 * (up to renaming), ≈ 0 for independent ones, can be negative.
 */
export function adjustedMutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const fn = 'adjustedMutualInformation';
  const n = a.length;
  if (b.length !== n)
    throw new XentError('SHAPE_MISMATCH', {
      fn,
      argument: 'b',
      expected: `${n} labels (as many as a)`,
      received: `${b.length}`,
    });
  for (const [argument, labels] of [
    ['a', a],
    ['b', b],
  ] as const) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (!(Number.isInteger(label) && Math.abs(label) <= 2 ** 31 - 1))
        throw new XentError('DTYPE_MISMATCH', {
          fn,
          argument,
          expected: 'integer class ids within int32',
          received: `${label} at [${i}]`,
        });
    }
  }
  const ca = counts(a);
  const cb = counts(b);
  if ((ca.size === 1 && cb.size === 1) || (ca.size === n && cb.size === n) || n === 0) return 1;
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) joint.set(`${a[i]},${b[i]}`, (joint.get(`${a[i]},${b[i]}`) ?? 0) + 1);
  let mutual = 0;
  for (const [key, nij] of joint) {
    const [x, z] = key.split(',').map(Number) as [number, number];
    mutual += (nij / n) * Math.log((n * nij) / (ca.get(x)! * cb.get(z)!));
  }
  let expected = 0;
  const lfN = logFactorial(n);
  for (const ai of ca.values())
    for (const bj of cb.values()) {
      const base = logFactorial(ai) + logFactorial(bj) + logFactorial(n - ai) + logFactorial(n - bj) - lfN;
      for (let nij = Math.max(1, ai + bj - n); nij <= Math.min(ai, bj); nij++) {
        const logP =
          base -
          logFactorial(nij) -
          logFactorial(ai - nij) -
          logFactorial(bj - nij) -
          logFactorial(n - ai - bj + nij);
        expected += (nij / n) * Math.log((n * nij) / (ai * bj)) * Math.exp(logP);
      }
    }
  const normalizer = (entropyOf(ca.values(), n) + entropyOf(cb.values(), n)) / 2;
  let denominator = normalizer - expected;
  const eps = Number.EPSILON;
  denominator = denominator < 0 ? Math.min(denominator, -eps) : Math.max(denominator, eps);
  return (mutual - expected) / denominator;
}
