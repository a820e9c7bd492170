/**
 * WGSL for the fused CCE kernels. All three share one logit-tile routine: a TILE × TILE tile of
 * (token, vocabulary) logits, 256 threads each holding (TILE/16)² of them, with D walked through
 * workgroup memory. Control flow around barriers depends only on uniforms (WGSL uniformity).
 */

/**
 * Tile side for a device: 64 (4 × 4 logits per thread) where workgroup memory allows (≈ 25 KB), else 32
 * (2 × 2 per thread, ≈ 13 KB, within WebGPU's 16 KB default).
 */
export function tileFor(maxWorkgroupStorageBytes: number): 32 | 64 {
  return maxWorkgroupStorageBytes >= workgroupBytes(64) ? 64 : 32;
}

function workgroupBytes(tile: number): number {
  const bk = 1024 / tile;
  return 4 * (2 * bk * (tile + 1) + tile * (tile + 1)) + 4;
}

/**
 * Columns of dE/dC each of the 256 threads accumulates: 2 when D > 256, so D ≤ 512 needs one column
 * chunk (each chunk repeats the logit recompute).
 */
export function columnsPerThread(columns: number): 1 | 2 {
  return columns > 256 ? 2 : 1;
}

// Thread (tx, ty) of the 16 × 16 workgroup owns rows ty + 16·i and columns tx + 16·j of a tile
// (interleaved, so neighbouring threads touch neighbouring workgroup-memory words); every
// workgroup-memory row is padded by one word against bank conflicts.
const common = (tile: number, hasBias: boolean) => `
const TILE : i32 = ${tile};
const R : i32 = ${tile / 16};
const BK : i32 = ${1024 / tile};
const PAD : i32 = ${tile + 1};
const LOWEST : f32 = -3.402823e38;
var<workgroup> Es : array<f32, ${(1024 / tile) * (tile + 1)}>;
var<workgroup> Cs : array<f32, ${(1024 / tile) * (tile + 1)}>;
var<workgroup> Gs : array<f32, ${tile * (tile + 1)}>;
var<workgroup> keepTile : u32;

fn capped(z : f32) -> f32 {
  if (uniforms.softcap > 0.0) { return uniforms.softcap * tanh(z / uniforms.softcap); }
  return z;
}

// This thread's R × R logits of the tile at (t0, v0), acc[i·R + j] for row ty + 16·i, column
// tx + 16·j, bias and softcap applied. D is walked in steps of BK through Es/Cs (k-major).
fn tileLogits(t0 : i32, v0 : i32) -> array<f32, ${(tile / 16) ** 2}> {
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let li = i32(localIndex);
  var acc : array<f32, ${(tile / 16) ** 2}>;
  for (var k0 = 0; k0 < uniforms.D; k0 += BK) {
    for (var q = 0; q < 4; q++) {
      let idx = li + q * 256;
      let r = idx / BK;
      let k = idx % BK;
      var ev = 0.0;
      var cv = 0.0;
      if (k0 + k < uniforms.D) {
        if (t0 + r < uniforms.N) { ev = E[(t0 + r) * uniforms.D + k0 + k]; }
        if (v0 + r < uniforms.V) { cv = C[(v0 + r) * uniforms.D + k0 + k]; }
      }
      Es[k * PAD + r] = ev;
      Cs[k * PAD + r] = cv;
    }
    workgroupBarrier();
    for (var k = 0; k < BK; k++) {
      var ev : array<f32, ${tile / 16}>;
      var cv : array<f32, ${tile / 16}>;
      for (var i = 0; i < R; i++) {
        ev[i] = Es[k * PAD + ty + 16 * i];
        cv[i] = Cs[k * PAD + tx + 16 * i];
      }
      for (var i = 0; i < R; i++) {
        for (var j = 0; j < R; j++) { acc[i * R + j] = fma(ev[i], cv[j], acc[i * R + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var j = 0; j < R; j++) {
    let col = v0 + tx + 16 * j;
    if (col < uniforms.V) {
      ${hasBias ? 'let b = B[col];' : 'let b = 0.0;'}
      for (var i = 0; i < R; i++) { acc[i * R + j] = capped(acc[i * R + j] + b); }
    }
  }
  return acc;
}
`;

/** Backward helper: turns this thread's logits into G (written to Gs) and says whether the tile matters. */
const gradientSnippet = (tile: number) => `
fn tileGradient(t0 : i32, v0 : i32, acc : array<f32, ${(tile / 16) ** 2}>) -> bool {
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  var keep = uniforms.filterEps <= 0.0;
  for (var i = 0; i < R; i++) {
    let r = ty + 16 * i;
    let row = t0 + r;
    for (var j = 0; j < R; j++) {
      let c = tx + 16 * j;
      let col = v0 + c;
      var g = 0.0;
      if (row < uniforms.N && col < uniforms.V) {
        let a = K[row * 3];
        let b = K[row * 3 + 1];
        let c = K[row * 3 + 2];
        let label = Y[row];
        let z = acc[i * R + j];
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
      Gs[r * PAD + c] = g;
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
export function forwardShader(tile: number, hasBias: boolean): string {
  return `${common(tile, hasBias)}
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
    for (var i = 0; i < R; i++) {
      for (var j = 0; j < R; j++) { Gs[(ty + 16 * i) * PAD + tx + 16 * j] = acc[i * R + j]; }
    }
    workgroupBarrier();
    let width = min(TILE, uniforms.V - v0);
    if (li < TILE && width > 0) {
      var tmax = LOWEST;
      for (var j = 0; j < width; j++) { tmax = max(tmax, Gs[li * PAD + j]); }
      var ts = 0.0;
      for (var j = 0; j < width; j++) {
        let z = Gs[li * PAD + j];
        ts = ts + exp(z - tmax);
        zsum = zsum + z;
      }
      let mm = max(m, tmax);
      s = s * exp(m - mm) + ts * exp(tmax - mm);
      m = mm;
      if (label >= v0 && label < v0 + width) { zy = Gs[li * PAD + label - v0]; }
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
 * Backward: workgroup (token tile, column chunk, vocabulary split) walks its vocabulary tiles,
 * recomputes each, forms G and, unless the tile is filtered, accumulates
 * dE[rows, column] += Σ_v G·C[v, column]. Output `[S, N, D]` partial sums (see {@link sumSplitsShader}).
 */
export function backwardEmbeddingsShader(tile: number, hasBias: boolean, perThread: number): string {
  return `${common(tile, hasBias)}${gradientSnippet(tile)}
const CPT : i32 = ${perThread};
fn main(index : i32) {
  let t0 = i32(workgroupId.x) * TILE;
  let li = i32(localIndex);
  let col0 = i32(workgroupId.y) * 256 * CPT + li;
  let split = i32(workgroupId.z);
  var dacc : array<f32, ${tile * perThread}>;
  for (var q = 0; q < uniforms.tilesPerSplit; q++) {
    let v0 = (split * uniforms.tilesPerSplit + q) * TILE;
    if (gradientTile(t0, v0)) {
      let width = min(TILE, uniforms.V - v0);
      for (var j = 0; j < width; j++) {
        for (var h = 0; h < CPT; h++) {
          let col = col0 + 256 * h;
          if (col < uniforms.D) {
            let cv = C[(v0 + j) * uniforms.D + col];
            for (var r = 0; r < TILE; r++) { dacc[h * TILE + r] = fma(Gs[r * PAD + j], cv, dacc[h * TILE + r]); }
          }
        }
      }
    }
    workgroupBarrier();
  }
  for (var h = 0; h < CPT; h++) {
    let col = col0 + 256 * h;
    if (col < uniforms.D) {
      for (var r = 0; r < TILE; r++) {
        if (t0 + r < uniforms.N) { result[(split * uniforms.N + t0 + r) * uniforms.D + col] = dacc[h * TILE + r]; }
      }
    }
  }
}
`;
}

/** Sums `[S, N, D]` partials over S: one thread per element of `[N, D]`. */
export const sumSplitsShader = `
fn main(index : i32) {
  let size = uniforms.N * uniforms.D;
  if (index >= size) { return; }
  var total = 0.0;
  for (var k = 0; k < uniforms.S; k++) { total = total + P[k * size + index]; }
  result[index] = total;
}
`;

/**
 * Backward: workgroup (vocabulary tile, column chunk) walks every token tile and accumulates
 * dC[v, column] += Σ_n G·E[n, column]; with a bias, column D holds Σ_n G. Output `[V, D (+1)]`.
 */
export function backwardClassifierShader(tile: number, hasBias: boolean, perThread: number): string {
  const cols = hasBias ? '(uniforms.D + 1)' : 'uniforms.D';
  return `${common(tile, hasBias)}${gradientSnippet(tile)}
const CPT : i32 = ${perThread};
fn main(index : i32) {
  let v0 = i32(workgroupId.x) * TILE;
  let li = i32(localIndex);
  let col0 = i32(workgroupId.y) * 256 * CPT + li;
  let cols = ${cols};
  var dacc : array<f32, ${tile * perThread}>;
  let tiles = (uniforms.N + TILE - 1) / TILE;
  for (var tt = 0; tt < tiles; tt++) {
    let t0 = tt * TILE;
    if (gradientTile(t0, v0)) {
      let height = min(TILE, uniforms.N - t0);
      for (var r = 0; r < height; r++) {
        for (var h = 0; h < CPT; h++) {
          let col = col0 + 256 * h;
          if (col < cols) {
            var ev = 1.0;
            if (col < uniforms.D) { ev = E[(t0 + r) * uniforms.D + col]; }
            for (var j = 0; j < TILE; j++) { dacc[h * TILE + j] = fma(Gs[r * PAD + j], ev, dacc[h * TILE + j]); }
          }
        }
      }
    }
    workgroupBarrier();
  }
  for (var h = 0; h < CPT; h++) {
    let col = col0 + 256 * h;
    if (col < cols) {
      for (var j = 0; j < TILE; j++) {
        if (v0 + j < uniforms.V) { result[(v0 + j) * cols + col] = dacc[h * TILE + j]; }
      }
    }
  }
}
`;
}
