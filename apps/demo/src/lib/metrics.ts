// Pure evaluation metrics for the charts (no tfjs): calibration, ROC, mean average precision, nearest-neighbour
// accuracy, PCA.

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Bin range of the confidence (max softmax probability): `(lower, upper]`, the first bin includes 0. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean confidence of the bin's examples (NaN when empty). */
  readonly confidence: number;
  /** Fraction of the bin's examples whose arg-max class is the label (NaN when empty). */
  readonly accuracy: number;
}

/**
 * Reliability diagram and expected calibration error (Guo et al. 2017) with `bins` equal-width bins:
 * ECE = Σ_b (n_b / N) · |acc_b − conf_b|. `probs` is row-major `[N, C]`.
 */
export function reliability(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
  bins = 10,
): { bins: ReliabilityBin[]; ece: number; accuracy: number } {
  const n = labels.length;
  const count = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  const correctSum = new Array<number>(bins).fill(0);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++)
      if (probs[i * numClasses + c]! > probs[i * numClasses + best]!) best = c;
    const confidence = probs[i * numClasses + best]!;
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
    const hit = best === labels[i] ? 1 : 0;
    count[bin]! += 1;
    confSum[bin]! += confidence;
    correctSum[bin]! += hit;
    correct += hit;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const k = count[b]!;
    const confidence = k > 0 ? confSum[b]! / k : Number.NaN;
    const accuracy = k > 0 ? correctSum[b]! / k : Number.NaN;
    if (k > 0) ece += (k / n) * Math.abs(accuracy - confidence);
    out.push({ lower: b / bins, upper: (b + 1) / bins, count: k, confidence, accuracy });
  }
  return { bins: out, ece: n > 0 ? ece : Number.NaN, accuracy: n > 0 ? correct / n : Number.NaN };
}

/** ROC curve points (FPR, TPR) from (0, 0) to (1, 1), tied scores merged, and the trapezoidal AUC. */
export function roc(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean | number>,
): { fpr: number[]; tpr: number[]; auc: number } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) positives++;
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return { fpr: [0, 1], tpr: [0, 1], auc: Number.NaN };
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let k = 0; k < order.length; ) {
    const score = scores[order[k]!]!;
    while (k < order.length && scores[order[k]!] === score) {
      if (positive[order[k]!]) tp++;
      else fp++;
      k++;
    }
    const x = fp / negatives;
    const y = tp / positives;
    auc += ((x - fpr[fpr.length - 1]!) * (y + tpr[tpr.length - 1]!)) / 2;
    fpr.push(x);
    tpr.push(y);
  }
  return { fpr, tpr, auc };
}

/** Leave-one-out 1-nearest-neighbour accuracy (squared Euclidean) of `[N, D]` row-major embeddings. */
export function nearestNeighbourAccuracy(
  embeddings: ArrayLike<number>,
  labels: ArrayLike<number>,
  dim: number,
) {
  const n = labels.length;
  if (n < 2) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let d = 0;
      for (let k = 0; k < dim; k++) {
        const diff = embeddings[i * dim + k]! - embeddings[j * dim + k]!;
        d += diff * diff;
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    }
    if (labels[best] === labels[i]) correct++;
  }
  return correct / n;
}

/** Projects `[N, D]` row-major points on their first two principal components (power iteration). */
export function pca2(points: ArrayLike<number>, n: number, dim: number): Float64Array {
  const out = new Float64Array(n * 2);
  if (n === 0) return out;
  if (dim <= 2) {
    for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) out[i * 2 + k] = points[i * dim + k]!;
    return out;
  }
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k]! += points[i * dim + k]! / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = points[i * dim + a]! - mean[a]!;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += (da * (points[i * dim + b]! - mean[b]!)) / n;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]!;
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(dim).map((_, k) => 1 + ((k * 7 + c * 3) % 5) / 10);
    for (let iter = 0; iter < 100; iter++) {
      const next = new Float64Array(dim);
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) next[a]! += cov[a * dim + b]! * v[b]!;
      for (const previous of components) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += next[k]! * previous[k]!;
        for (let k = 0; k < dim; k++) next[k]! -= dot * previous[k]!;
      }
      const norm = Math.hypot(...next) || 1;
      v = next.map((x) => x / norm);
    }
    components.push(v);
  }
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (points[i * dim + k]! - mean[k]!) * components[c]![k]!;
      out[i * 2 + c] = s;
    }
  }
  return out;
}

/**
 * Mean average precision of a retrieval: `scores` and `relevant` row-major `[queries, docs]`; each query's
 * docs ranked by score (ties in doc order), AP = mean precision at the rank of each relevant doc; queries
 * without a relevant doc are skipped (NaN when none has one).
 */
export function meanAveragePrecision(
  scores: ArrayLike<number>,
  relevant: ArrayLike<number | boolean>,
  queries: number,
  docs: number,
): number {
  let sum = 0;
  let counted = 0;
  for (let i = 0; i < queries; i++) {
    const order = Array.from({ length: docs }, (_, j) => j).sort(
      (a, b) => scores[i * docs + b]! - scores[i * docs + a]! || a - b,
    );
    let hits = 0;
    let precisionSum = 0;
    order.forEach((j, rank) => {
      if (relevant[i * docs + j]) {
        hits++;
        precisionSum += hits / (rank + 1);
      }
    });
    if (hits > 0) {
      sum += precisionSum / hits;
      counted++;
    }
  }
  return counted ? sum / counted : Number.NaN;
}
