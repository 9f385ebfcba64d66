import {
  ModelError, MODEL_FILE_KEYS, validateManifest,
  type ModelFileEntry, type ModelFiles, type ModelManifest,
} from '../shared/model-manifest';

/** How the model's bytes are fetched: `fetch` in the browser, the file system in Node. */
export type FetchBytes = (url: string) => Promise<ArrayBuffer>;

/** The base model, verified and decoded into typed arrays (embeddings dequantised). */
export interface BaseModel {
  manifest: ModelManifest;
  itemIds: string[];
  n: number;
  d: number;
  k: number;
  embeddings: Float32Array;
  gram: Float32Array;
  popularity: Float32Array;
  trending: Float32Array;
  coocIndex: Int32Array;
  coocWeight: Float32Array;
  nextIndex: Int32Array;
  nextWeight: Float32Array;
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Loads the manifest, then every file it lists, refusing any file whose sha256 or size does not
 * match: a corrupt or truncated model must never be half-used.
 */
export async function loadBaseModel(
  manifestUrl: string,
  fetchBytes: FetchBytes,
  onProgress?: (fraction: number) => void,
): Promise<BaseModel> {
  let manifest: ModelManifest;
  try {
    manifest = validateManifest(JSON.parse(new TextDecoder().decode(await fetchBytes(manifestUrl))));
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError(`model manifest ${manifestUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let done = 0;
  const bytes = {} as Record<keyof ModelFiles, ArrayBuffer>;
  await Promise.all(
    MODEL_FILE_KEYS.map(async (key) => {
      const entry = manifest.files[key];
      const url = new URL(entry.path, manifestUrl).href;
      let buf: ArrayBuffer;
      try {
        buf = await fetchBytes(url);
      } catch (err) {
        throw new ModelError(`model file "${key}" (${url}): ${err instanceof Error ? err.message : String(err)}`);
      }
      const actual = await sha256Hex(buf);
      if (actual !== entry.sha256) {
        throw new ModelError(`model file "${key}" failed its checksum (expected ${entry.sha256.slice(0, 12)}…, got ${actual.slice(0, 12)}…)`);
      }
      bytes[key] = buf;
      onProgress?.(++done / MODEL_FILE_KEYS.length);
    }),
  );
  const { itemCount: n, dim: d, neighbours: k } = manifest;
  const itemIds = JSON.parse(new TextDecoder().decode(bytes.itemIds)) as unknown;
  if (!Array.isArray(itemIds) || itemIds.length !== n || !itemIds.every((x) => typeof x === 'string')) {
    throw new ModelError(`model file "itemIds" must be a JSON array of ${n} strings`);
  }
  const q = typed(bytes.embeddings, manifest.files.embeddings, 'embeddings') as Int8Array;
  const scales = typed(bytes.embeddingScales, manifest.files.embeddingScales, 'embeddingScales') as Float32Array;
  const embeddings = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) embeddings[i * d + j] = q[i * d + j] * scales[i];
  const f32 = (key: keyof ModelFiles) => typed(bytes[key], manifest.files[key], key) as Float32Array;
  const i32 = (key: keyof ModelFiles) => typed(bytes[key], manifest.files[key], key) as Int32Array;
  const model: BaseModel = {
    manifest, itemIds, n, d, k, embeddings,
    gram: f32('gram'), popularity: f32('popularity'), trending: f32('trending'),
    coocIndex: i32('coocIndex'), coocWeight: f32('coocWeight'),
    nextIndex: i32('nextIndex'), nextWeight: f32('nextWeight'),
  };
  for (const idx of [model.coocIndex, model.nextIndex]) {
    for (const v of idx) if (v < -1 || v >= n) throw new ModelError(`model neighbour index ${v} is out of range 0..${n - 1}`);
  }
  for (const key of ['gram', 'popularity', 'trending', 'coocWeight', 'nextWeight'] as const) {
    for (const v of model[key]) if (!Number.isFinite(v)) throw new ModelError(`model file "${key}" holds a non-finite number`);
  }
  return model;
}

function typed(buf: ArrayBuffer, entry: ModelFileEntry, key: string): Int8Array | Int32Array | Float32Array {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const Ctor = entry.dtype === 'int8' ? Int8Array : entry.dtype === 'int32' ? Int32Array : Float32Array;
  if (buf.byteLength !== count * Ctor.BYTES_PER_ELEMENT) {
    throw new ModelError(`model file "${key}" has ${buf.byteLength} bytes, expected ${count * Ctor.BYTES_PER_ELEMENT} for [${entry.shape}] ${entry.dtype}`);
  }
  return new Ctor(buf);
}
