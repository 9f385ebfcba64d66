/**
 * The base model's manifest (`public/model/manifest.json`): what each binary file holds and its
 * sha256, so the worker can refuse a corrupt or mismatched model before using it.
 * All binary files are little-endian typed arrays, row-major.
 */

export type DType = 'float32' | 'int32' | 'int8';

export interface ModelFileEntry {
  path: string; // relative to the manifest
  sha256: string; // hex
  dtype: DType;
  shape: number[];
}

/**
 * The files a model has. `n` = number of items the model knows (ids in `itemIds`),
 * `d` = embedding size, `k` = neighbours kept per item.
 */
export interface ModelFiles {
  /** JSON array of the n catalogue ids the model rows refer to, in row order. */
  itemIds: ModelFileEntry;
  /** int8 [n, d]: item embeddings of the collaborative-filtering model, quantised per row. */
  embeddings: ModelFileEntry;
  /** float32 [n]: per-row scale; embedding = int8 * scale. */
  embeddingScales: ModelFileEntry;
  /** float32 [d, d]: Gram matrix VᵀV of the dequantised embeddings (for the fold-in). */
  gram: ModelFileEntry;
  /** float32 [n]: log(1 + interactions) over all training shoppers. */
  popularity: ModelFileEntry;
  /** float32 [n]: popularity among recent interactions (what is trending). */
  trending: ModelFileEntry;
  /** int32 [n, k] / float32 [n, k]: items most often bought by the same shoppers (-1 = none). */
  coocIndex: ModelFileEntry;
  coocWeight: ModelFileEntry;
  /** int32 [n, k] / float32 [n, k]: items most often taken next after this one (-1 = none). */
  nextIndex: ModelFileEntry;
  nextWeight: ModelFileEntry;
}

/** The signals a recommendation fuses (see `src/core/fusion.ts`). */
export type SignalName = 'cf' | 'lastItem' | 'next' | 'cooc' | 'content' | 'popularity';
export const SIGNAL_NAMES: readonly SignalName[] = ['cf', 'lastItem', 'next', 'cooc', 'content', 'popularity'];
/** Weight of each z-normalised signal in the fused score. */
export type FusionWeights = Record<SignalName, number>;

/** Weights a model starts from before tuning (build-model and the evaluation tune them). */
export const DEFAULT_FUSION: FusionWeights = { cf: 1, lastItem: 0.5, next: 0.3, cooc: 0.2, content: 0.5, popularity: 0.1 };

/** Hyper-parameters the engine needs to use the model as it was trained and tuned. */
export interface ModelParams {
  /** Implicit-ALS weight of unobserved items (in the fold-in's Gram term). */
  alpha0: number;
  /** L2 regularisation; a shopper with h items gets lambda * (h + alpha0 * n) ** nu (iALS, Rendle 2022). */
  lambda: number;
  nu: number;
  /** Fusion weights of the z-normalised signals for the "for-you" surface (tuned on validation users). */
  fusion: FusionWeights;
}

export interface ModelManifest {
  format: 'shelfwise-model';
  version: string;
  createdAt: string;
  /** Where the model was trained from and how, for people reading it. */
  source: string;
  itemCount: number;
  dim: number;
  neighbours: number;
  params: ModelParams;
  files: ModelFiles;
}

export class ModelError extends Error {
  override name = 'ModelError';
}

const FILE_KEYS: (keyof ModelFiles)[] = [
  'itemIds', 'embeddings', 'embeddingScales', 'gram', 'popularity', 'trending',
  'coocIndex', 'coocWeight', 'nextIndex', 'nextWeight',
];

/** Checks the manifest's shape and the consistency of its declared shapes. */
export function validateManifest(data: unknown): ModelManifest {
  if (typeof data !== 'object' || data === null) throw new ModelError('model manifest: not a JSON object');
  const m = data as Partial<ModelManifest>;
  if (m.format !== 'shelfwise-model') throw new ModelError('model manifest: "format" must be "shelfwise-model"');
  const n = m.itemCount, d = m.dim, k = m.neighbours;
  for (const [name, v] of [['itemCount', n], ['dim', d], ['neighbours', k]] as const) {
    if (!Number.isInteger(v) || (v as number) <= 0) throw new ModelError(`model manifest: "${name}" must be a positive integer`);
  }
  if (!m.files || typeof m.files !== 'object') throw new ModelError('model manifest: no "files"');
  if (!m.params || typeof m.params !== 'object' || !m.params.fusion) throw new ModelError('model manifest: no "params"');
  for (const name of SIGNAL_NAMES) {
    const w = (m.params.fusion as Partial<FusionWeights>)[name];
    // A signal an older model does not weigh counts 0.
    if (w === undefined) m.params.fusion[name] = 0;
    else if (typeof w !== 'number' || !Number.isFinite(w)) throw new ModelError(`model manifest: fusion weight "${name}" must be a number`);
  }
  const expected: Record<keyof ModelFiles, [DType | 'json', number[]]> = {
    itemIds: ['json', [n!]],
    embeddings: ['int8', [n!, d!]],
    embeddingScales: ['float32', [n!]],
    gram: ['float32', [d!, d!]],
    popularity: ['float32', [n!]],
    trending: ['float32', [n!]],
    coocIndex: ['int32', [n!, k!]],
    coocWeight: ['float32', [n!, k!]],
    nextIndex: ['int32', [n!, k!]],
    nextWeight: ['float32', [n!, k!]],
  };
  for (const key of FILE_KEYS) {
    const f = m.files[key];
    if (!f || typeof f.path !== 'string' || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      throw new ModelError(`model manifest: file "${key}" needs "path" and a hex "sha256"`);
    }
    const [dtype, shape] = expected[key];
    if (dtype !== 'json' && f.dtype !== dtype) throw new ModelError(`model manifest: file "${key}" must be ${dtype}, is ${f.dtype}`);
    if (!Array.isArray(f.shape) || f.shape.join(',') !== shape.join(',')) {
      throw new ModelError(`model manifest: file "${key}" has shape [${f.shape}], expected [${shape}]`);
    }
  }
  return m as ModelManifest;
}

export const MODEL_FILE_KEYS = FILE_KEYS;
