import { endianness } from 'node:os';
import type { BaseModel } from '../../src/core/base-model';
import { encodeModel, starterList, type EncodedModel, type ModelArrays } from '../../src/core/model-codec';
import { clusterRows, encodePartitioned, PART_SIZE, type PartitionedBuild } from '../../src/core/partitions';
import { dequantizeRows } from '../../src/core/quantize';
import type { SequenceWeights } from '../../src/core/sequence-model';
import type { ModelParams } from '../../src/shared/model-manifest';
import type { CatalogItem } from '../../src/shared/protocol';

/** The files of a model as the engine fetches them: path (relative to the manifest) → bytes, `manifest.json` included. */
export type SerializedModel = EncodedModel;

type Meta = { version: string; createdAt: string; source: string; fusion: ModelParams['fusion']; sequenceFineTune?: ModelParams['sequenceFineTune'] };

/** The arrays of a trained base model in the codec's terms; row i is `catalog[i]`. */
function arraysOf(model: BaseModel, catalog: readonly CatalogItem[], sequence?: SequenceWeights): ModelArrays {
  if (endianness() !== 'LE') throw new Error('model files are little-endian; this machine is not');
  return {
    n: model.nItems, d: model.dim, k: model.k, itemIds: catalog.map((it) => it.id),
    embeddings: model.embeddings, embeddingBits: model.options.embeddingBits, embeddingScales: model.embeddingScales, gram: model.gram,
    popularity: model.popularity, trending: model.trending,
    coocIndex: model.cooc.index, coocWeight: model.cooc.weight, nextIndex: model.next.index, nextWeight: model.next.weight,
    ...(sequence ? { sequence } : {}),
  };
}

const paramsOf = (model: BaseModel, meta: Meta) => ({
  version: meta.version, createdAt: meta.createdAt, source: meta.source,
  params: { alpha0: model.options.alpha0, lambda: model.options.lambda, nu: model.options.nu, fusion: meta.fusion, ...(meta.sequenceFineTune ? { sequenceFineTune: meta.sequenceFineTune } : {}) },
});

/**
 * Serialises a trained base model in the manifest format (see `src/core/model-codec.ts`). Used by
 * `build-model.ts` (written to disk) and by the evaluation (served from memory to the same engine
 * the worker runs). `catalog` supplies the manifest's starter list.
 */
export function serializeModel(model: BaseModel, catalog: readonly CatalogItem[], meta: Meta, sequence?: SequenceWeights): SerializedModel {
  return encodeModel(arraysOf(model, catalog, sequence), paramsOf(model, meta), catalog, { order: 'id-hash' });
}

/**
 * The same model as parts of about `partSize` items (`src/core/partitions.ts`): for catalogues
 * too big for every device to hold. Needs 4-bit embeddings.
 */
export function serializePartitioned(model: BaseModel, catalog: readonly CatalogItem[], meta: Meta, partSize = PART_SIZE): PartitionedBuild {
  const a = arraysOf(model, catalog);
  if (a.embeddingBits !== 4) throw new Error('a partitioned model carries 4-bit embeddings: build it with --embedding-bits 4');
  const clustering = clusterRows(dequantizeRows(a.embeddings, a.embeddingScales, a.n, a.d), a.n, a.d, partSize, model.options.seed);
  return encodePartitioned(a, catalog, paramsOf(model, meta), clustering, starterList(a, catalog));
}

/** How the model was trained, in one sentence for the manifest's `source`. */
export function describeTraining(model: BaseModel, replace: { embeddings?: string; trending?: string } = {}): string {
  const o = model.options;
  return (
    (replace.embeddings ??
      `Embeddings: iALS (Rendle et al. 2022) d=${o.dim}, alpha0=${o.alpha0}, lambda=${o.lambda}, nu=${o.nu}, ` +
      `${o.epochs} epochs, ${o.cgSteps > 0 ? `${o.cgSteps} CG steps/row` : 'exact solves'}, seed ${o.seed}`) +
    `; int${o.embeddingBits} per-row quantised. Neighbours: top-${o.k} cosine co-occurrence; next within ${o.nextWindow} positions weighted ` +
    `1/distance, shipped as 16-bit ids and 8-bit weights per row. Trending: ${replace.trending ?? `last ${o.trendingLast} positions per user`}.`
  );
}

/**
 * Passes over the examples the evaluation and `build:model` give the sequence model by default
 * (issue 17): a count, not a time, so that a run gives the same model on a busy machine (the
 * demo's 311k examples: ~4 minutes an epoch on this machine's wasm).
 */
export const DEFAULT_SEQUENCE_EPOCHS = 2;

/**
 * Trains the sequence model on `sequences` over the model's (dequantised) embeddings for `epochs`
 * passes (0: none). `build-model` trains it on every shopper, the evaluation on its training split.
 */
export async function trainSequence(model: BaseModel, sequences: ArrayLike<number>[], epochs: number, log: (line: string) => void): Promise<SequenceWeights | undefined> {
  if (epochs <= 0) return undefined;
  const { trainSequenceModel } = await import('./sequence-train');
  const embeddings = dequantizeRows(model.embeddings, model.embeddingScales, model.nItems, model.dim);
  const r = await trainSequenceModel(sequences.filter((s) => s.length > 1), embeddings, model.nItems, model.dim, {
    maxEpochs: epochs, seconds: Infinity, onProgress: (msg) => log(`  sequence model: ${msg}`),
  });
  log(`  sequence model: ${r.examples} examples, ${r.epochs.toFixed(2)} epochs in ${r.seconds.toFixed(0)} s, final loss ${r.finalLoss.toFixed(3)}`);
  return r.weights;
}

/** `--embedding-bits` of build-model and eval. */
export function embeddingBits(v: string | undefined): 4 | 8 | undefined {
  if (v === undefined) return undefined;
  if (v !== '4' && v !== '8') throw new Error(`--embedding-bits must be 4 or 8, got ${v}`);
  return Number(v) as 4 | 8;
}
