// "Recommended comparison" presets (a full configuration each, in the URL's own terms). What each loss is
// meant for, and which preset shows it, is in `explain/`. Settings were chosen by running them: see the
// README's scenario table.
import type { Family } from './adapters.js';
import { explanationOf } from './explain/index.js';

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
    title: 'Retrieval with duplicate docs: InfoNCE vs duplicate-aware InfoNCE vs debiased contrastive',
    expect:
      'Half of the batch pairs repeat the previous pair’s doc, so an identical doc sits among each query’s negatives. Plain InfoNCE counts it as a negative; the duplicate-aware variant is given the batch’s doc ids and leaves it out; debiased contrastive corrects for an expected share of false negatives (same-class docs, ≈ 1 in 10 here). Compare the mAP and AUC columns (every same-class doc is relevant; recall@1 of 150 queries moves by a query or two): measured mAP InfoNCE 77.9 %, duplicate-aware 79.3 % (ahead on seeds 1 and 2 too), debiased 82.7 %. An identical doc scores exactly as the positive, so it only blunts InfoNCE’s gradient; the same-class docs cost more — set the variant’s batchIds to “classes” to mask them too (80.9 %).',
    params: {
      family: 'retrieval',
      dataset: 'mnist',
      losses: 'infoNceLoss,infoNceLossDuplicateAware,debiasedContrastiveLoss',
      duplicates: '0.5',
      steps: '150',
      batch: '64',
      lr: '0.005',
      evalEvery: '15',
    },
  },
  {
    id: 'multilabel',
    title: 'Multi-label: binary CE vs binary focal vs asymmetric vs AnyLoss (14 labels per digit)',
    expect:
      'Each digit carries 14 binary labels (≥ 5, even, closed loop, prime, is 0 … is 9), so most labels of a row are easy negatives; 1,000 training rows. Scored by mean average precision over the labels (the table adds macro F1 at ½). Measured: asymmetric 93.2 % mAP, binary focal 92.2 %, binary CE 91.2 % (and the best calibrated, ECE 0.003); AnyLoss, which optimises F1 over the whole batch, trails at 74 % mAP / 67 % F1 — its amplified sigmoid gives little gradient this early.',
    params: {
      family: 'classification',
      dataset: 'mnist',
      losses: 'binaryCrossEntropyLoss,binaryFocalLoss,asymmetricLoss,anyLoss',
      multiLabel: '1',
      trainSize: '1000',
      steps: '150',
      batch: '64',
      lr: '0.005',
      evalEvery: '15',
    },
  },
  {
    id: 'teacher',
    title: 'Distillation from a weak teacher (stopped at 75 %): KD vs DKD vs DIST',
    expect:
      'The teacher (the same wider MLP) stops at its first check that reaches 75 % test accuracy — 76.1 % after 10 steps, instead of 93.4 % after 300. Each student ends near its teacher: KD 75.6 %, DKD 76.4 %, DIST 74.9 % (best 77.5 % at step 75). With the full teacher (set “teacher stops at acc %” to 0) the same students reach 91.2 %, 89.8 % and 90.8 %: distillation passes the teacher’s strength on, whichever loss carries it.',
    params: {
      family: 'distillation',
      dataset: 'mnist',
      losses: 'kdLoss,dkdLoss,distLoss',
      teacherAccuracy: '0.75',
      steps: '150',
      batch: '64',
      lr: '0.005',
      evalEvery: '15',
    },
  },
];

/**
 * Whether a loss can train on the multi-label task: its plan feeds binary (flattened) targets, or it is
 * marked as taking independent per-label targets. Softmax losses would read multi-hot rows as one
 * distribution, so they are left out of that scenario.
 */
export function multiLabelReady(name: string, roles: readonly string[]): boolean {
  return roles.includes('binaryTargets') || explanationOf(name)?.multiLabel === true;
}

export function presetById(id: string | null | undefined): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The presets of a family (for the preset picker's groups). */
export function presetsOf(family: Family): Preset[] {
  return PRESETS.filter((p) => p.params.family === family);
}
