/**
 * WGSL for the fused CCE kernels. All three share one logit-tile routine: a 32 × 32 tile of
 * (token, vocabulary) logits, 256 threads each holding 2 × 2 of them, with D walked in steps of 32
 * through workgroup memory. Control flow around barriers depends only on uniforms (WGSL uniformity).
 */

/** Tokens and vocabulary rows per tile (fixed: the shaders unroll 2 × 2 per thread of a 16 × 16 workgroup). */
export const TILE = 32;
/** Columns of dE/dC one workgroup accumulates (one per thread). */
export const COLUMNS_PER_WORKGROUP = 256;

const common = (hasBias: boolean) => `
const TILE : i32 = 32;
const BK : i32 = 32;
const LOWEST : f32 = -3.402823e38;
var<workgroup> Es : array<f32, 1024>;
var<workgroup> Cs : array<f32, 1024>;
var<workgroup> Gs : array<f32, 1024>;
var<workgroup> keepTile : u32;

fn capped(z : f32) -> f32 {
  if (uniforms.softcap > 0.0) { return uniforms.softcap * tanh(z / uniforms.softcap); }
  return z;
}

// This thread's 2 × 2 logits of the tile at (t0, v0): rows 2·ty + i, columns 2·tx + j, bias and softcap applied.
fn tileLogits(t0 : i32, v0 : i32) -> array<f32, 4> {
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let li = i32(localIndex);
  var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  for (var k0 = 0; k0 < uniforms.D; k0 += BK) {
    for (var q = 0; q < 4; q++) {
      let idx = li + q * 256;
      let r = idx / BK;
      let k = k0 + idx % BK;
      var ev = 0.0;
      var cv = 0.0;
      if (k < uniforms.D) {
        if (t0 + r < uniforms.N) { ev = E[(t0 + r) * uniforms.D + k]; }
        if (v0 + r < uniforms.V) { cv = C[(v0 + r) * uniforms.D + k]; }
      }
      Es[idx] = ev;
      Cs[idx] = cv;
    }
    workgroupBarrier();
    for (var k = 0; k < BK; k++) {
      let e0 = Es[(ty * 2) * BK + k];
      let e1 = Es[(ty * 2 + 1) * BK + k];
      let c0 = Cs[(tx * 2) * BK + k];
      let c1 = Cs[(tx * 2 + 1) * BK + k];
      acc[0] = fma(e0, c0, acc[0]);
      acc[1] = fma(e0, c1, acc[1]);
      acc[2] = fma(e1, c0, acc[2]);
      acc[3] = fma(e1, c1, acc[3]);
    }
    workgroupBarrier();
  }
  for (var j = 0; j < 2; j++) {
    let col = v0 + tx * 2 + j;
    if (col < uniforms.V) {
      ${hasBias ? 'let b = B[col];' : 'let b = 0.0;'}
      acc[j] = capped(acc[j] + b);
      acc[2 + j] = capped(acc[2 + j] + b);
    }
  }
  return acc;
}
`;

/** Backward helper: turns this thread's logits into G (written to Gs) and says whether the tile matters. */
const gradientSnippet = `
fn tileGradient(t0 : i32, v0 : i32, acc : array<f32, 4>) -> bool {
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  var keep = uniforms.filterEps <= 0.0;
  for (var i = 0; i < 2; i++) {
    let r = ty * 2 + i;
    let row = t0 + r;
    for (var j = 0; j < 2; j++) {
      let col = v0 + tx * 2 + j;
      var g = 0.0;
      if (row < uniforms.N && col < uniforms.V) {
        let a = K[row * 3];
        let b = K[row * 3 + 1];
        let c = K[row * 3 + 2];
        let label = Y[row];
        let z = acc[i * 2 + j];
        let p = exp(z - L[row]);
        let live = a != 0.0 || b != 0.0 || c != 0.0;
        if (live && (p >= uniforms.filterEps || col == label)) { keep = true; }
        g = a * p - c;
        if (col == label) { g = g - b; }
        if (uniforms.softcap > 0.0) {
          let t = z / uniforms.softcap;
          g = g * (1.0 - t * t);
        }
      }
      Gs[r * TILE + tx * 2 + j] = g;
    }
  }
  return keep;
}

// Recomputes the tile, writes G to Gs and returns (uniformly) whether any thread kept it.
fn gradientTile(t0 : i32, v0 : i32) -> bool {
  if (localIndex == 0u) { keepTile = 0u; }
  let acc = tileLogits(t0, v0);
  if (tileGradient(t0, v0, acc)) { keepTile = 1u; }
  return workgroupUniformLoad(&keepTile) != 0u;
}
`;

/**
 * Forward, pass 1: workgroup (token tile, vocabulary split) folds its vocabulary tiles into a partial
 * (max, Σexp, target logit, Σ logits) per row: output `[N, S, 4]`.
 */
export function forwardShader(hasBias: boolean): string {
  return `${common(hasBias)}
fn main(index : i32) {
  let t0 = i32(workgroupId.x) * TILE;
  let split = i32(workgroupId.y);
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let li = i32(localIndex);
  let row = t0 + li;
  var label = -1;
  if (li < TILE && row < uniforms.N) { label = Y[row]; }
  var m = LOWEST;
  var s = 0.0;
  var zy = 0.0;
  var zsum = 0.0;
  for (var q = 0; q < uniforms.tilesPerSplit; q++) {
    let v0 = (split * uniforms.tilesPerSplit + q) * TILE;
    let acc = tileLogits(t0, v0);
    for (var i = 0; i < 2; i++) {
      for (var j = 0; j < 2; j++) { Gs[(ty * 2 + i) * TILE + tx * 2 + j] = acc[i * 2 + j]; }
    }
    workgroupBarrier();
    let width = min(TILE, uniforms.V - v0);
    if (li < TILE && width > 0) {
      var tmax = LOWEST;
      for (var j = 0; j < width; j++) { tmax = max(tmax, Gs[li * TILE + j]); }
      var ts = 0.0;
      for (var j = 0; j < width; j++) {
        let z = Gs[li * TILE + j];
        ts = ts + exp(z - tmax);
        zsum = zsum + z;
      }
      let mm = max(m, tmax);
      s = s * exp(m - mm) + ts * exp(tmax - mm);
      m = mm;
      if (label >= v0 && label < v0 + width) { zy = Gs[li * TILE + label - v0]; }
    }
    workgroupBarrier();
  }
  if (li < TILE && row < uniforms.N) {
    let o = (row * uniforms.S + split) * 4;
    result[o] = m;
    result[o + 1] = s;
    result[o + 2] = zy;
    result[o + 3] = zsum;
  }
}
`;
}

/** Forward, pass 2: one thread per row merges its S partials into `[N, 4]`. */
export const combineShader = `
fn main(index : i32) {
  if (index >= uniforms.N) { return; }
  var m = -3.402823e38;
  for (var k = 0; k < uniforms.S; k++) { m = max(m, P[(index * uniforms.S + k) * 4]); }
  var s = 0.0;
  var zy = 0.0;
  var zsum = 0.0;
  for (var k = 0; k < uniforms.S; k++) {
    let o = (index * uniforms.S + k) * 4;
    s = s + P[o + 1] * exp(P[o] - m);
    zy = zy + P[o + 2];
    zsum = zsum + P[o + 3];
  }
  result[index * 4] = m;
  result[index * 4 + 1] = s;
  result[index * 4 + 2] = zy;
  result[index * 4 + 3] = zsum;
}
`;

/**
 * Backward: workgroup (token tile, column chunk) walks every vocabulary tile, recomputes it, forms G and,
 * unless the tile is filtered, accumulates dE[rows, column] += Σ_v G·C[v, column]. Output `[N, D]`.
 */
export function backwardEmbeddingsShader(hasBias: boolean): string {
  return `${common(hasBias)}${gradientSnippet}
fn main(index : i32) {
  let t0 = i32(workgroupId.x) * TILE;
  let li = i32(localIndex);
  let col = i32(workgroupId.y) * 256 + li;
  var dacc : array<f32, 32>;
  let tiles = (uniforms.V + TILE - 1) / TILE;
  for (var vt = 0; vt < tiles; vt++) {
    let v0 = vt * TILE;
    if (gradientTile(t0, v0)) {
      if (col < uniforms.D) {
        let width = min(TILE, uniforms.V - v0);
        for (var j = 0; j < width; j++) {
          let cv = C[(v0 + j) * uniforms.D + col];
          for (var r = 0; r < TILE; r++) { dacc[r] = fma(Gs[r * TILE + j], cv, dacc[r]); }
        }
      }
    }
    workgroupBarrier();
  }
  if (col < uniforms.D) {
    for (var r = 0; r < TILE; r++) {
      if (t0 + r < uniforms.N) { result[(t0 + r) * uniforms.D + col] = dacc[r]; }
    }
  }
}
`;
}

/**
 * Backward: workgroup (vocabulary tile, column chunk) walks every token tile and accumulates
 * dC[v, column] += Σ_n G·E[n, column]; with a bias, column D holds Σ_n G. Output `[V, D (+1)]`.
 */
export function backwardClassifierShader(hasBias: boolean): string {
  const cols = hasBias ? '(uniforms.D + 1)' : 'uniforms.D';
  return `${common(hasBias)}${gradientSnippet}
fn main(index : i32) {
  let v0 = i32(workgroupId.x) * TILE;
  let li = i32(localIndex);
  let col = i32(workgroupId.y) * 256 + li;
  let cols = ${cols};
  var dacc : array<f32, 32>;
  let tiles = (uniforms.N + TILE - 1) / TILE;
  for (var tt = 0; tt < tiles; tt++) {
    let t0 = tt * TILE;
    if (gradientTile(t0, v0)) {
      if (col < cols) {
        let height = min(TILE, uniforms.N - t0);
        for (var r = 0; r < height; r++) {
          var ev = 1.0;
          if (col < uniforms.D) { ev = E[(t0 + r) * uniforms.D + col]; }
          for (var j = 0; j < TILE; j++) { dacc[j] = fma(Gs[r * TILE + j], ev, dacc[j]); }
        }
      }
    }
    workgroupBarrier();
  }
  if (col < cols) {
    for (var j = 0; j < TILE; j++) {
      if (v0 + j < uniforms.V) { result[(v0 + j) * cols + col] = dacc[j]; }
    }
  }
}
`;
}
