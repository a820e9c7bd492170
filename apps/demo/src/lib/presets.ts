// "Recommended comparison" presets (a full configuration each, in the URL's own terms) and what each loss
// is meant for, shown on its card. Settings were chosen by running them: see the README's scenario table.
import type { Family } from './adapters.js';

export interface Preset {
  readonly id: string;
  readonly title: string;
  /** What the visitor should see when it has run. */
  readonly expect: string;
  /** URL parameters of the configuration (see `state.ts`). */
  readonly params: Readonly<Record<string, string>>;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'noise40',
    title: 'CE vs GCE vs NCE+RCE at 40 % label noise',
    expect:
      '40 % of 1,000 training labels are wrong. Cross-entropy fits them and its test accuracy falls after its early peak; GCE and NCE+RCE (bounded losses) end 12–15 points higher.',
    params: {
      family: 'classification',
      dataset: 'mnist',
      losses: 'crossEntropyLoss,gceLoss,activePassiveLoss',
      noise: '0.4',
      noiseKind: 'symmetric',
      trainSize: '1000',
      steps: '120',
      batch: '64',
      lr: '0.01',
      evalEvery: '20',
    },
  },
  {
    id: 'calibration',
    title: 'Calibration: focal and dual focal vs CE (ECE)',
    expect:
      'On 300 training rows cross-entropy grows over-confident: its expected calibration error (ECE) ends near 0.09 at the same accuracy, while focal (γ = 3) and dual focal end near 0.02–0.03. Compare the ECE chart and the reliability diagrams.',
    params: {
      family: 'classification',
      dataset: 'mnist',
      losses: 'crossEntropyLoss,focalLoss,dualFocalLoss',
      'o.focalLoss.gamma': '3',
      trainSize: '300',
      steps: '150',
      batch: '64',
      lr: '0.01',
      evalEvery: '15',
    },
  },
  {
    id: 'imbalance',
    title: 'Class imbalance: CE vs focal vs poly-1 (long tail ρ = 50)',
    expect:
      'Digit 0 keeps all its training rows, digit 9 one fiftieth. The test set is balanced, so test accuracy is balanced accuracy; the “tail classes acc” column (digits 5–9) shows the cost of the long tail — well below the head for every loss. Measured: poly-1 81 % (tail 67 %), CE 78 % (tail 62 %), focal 77 % (tail 57 %) with a calibration error less than half of CE’s.',
    params: {
      family: 'classification',
      dataset: 'mnist',
      losses: 'crossEntropyLoss,focalLoss,polyLoss',
      imbalance: '50',
      steps: '200',
      batch: '64',
      lr: '0.005',
      evalEvery: '20',
    },
  },
  {
    id: 'openset',
    title: 'Open-set metric learning: triplet vs proxy anchor vs multi-similarity (unseen classes)',
    expect:
      'Trained on digits 0–4 and evaluated by 1-NN on digits 5–9, which no loss saw: the score is how well the embedding generalises to new classes. Here proxy anchor ends near 79 %, multi-similarity near 77 % and triplet near 74 %.',
    params: {
      family: 'metric',
      dataset: 'mnist',
      losses: 'tripletMarginLoss,proxyAnchorLoss,multiSimilarityLoss',
      openSet: '1',
      steps: '150',
      batch: '64',
      lr: '0.005',
      evalEvery: '15',
    },
  },
  {
    id: 'duplicates',
    title: 'Retrieval with duplicate docs: InfoNCE vs debiased contrastive vs MW',
    expect:
      'Half of the batch pairs repeat the previous pair’s doc, so an identical doc sits among each query’s negatives. Measured against the same run without duplicates (set duplicate docs to 0): InfoNCE loses about 1 point of recall@1 (89 → 88 %), debiased contrastive about 2 (89 → 87 %), MW about 13 (92 → 79 %) — the loss that wins on clean batches depends most on distinct docs.',
    params: {
      family: 'retrieval',
      dataset: 'mnist',
      losses: 'infoNceLoss,debiasedContrastiveLoss,mwLoss',
      duplicates: '0.5',
      steps: '150',
      batch: '64',
      lr: '0.005',
      evalEvery: '15',
    },
  },
];

/** What a loss is meant for (the scenario that shows it) and the preset that loads it. */
export interface Purpose {
  readonly scenario: string;
  readonly preset?: string;
}

const NOISE: Purpose = { scenario: 'label noise', preset: 'noise40' };

/** Per loss name: the scenario it is for. Losses not listed are general-purpose. */
export const PURPOSES: Readonly<Record<string, Purpose>> = {
  crossEntropyLoss: { scenario: 'the baseline for every scenario', preset: 'noise40' },
  gceLoss: NOISE,
  activePassiveLoss: NOISE,
  normalizedCrossEntropyLoss: NOISE,
  reverseCrossEntropyLoss: NOISE,
  maeLoss: NOISE,
  compSumLoss: NOISE,
  ldrKlLoss: NOISE,
  aldrKlLoss: NOISE,
  errorNormTruncation: NOISE,
  focalLoss: { scenario: 'calibration and class imbalance', preset: 'calibration' },
  dualFocalLoss: { scenario: 'calibration (ECE)', preset: 'calibration' },
  polyLoss: { scenario: 'calibration and easy/hard re-weighting', preset: 'calibration' },
  maxSupLoss: { scenario: 'calibration (label smoothing without collapse)', preset: 'calibration' },
  squentropyLoss: { scenario: 'calibration (ECE)', preset: 'calibration' },
  selfAdjustingDiceLoss: {
    scenario: 'class imbalance (NLP tagging; here it does not train at the preset lr)',
  },
  asymmetricLoss: { scenario: 'multi-label and imbalance (many easy negatives)', preset: 'imbalance' },
  zLoss: { scenario: 'logit-drift control (large vocabularies)' },
  passAtNLoss: { scenario: 'pass@N sampling (stops sharpening)' },
  anyLoss: { scenario: 'optimising a confusion-matrix metric (binary)' },
  tripletMarginLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  proxyAnchorLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  multiSimilarityLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  metrixMultiSimilarityLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  circleLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  contrastiveLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  supConLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  ntXentLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  marginLoss: { scenario: 'open-set metric learning', preset: 'openset' },
  infoNceLoss: { scenario: 'retrieval (baseline; hurt by false negatives)', preset: 'duplicates' },
  debiasedContrastiveLoss: { scenario: 'retrieval with false negatives', preset: 'duplicates' },
  mwLoss: {
    scenario: 'retrieval with many relevant docs per query (needs distinct docs)',
    preset: 'duplicates',
  },
  decoupledContrastiveLoss: { scenario: 'retrieval with small batches', preset: 'duplicates' },
  sigmoidLoss: { scenario: 'retrieval with many positives (pairwise sigmoid)', preset: 'duplicates' },
  softTopKLoss: { scenario: 'multi-positive retrieval (top-k)', preset: 'duplicates' },
  decoupledSoftmaxLoss: { scenario: 'multi-positive retrieval', preset: 'duplicates' },
  kdLoss: { scenario: 'distillation from a strong teacher' },
  dkdLoss: { scenario: 'distillation (target / non-target split)' },
  distLoss: { scenario: 'distillation from a much stronger teacher' },
};

export function presetById(id: string | null | undefined): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The presets of a family (for the preset picker's groups). */
export function presetsOf(family: Family): Preset[] {
  return PRESETS.filter((p) => p.params.family === family);
}
