import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { BaseModel } from '../../src/core/base-model';
import {
  validateManifest,
  type DType, type ModelFileEntry, type ModelFiles, type ModelManifest, type ModelParams,
} from '../../src/shared/model-manifest';

/** The files of a model as the engine fetches them: path (relative to the manifest) → bytes. */
export interface SerializedModel {
  manifest: ModelManifest;
  /** Includes `manifest.json`. */
  files: Map<string, Uint8Array>;
}

/**
 * Serialises a trained base model in the manifest format (little-endian typed arrays, sha256 per
 * file). Used by `build-model.ts` (written to disk) and by the evaluation (served from memory to
 * the same engine the worker runs).
 */
export function serializeModel(
  model: BaseModel,
  itemIds: string[],
  meta: { version: string; createdAt: string; source: string; fusion: ModelParams['fusion'] },
): SerializedModel {
  if (endianness() !== 'LE') throw new Error('model files are little-endian; this machine is not');
  const n = model.nItems, d = model.dim, k = model.k;
  const files = new Map<string, Uint8Array>();
  const entries = {} as ModelFiles;
  const raw = (a: Int8Array | Int32Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const add = (key: keyof ModelFiles, path: string, bytes: Uint8Array, dtype: DType, shape: number[]) => {
    files.set(path, bytes);
    entries[key] = { path, sha256: createHash('sha256').update(bytes).digest('hex'), dtype, shape } satisfies ModelFileEntry;
  };
  // itemIds is JSON, not a typed array; its dtype field is informational.
  add('itemIds', 'item-ids.json', new TextEncoder().encode(JSON.stringify(itemIds)), 'int32', [n]);
  add('embeddings', 'embeddings.q8.bin', raw(model.embeddings), 'int8', [n, d]);
  add('embeddingScales', 'embedding-scales.bin', raw(model.embeddingScales), 'float32', [n]);
  add('gram', 'gram.bin', raw(model.gram), 'float32', [d, d]);
  add('popularity', 'popularity.bin', raw(model.popularity), 'float32', [n]);
  add('trending', 'trending.bin', raw(model.trending), 'float32', [n]);
  add('coocIndex', 'cooc-index.bin', raw(model.cooc.index), 'int32', [n, k]);
  add('coocWeight', 'cooc-weight.bin', raw(model.cooc.weight), 'float32', [n, k]);
  add('nextIndex', 'next-index.bin', raw(model.next.index), 'int32', [n, k]);
  add('nextWeight', 'next-weight.bin', raw(model.next.weight), 'float32', [n, k]);
  const o = model.options;
  const manifest: ModelManifest = {
    format: 'shelfwise-model',
    version: meta.version,
    createdAt: meta.createdAt,
    source: meta.source,
    itemCount: n,
    dim: d,
    neighbours: k,
    params: { alpha0: o.alpha0, lambda: o.lambda, nu: o.nu, fusion: meta.fusion },
    files: entries,
  };
  validateManifest(JSON.parse(JSON.stringify(manifest)));
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
  return { manifest, files };
}

/** How the model was trained, in one sentence for the manifest's `source`. */
export function describeTraining(model: BaseModel): string {
  const o = model.options;
  return (
    `Embeddings: iALS (Rendle et al. 2022) d=${o.dim}, alpha0=${o.alpha0}, lambda=${o.lambda}, nu=${o.nu}, ` +
    `${o.epochs} epochs, ${o.cgSteps > 0 ? `${o.cgSteps} CG steps/row` : 'exact solves'}, seed ${o.seed}; int8 per-row ` +
    `quantised. Neighbours: top-${o.k} cosine co-occurrence; next within ${o.nextWindow} positions weighted 1/distance. ` +
    `Trending: last ${o.trendingLast} positions per user.`
  );
}
