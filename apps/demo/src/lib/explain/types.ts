// What a loss card says about its loss: the formula (TeX, rendered with KaTeX), when to use it (naming the
// scenario it is meant for) and the recommended comparison that shows it. One data file per family;
// formulas are written from the packages' doc comments (the packages' READMEs have the same ones).

export interface Explanation {
  /** The loss's formula in TeX (KaTeX subset), per example unless it says otherwise. */
  readonly tex: string;
  /** One or two lines: the scenario it is meant for and what it does there. */
  readonly when: string;
  /** Id of the recommended comparison (preset) that shows it. */
  readonly preset?: string;
  /** Takes independent per-label targets (multi-hot `[N, C]`): trainable in the multi-label scenario. */
  readonly multiLabel?: true;
}

export type Explanations = Readonly<Record<string, Explanation>>;
