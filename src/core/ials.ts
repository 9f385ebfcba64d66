/**
 * Implicit alternating least squares in the formulation of Rendle, Krichene, Zhang & Koren,
 * "Revisiting the Performance of iALS on Item Recommendation Benchmarks" (RecSys 2022):
 *
 *   L(W, H) = Σ_{(u,i) observed} (1 − ⟨w_u, h_i⟩)²  +  α0 Σ_u Σ_i ⟨w_u, h_i⟩²
 *           + λ ( Σ_u (|I_u| + α0·n_items)^ν ‖w_u‖²  +  Σ_i (|U_i| + α0·n_users)^ν ‖h_i‖² )
 *
 * With H fixed, each w_u has the closed form
 *   w_u = (Σ_{i∈I_u} h_i h_iᵀ + α0·HᵀH + λ_u·I)⁻¹ Σ_{i∈I_u} h_i,
 * where the Gram matrix HᵀH is computed once per half-epoch (the "Gram trick"), so a row costs
 * O(|I_u|·d² + d³) rather than O(n·d²). Rows are solved exactly by Cholesky (default) or
 * approximately by a few warm-started conjugate-gradient steps (`cgSteps`). Pure TypeScript.
 */
import { createRng } from './random';

/** Hyper-parameters of `trainIALS`. */
export interface IALSOptions {
  dim: number;
  /** Weight of the unobserved (all-items) term. */
  alpha0: number;
  /** Regularisation; scaled per row by (count + α0·n_other)^ν. */
  lambda: number;
  /** Frequency-scaling exponent of the regularisation (1 in the paper's tuned runs). */
  nu: number;
  epochs: number;
  seed: number;
  /** 0 or absent: exact Cholesky solves. k > 0: k warm-started CG steps per row instead. */
  cgSteps?: number;
  /** Standard deviation of the initial item factors is initStd/√dim (paper: 0.1). */
  initStd?: number;
  /** Called after each epoch (1-based), e.g. for progress or validation. */
  onEpoch?: (epoch: number, state: { itemFactors: Float64Array; userFactors: Float64Array; seconds: number }) => void;
}

/** Trained factors, row-major: user u's factor is userFactors[u*d .. u*d+d). */
export interface IALSModel {
  dim: number;
  itemFactors: Float32Array;
  userFactors: Float32Array;
}

/** Options of `foldInUser`: the hyper-parameters the item factors were trained with. */
export interface FoldInOptions {
  alpha0: number;
  lambda: number;
  nu: number;
  /** Embedding size; default √(gram.length). */
  dim?: number;
  /** Number of items in the regularisation term; default itemFactors.length / dim. */
  nItems?: number;
}

type Matrix = Float32Array | Float64Array;

/** Compressed rows: row r's columns are idx[ptr[r] .. ptr[r+1]). */
interface Csr {
  ptr: Int32Array;
  idx: Int32Array;
}

function buildCsr(rows: ArrayLike<ArrayLike<number>>, nRows: number): Csr {
  const ptr = new Int32Array(nRows + 1);
  for (let r = 0; r < nRows; r++) ptr[r + 1] = ptr[r] + (rows[r]?.length ?? 0);
  const idx = new Int32Array(ptr[nRows]);
  for (let r = 0; r < nRows; r++) {
    const row = rows[r];
    if (row) for (let k = 0; k < row.length; k++) idx[ptr[r] + k] = row[k];
  }
  return { ptr, idx };
}

function transposeCsr(m: Csr, nRows: number, nCols: number): Csr {
  const ptr = new Int32Array(nCols + 1);
  for (let k = 0; k < m.idx.length; k++) ptr[m.idx[k] + 1]++;
  for (let c = 0; c < nCols; c++) ptr[c + 1] += ptr[c];
  const fill = ptr.slice(0, nCols);
  const idx = new Int32Array(m.idx.length);
  for (let r = 0; r < nRows; r++) {
    for (let k = m.ptr[r]; k < m.ptr[r + 1]; k++) idx[fill[m.idx[k]]++] = r;
  }
  return { ptr, idx };
}

/** VᵀV of an n×d row-major matrix, accumulated in double precision. */
export function gramMatrix64(v: Matrix, n: number, d: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const vi = v[o + i];
      if (vi === 0) continue;
      const gi = i * d;
      for (let k = 0; k <= i; k++) g[gi + k] += vi * v[o + k];
    }
  }
  for (let i = 0; i < d; i++) for (let k = 0; k < i; k++) g[k * d + i] = g[i * d + k];
  return g;
}

/**
 * Solves A x = b in place for symmetric positive-definite A (only the lower triangle is read;
 * it is overwritten by the Cholesky factor L). `b` receives x.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    const jd = j * d;
    let s = a[jd + j];
    for (let k = 0; k < j; k++) s -= a[jd + k] * a[jd + k];
    if (!(s > 0)) throw new Error(`choleskySolve: matrix is not positive definite (pivot ${j} = ${s})`);
    const l = Math.sqrt(s);
    a[jd + j] = l;
    const inv = 1 / l;
    for (let i = j + 1; i < d; i++) {
      const id = i * d;
      let t = a[id + j];
      for (let k = 0; k < j; k++) t -= a[id + k] * a[jd + k];
      a[id + j] = t * inv;
    }
  }
  // L z = b, then Lᵀ x = z.
  for (let i = 0; i < d; i++) {
    const id = i * d;
    let t = b[i];
    for (let k = 0; k < i; k++) t -= a[id + k] * b[k];
    b[i] = t / a[id + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let t = b[i];
    for (let k = i + 1; k < d; k++) t -= a[k * d + i] * b[k];
    b[i] = t / a[i * d + i];
  }
}

/** Scratch buffers for one row solve, reused across rows. */
interface Scratch {
  a: Float64Array;
  b: Float64Array;
  r: Float64Array;
  p: Float64Array;
  ap: Float64Array;
}

const makeScratch = (d: number): Scratch => ({
  a: new Float64Array(d * d), b: new Float64Array(d), r: new Float64Array(d), p: new Float64Array(d), ap: new Float64Array(d),
});

/**
 * Exact solve of one row: x = (Σ c_k y_k y_kᵀ + α0·G + reg·I)⁻¹ Σ c_k y_k, with y_k the rows
 * `cols[from..to)` of `other` and c_k = weights?.[k - from] ?? 1. Writes x to out[outOffset..].
 */
function solveRowExact(
  other: Matrix, g: Float64Array, alpha0: number, reg: number, d: number,
  cols: ArrayLike<number>, from: number, to: number, weights: ArrayLike<number> | undefined,
  out: Matrix, outOffset: number, s: Scratch,
): void {
  const { a, b } = s;
  for (let i = 0; i < d; i++) {
    const id = i * d;
    for (let k = 0; k <= i; k++) a[id + k] = alpha0 * g[id + k];
    a[id + i] += reg;
    b[i] = 0;
  }
  for (let k = from; k < to; k++) {
    const o = cols[k] * d;
    const c = weights ? weights[k - from] : 1;
    for (let i = 0; i < d; i++) {
      const yi = c * other[o + i];
      b[i] += yi;
      const id = i * d;
      for (let j = 0; j <= i; j++) a[id + j] += yi * other[o + j];
    }
  }
  choleskySolve(a, b, d);
  for (let i = 0; i < d; i++) out[outOffset + i] = b[i];
}

/** A few conjugate-gradient steps on the same system, warm-started from out's current row. */
function solveRowCg(
  other: Matrix, g: Float64Array, alpha0: number, reg: number, d: number,
  cols: ArrayLike<number>, from: number, to: number, steps: number,
  out: Float64Array, outOffset: number, s: Scratch,
): void {
  const { r, p, ap } = s;
  const x = out.subarray(outOffset, outOffset + d);
  // r = b − A x, with A x = α0·G x + reg·x + Σ y (yᵀx).
  applyA(other, g, alpha0, reg, d, cols, from, to, x, r);
  for (let i = 0; i < d; i++) r[i] = -r[i];
  for (let k = from; k < to; k++) {
    const o = cols[k] * d;
    for (let i = 0; i < d; i++) r[i] += other[o + i];
  }
  let rr = 0;
  for (let i = 0; i < d; i++) { p[i] = r[i]; rr += r[i] * r[i]; }
  for (let step = 0; step < steps && rr > 1e-20; step++) {
    applyA(other, g, alpha0, reg, d, cols, from, to, p, ap);
    let pap = 0;
    for (let i = 0; i < d; i++) pap += p[i] * ap[i];
    const alpha = rr / pap;
    let rrNew = 0;
    for (let i = 0; i < d; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
      rrNew += r[i] * r[i];
    }
    const beta = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < d; i++) p[i] = r[i] + beta * p[i];
  }
}

function applyA(
  other: Matrix, g: Float64Array, alpha0: number, reg: number, d: number,
  cols: ArrayLike<number>, from: number, to: number, v: Float64Array, out: Float64Array,
): void {
  for (let i = 0; i < d; i++) {
    const id = i * d;
    let t = 0;
    for (let k = 0; k < d; k++) t += g[id + k] * v[k];
    out[i] = alpha0 * t + reg * v[i];
  }
  for (let k = from; k < to; k++) {
    const o = cols[k] * d;
    let dot = 0;
    for (let i = 0; i < d; i++) dot += other[o + i] * v[i];
    for (let i = 0; i < d; i++) out[i] += dot * other[o + i];
  }
}

/** Regularisation of a row with `count` observations against `nOther` columns. */
export function rowRegularisation(lambda: number, alpha0: number, nu: number, count: number, nOther: number): number {
  return lambda * Math.pow(count + alpha0 * nOther, nu);
}

function solveSide(
  out: Float64Array, other: Float64Array, m: Csr, nRows: number, nOther: number, o: IALSOptions, s: Scratch,
): void {
  const d = o.dim;
  const g = gramMatrix64(other, nOther, d);
  const cg = o.cgSteps ?? 0;
  for (let r = 0; r < nRows; r++) {
    const from = m.ptr[r], to = m.ptr[r + 1];
    if (from === to) {
      // No observations: the minimiser is 0 (the loss only penalises the row).
      out.fill(0, r * d, r * d + d);
      continue;
    }
    const reg = rowRegularisation(o.lambda, o.alpha0, o.nu, to - from, nOther);
    if (cg > 0) solveRowCg(other, g, o.alpha0, reg, d, m.idx, from, to, cg, out, r * d, s);
    else solveRowExact(other, g, o.alpha0, reg, d, m.idx, from, to, undefined, out, r * d, s);
  }
}

/**
 * Trains iALS on implicit feedback. `userItems[u]` lists the items of user u (each once; order
 * is irrelevant). Deterministic for a fixed seed. Each epoch solves all users, then all items.
 */
export function trainIALS(
  userItems: ArrayLike<ArrayLike<number>>, nUsers: number, nItems: number, opts: IALSOptions,
): IALSModel {
  const d = opts.dim;
  const users = buildCsr(userItems, nUsers);
  for (let k = 0; k < users.idx.length; k++) {
    const i = users.idx[k];
    if (!(i >= 0 && i < nItems)) throw new RangeError(`trainIALS: item index ${i} outside 0..${nItems - 1}`);
  }
  const items = transposeCsr(users, nUsers, nItems);
  const rng = createRng(opts.seed);
  const std = (opts.initStd ?? 0.1) / Math.sqrt(d);
  const h = new Float64Array(nItems * d);
  for (let k = 0; k < h.length; k++) h[k] = rng.gaussian() * std;
  const w = new Float64Array(nUsers * d);
  const s = makeScratch(d);
  const start = Date.now();
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    solveSide(w, h, users, nUsers, nItems, opts, s);
    solveSide(h, w, items, nItems, nUsers, opts, s);
    opts.onEpoch?.(epoch, { itemFactors: h, userFactors: w, seconds: (Date.now() - start) / 1000 });
  }
  return { dim: d, itemFactors: Float32Array.from(h), userFactors: Float32Array.from(w) };
}

/**
 * The iALS loss of the formulation above (for tests and monitoring); O(nnz·d + (n+m)·d²).
 */
export function ialsLoss(
  userItems: ArrayLike<ArrayLike<number>>, w: Matrix, h: Matrix, nUsers: number, nItems: number,
  opts: Pick<IALSOptions, 'dim' | 'alpha0' | 'lambda' | 'nu'>,
): number {
  const d = opts.dim;
  let loss = 0;
  const itemCount = new Int32Array(nItems);
  for (let u = 0; u < nUsers; u++) {
    const row = userItems[u] ?? [];
    let sq = 0;
    for (let k = 0; k < d; k++) sq += w[u * d + k] * w[u * d + k];
    loss += rowRegularisation(opts.lambda, opts.alpha0, opts.nu, row.length, nItems) * sq;
    for (let k = 0; k < row.length; k++) {
      const i = row[k];
      itemCount[i]++;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += w[u * d + c] * h[i * d + c];
      loss += (1 - dot) * (1 - dot);
    }
  }
  for (let i = 0; i < nItems; i++) {
    let sq = 0;
    for (let k = 0; k < d; k++) sq += h[i * d + k] * h[i * d + k];
    loss += rowRegularisation(opts.lambda, opts.alpha0, opts.nu, itemCount[i], nUsers) * sq;
  }
  // Σ_u Σ_i ⟨w_u, h_i⟩² = trace(WᵀW · HᵀH).
  const gw = gramMatrix64(w, nUsers, d), gh = gramMatrix64(h, nItems, d);
  let tr = 0;
  for (let k = 0; k < d * d; k++) tr += gw[k] * gh[k];
  return loss + opts.alpha0 * tr;
}

/**
 * Folds a new user into trained item factors: the exact minimiser over w of
 *   Σ_k c_k (1 − ⟨w, h_{i_k}⟩)² + α0·wᵀ G w + λ (|items| + α0·n)^ν ‖w‖²,
 * i.e. w = (Σ c_k h h ᵀ + α0·G + λ_u·I)⁻¹ Σ c_k h, solved by Cholesky in double precision.
 * `gram` is the item Gram matrix HᵀH (d×d) — pass the Gram of the same (e.g. dequantised)
 * factors the scores will use. `weights` (default all 1) are per-observation confidences c_k;
 * the regularisation counts observations (itemIdxs.length), as in training. An empty history
 * gives the zero vector. Returns Float64Array(d), the reference for the engine's fold-in.
 */
export function foldInUser(
  itemFactors: Matrix, gram: Matrix, itemIdxs: ArrayLike<number>, weights: ArrayLike<number> | undefined, opts: FoldInOptions,
): Float64Array {
  const d = opts.dim ?? Math.round(Math.sqrt(gram.length));
  if (d * d !== gram.length) throw new RangeError(`foldInUser: gram has ${gram.length} entries, expected ${d}×${d}`);
  const nItems = opts.nItems ?? itemFactors.length / d;
  const out = new Float64Array(d);
  if (itemIdxs.length === 0) return out;
  if (weights && weights.length !== itemIdxs.length) throw new RangeError('foldInUser: weights and itemIdxs differ in length');
  for (let k = 0; k < itemIdxs.length; k++) {
    const i = itemIdxs[k];
    if (!(i >= 0 && (i + 1) * d <= itemFactors.length)) throw new RangeError(`foldInUser: item index ${i} out of range`);
  }
  const g = gram instanceof Float64Array ? gram : Float64Array.from(gram);
  const reg = rowRegularisation(opts.lambda, opts.alpha0, opts.nu, itemIdxs.length, nItems);
  solveRowExact(itemFactors, g, opts.alpha0, reg, d, itemIdxs, 0, itemIdxs.length, weights, out, 0, makeScratch(d));
  return out;
}
