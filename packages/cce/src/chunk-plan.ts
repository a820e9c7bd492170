/**
 * Block sizes of the chunked path, from the problem's shape. Every default keeps the tfjs tensors the
 * path allocates at a fixed budget, independent of N and V:
 *
 * - a logit tile `[tokenBlock, vocabBlock]` holds at most {@link TILE_BUDGET} floats (1 MiB), so the few
 *   tiles alive at a time stay far below one `N × V` logits tensor;
 * - a classifier block `[vocabBlock, D]` (and its transpose) at most {@link CLASSIFIER_BLOCK_BUDGET}
 *   floats (4 MiB), so a large D does not turn a wide vocabulary block into a copy of C.
 *
 * Within those budgets blocks are as large as possible: per block the path runs ~40 tfjs ops, whose
 * fixed cost (~10–50 µs each on wasm) dominated small batches with the former fixed 512-row blocks
 * (N = 16, V = 256,000: 500 blocks; now 16 at D = 64).
 */
export interface ChunkPlan {
  readonly tokenBlock: number;
  readonly vocabBlock: number;
  /** `[start, end)` of each token block. */
  readonly tokenBlocks: ReadonlyArray<readonly [number, number]>;
  /** `[start, end)` of each vocabulary block. */
  readonly vocabBlocks: ReadonlyArray<readonly [number, number]>;
}

/** Floats in one `[tokens × vocab]` logit tile (1 MiB of float32). */
export const TILE_BUDGET = 2 ** 18;
/** Floats in one `[vocab, D]` classifier block (4 MiB of float32). */
export const CLASSIFIER_BLOCK_BUDGET = 2 ** 20;
/** Token rows per tile: larger batches are cut in blocks of this many rows. */
export const MAX_TOKEN_BLOCK = 2048;
/** Narrowest vocabulary block the defaults choose (a smaller one only when V itself is smaller). */
export const MIN_VOCAB_BLOCK = 32;

/**
 * The blocks for `N` tokens, `V` classes, `D` features; explicit `tokenBlock` / `vocabBlock` options
 * win (each clamped to its dimension).
 */
export function chunkPlan(
  n: number,
  v: number,
  d: number,
  requested: { readonly tokenBlock?: number | undefined; readonly vocabBlock?: number | undefined } = {},
): ChunkPlan {
  const tokenBlock = Math.min(n, requested.tokenBlock ?? MAX_TOKEN_BLOCK);
  const fit = Math.min(Math.floor(TILE_BUDGET / tokenBlock), Math.floor(CLASSIFIER_BLOCK_BUDGET / d));
  const vocabBlock = Math.min(v, requested.vocabBlock ?? Math.max(MIN_VOCAB_BLOCK, fit));
  return { tokenBlock, vocabBlock, tokenBlocks: blocks(n, tokenBlock), vocabBlocks: blocks(v, vocabBlock) };
}

/** `[start, end)` ranges covering `[0, total)` in steps of `size`. */
export function blocks(total: number, size: number): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let start = 0; start < total; start += size) out.push([start, Math.min(total, start + size)]);
  return out;
}
