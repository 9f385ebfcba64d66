/**
 * The bench worker: the engine's own code paths (TfCfModel on a chosen tfjs backend, topK, the
 * IndexedDB event log, the start-up steps of `Engine.start`) timed in a real browser worker.
 * The driver (`bench/run.ts`) calls it through `globalThis.bench` on the bench page and reads
 * the worker's heap over CDP between calls.
 */
import { expose } from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { JsCfScorer } from '../../src/core/cf-scorer';
import { textProxies } from '../../src/core/cold-items';
import { ContentIndex } from '../../src/core/content-index';
import { createRng } from '../../src/core/random';
import { topK } from '../../src/core/top-k';
import { CatalogModel } from '../../src/engine/ranker';
import { chooseBackend } from '../../src/model/backend';
import { TfCfModel } from '../../src/model/cf-model';
import { loadBaseModel, sha256Hex, type BaseModel } from '../../src/model/load-model';
import { validateCatalog } from '../../src/shared/catalog';
import { MODEL_FILE_KEYS, sequenceLength } from '../../src/shared/model-manifest';
import { encodeSequence, SEQ_LEN, unpackSequence } from '../../src/core/sequence-model';
import { DEFAULT_FINE_TUNE, fitAdapter, shopperTransitions } from '../../src/core/sequence-adapter';
import type { BackendName, ShopperEvent } from '../../src/shared/protocol';
import { openEventLog } from '../../src/store/event-log';

const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};
// Not in the Node libs this file is type-checked with (tsconfig.node.json); the worker has it.
declare const IDBKeyRange: { lowerBound(key: number): never };

const fetchBytes = async (url: string) => (await fetch(url)).arrayBuffer();
// The site root (the worker script lives under /assets/).
const base = () => `${(globalThis as unknown as { location: { origin: string } }).location.origin}/`;
const rng = createRng(7);

let demo: BaseModel | undefined;
let foldModel: TfCfModel | undefined;
/** The catalogue being scored: its JS table is kept alive, as the engine keeps its embeddings. */
let scored: { table: Float32Array; model: TfCfModel; u: Float32Array } | undefined;

/**
 * Times `fn` `repeats` times after one warm-up run (kernel compilation, allocation); past
 * `budgetMs` it stops after 5 runs, so slow software backends do not take minutes.
 */
async function time(repeats: number, fn: () => Promise<unknown>, budgetMs = Infinity): Promise<number[]> {
  await fn();
  const out: number[] = [];
  const start = performance.now();
  for (let r = 0; r < repeats && (r < 5 || performance.now() - start < budgetMs); r++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function demoModel(): Promise<BaseModel> {
  demo ??= await loadBaseModel(new URL('model/manifest.json', base()).href, fetchBytes);
  return demo;
}

/** Recency weights of a history as the engine gives them (newest first). */
function history(events: number, n: number) {
  const rows = Int32Array.from({ length: events }, () => Math.floor(rng.next() * n));
  return { rows, weights: Float32Array.from({ length: events }, (_, j) => Math.pow(0.5, j / 25)) };
}

/**
 * The demo model on the backend, a sequence model of the shipped shape with random weights (the
 * time does not depend on their values), and a history of `length` random items.
 */
async function sequenceSetup(length: number) {
  const m = await demoModel();
  foldModel ??= new TfCfModel(m.embeddings, m.n, m.d, m.gram, m.manifest.params);
  const flat = Float32Array.from({ length: sequenceLength(m.d, SEQ_LEN, m.n) }, () => (rng.next() * 2 - 1) * 0.1);
  flat[0] = 1;
  const items = Array.from({ length }, () => Math.floor(rng.next() * m.n));
  return { m, model: foldModel, w: unpackSequence(flat, m.d, SEQ_LEN, m.n), items };
}

function dropScored(): void {
  scored?.model.dispose();
  scored = undefined;
}

const api = {
  /** Switches tfjs to `backend` (as `?backend=` does in the app); everything on the old one is dropped. */
  async useBackend(backend: BackendName): Promise<{ backend: BackendName; reason: string }> {
    dropScored();
    foldModel?.dispose();
    foldModel = undefined;
    const { backend: active, reason } = await chooseBackend({ forced: backend, wasmPaths: WASM_PATHS });
    return { backend: active, reason };
  },

  /** Fold-in of a shopper with `events` events on the demo model, ms per run. */
  async timeFoldIn(events: number, repeats: number, budgetMs: number): Promise<number[]> {
    const m = await demoModel();
    foldModel ??= new TfCfModel(m.embeddings, m.n, m.d, m.gram, m.manifest.params);
    const model = foldModel;
    const h = history(events, m.n);
    return time(repeats, () => model.foldIn(h.rows, h.weights), budgetMs);
  },

  /**
   * The sequence model after an event (issue 17): its forward pass over the last 10 items (plain
   * JS), the catalogue scored against its query on the backend, the item bias added, the top 10.
   */
  async timeSequence(repeats: number, budgetMs: number): Promise<number[]> {
    const { m, model, w, items } = await sequenceSetup(SEQ_LEN);
    const ctx = items.map((r) => m.embeddings.subarray(r * m.d, (r + 1) * m.d));
    return time(repeats, async () => {
      const scores = await model.scoreAll(encodeSequence(w, ctx).z);
      for (let i = 0; i < scores.length; i++) scores[i] += w.itemBias[i];
      return topK(scores, 10);
    }, budgetMs);
  },

  /**
   * The sequence model's fine-tuning on the device (issue 17), as a learning step runs it: the
   * queries of the shopper's last `DEFAULT_FINE_TUNE.examples` transitions (plain JS), then
   * `DEFAULT_FINE_TUNE.steps` Adam steps whose gradient over the catalogue runs on the backend
   * (no time budget here: every step is timed).
   */
  async timeFineTune(repeats: number, budgetMs: number): Promise<number[]> {
    const f = { ...DEFAULT_FINE_TUNE, budgetMs: Infinity };
    const { m, model, w, items } = await sequenceSetup(f.examples + 1);
    return time(repeats, async () => {
      const { contexts, targets } = shopperTransitions(items, w.L, f.examples);
      const zs = contexts.map((c) => encodeSequence(w, c.map((r) => m.embeddings.subarray(r * m.d, (r + 1) * m.d))).z);
      return fitAdapter(zs, targets, (q, t) => model.softmaxGradient(q, t, w.itemBias), f);
    }, budgetMs);
  },

  /**
   * Loads a catalogue table onto the backend: the demo model's, or a synthetic one of `size`
   * items made of demo rows (embedding size as shipped). Returns the bytes tfjs holds.
   */
  async prepareCatalog(size: 'demo' | number): Promise<{ items: number; tfjsMb: number; wasmMemoryMb: number }> {
    dropScored();
    const m = await demoModel();
    const n = size === 'demo' ? m.n : size;
    let table = m.embeddings;
    if (size !== 'demo') {
      table = new Float32Array(n * m.d);
      for (let i = 0; i < table.length; i++) table[i] = m.embeddings[(i * 7919) % m.embeddings.length];
    }
    const model = new TfCfModel(table, n, m.d, m.gram, m.manifest.params);
    const h = history(20, m.n);
    const u = await new JsCfScorer(m.embeddings, m.n, m.d, m.gram, m.manifest.params).foldIn(h.rows, h.weights);
    scored = { table, model, u };
    await model.scoreAll(u); // the table is uploaded lazily on some backends
    // CDP's heap figures leave out WebAssembly memory: the wasm backend's tensors live there.
    const wasmHeap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
    return { items: n, tfjsMb: tf.memory().numBytes / 2 ** 20, wasmMemoryMb: (wasmHeap?.buffer.byteLength ?? 0) / 2 ** 20 };
  },

  /** Full-catalogue scoring and top-10 of the prepared catalogue, ms per run. */
  async timeScore(repeats: number, budgetMs: number): Promise<number[]> {
    const s = scored;
    if (!s) throw new Error('prepareCatalog first');
    return time(repeats, async () => topK(await s.model.scoreAll(s.u), 10), budgetMs);
  },

  dropCatalog(): void {
    dropScored();
  },

  /**
   * IndexedDB through the engine's log (`openEventLog` → IdbEventLog: one relaxed-durability
   * transaction per batch). Appends `total` events in batches of `batch`, then reads the newest
   * `recent` events `repeats` times with `log.recent` (the engine's call), and, for comparison,
   * with one `getAll` over the newest keys.
   */
  async idb(total: number, batch: number, recent: number, repeats: number) {
    const name = `shelfwise-bench-${Date.now()}-${batch}`;
    const { log, error } = await openEventLog(name);
    if (error) throw new Error(error);
    const m = await demoModel();
    const t0 = performance.now();
    for (let done = 0; done < total; done += batch) {
      const events: ShopperEvent[] = Array.from({ length: Math.min(batch, total - done) }, (_, j) => ({
        type: 'view', itemId: m.itemIds[(done + j) % m.n], ts: Date.now(),
      }));
      await log.append(events);
    }
    const appendMs = performance.now() - t0;
    const recentMs = await time(repeats, () => log.recent(recent));
    const allMs = await time(repeats, () => log.all());
    log.close();
    return { eventsPerS: (total / appendMs) * 1000, recentMs, allMs };
  },

  /**
   * The CPU steps of `Engine.start` before the first list, one at a time, with the engine's
   * functions: download (the engine fetches catalogue and model in parallel), sha256 of the
   * model files, parse + validate of the catalogue, model decode, catalogue index (TF-IDF and
   * text proxies), first fold-in in plain JS and the trending list. ms per step.
   */
  async startSteps(): Promise<Record<string, number>> {
    const steps: Record<string, number> = {};
    let t = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      steps[name] = now - t;
      t = now;
    };
    const manifestUrl = new URL('model/manifest.json', base()).href;
    const manifestBytes = await fetchBytes(manifestUrl);
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as { files: Record<string, { path: string }>; shards: { files: { path: string }[] } };
    // Every file of the model, neighbour shards included: what a session with a history loads.
    const paths = [...MODEL_FILE_KEYS.map((k) => manifest.files[k].path), ...manifest.shards.files.map((f) => f.path)];
    const urls = [new URL('catalog.json', base()).href, ...paths.map((p) => new URL(p, manifestUrl).href)];
    const bytes = new Map<string, ArrayBuffer>([[manifestUrl, manifestBytes]]);
    await Promise.all(urls.map(async (u) => bytes.set(u, await fetchBytes(u))));
    lap('download');
    await Promise.all(urls.slice(1).map((u) => sha256Hex(bytes.get(u)!)));
    lap('sha256');
    const items = validateCatalog(JSON.parse(new TextDecoder().decode(bytes.get(urls[0])!))).items;
    lap('catalogue parse + validate');
    const t1 = performance.now();
    const model = await loadBaseModel(manifestUrl, async (u) => bytes.get(u)!);
    // loadBaseModel hashes again; its decode share is its time less the hashing just measured.
    steps['model decode + checks'] = performance.now() - t1 - steps.sha256;
    t = performance.now();
    const index = new ContentIndex(items.map((it) => `${it.title} ${it.category ?? ''}`));
    lap('TF-IDF index');
    const row = new Map(model.itemIds.map((id, r) => [id, r]));
    textProxies(index, (i) => (model.popularity[row.get(items[i].id) ?? -1] ?? 0) > 0);
    lap('text proxies of cold items');
    // The engine's own call does both again (and maps catalogue rows): the total to compare with.
    const cat = new CatalogModel(items, model);
    lap('CatalogModel total (both again)');
    const cf = new JsCfScorer(model.embeddings, model.n, model.d, model.gram, model.manifest.params);
    await cf.foldIn(new Int32Array(0), new Float32Array(0));
    topK(cat.fromRows(model.trending), 10);
    lap('first learn + trending');
    return steps;
  },
};

expose(api);

export type BenchApi = typeof api;
