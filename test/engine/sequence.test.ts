import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeSequence, type SequenceWeights } from '../../src/core/sequence-model';
import { createEngine } from '../../src/engine/engine';
import { D, groupOf, mapFetcher, modelFileUrl, N, syntheticModelFiles } from '../helpers/synthetic-model';

const BASE = 'http://test.local/';
const config = { catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json', backend: 'cpu' } as const;

beforeEach(() => {
  (globalThis as unknown as { indexedDB: unknown }).indexedDB = new IDBFactory();
});

/**
 * A sequence model that always answers "puzzle games next" (its output is the puzzle axis,
 * whatever the context), and prefers puzzle item 12 by its bias: the engine must fuse it as the
 * `sequence` signal and explain it.
 */
function puzzleNext(): SequenceWeights {
  const L = 4, zero = () => new Float32Array(D * D), vec = () => new Float32Array(D);
  const bo = vec();
  bo[1] = 5; // the puzzle group's axis (see synthetic-model.ts)
  const itemBias = new Float32Array(N);
  itemBias[12] = 3;
  return {
    d: D, L, inputScale: 1, P: new Float32Array(L * D), Wq: zero(), Wk: zero(), Wv: zero(), Wa: zero(), W1: zero(), W2: zero(), Wo: zero(),
    b1: vec(), b2: vec(), bo, g1: vec().fill(1), be1: vec(), g2: vec().fill(1), be2: vec(), itemBias,
  };
}

describe('the sequence model as a fused signal (issue 17)', () => {
  it('is shipped in the manifest, loaded after the embeddings, and its scores move For you, with a reason naming the history', async () => {
    const w = puzzleNext();
    expect(encodeSequence(w, [new Float32Array(D)]).z[1]).toBeCloseTo(5);
    const engine = createEngine({ fetchBytes: mapFetcher(syntheticModelFiles(BASE, {}, w)).fetchBytes, baseUrl: BASE, dbName: 'seq' });
    await engine.init(config);
    for (const id of ['it-1', 'it-2', 'it-3']) await engine.recordEvent({ type: 'view', itemId: id });
    await engine.whenIdle();
    const without = createEngine({ fetchBytes: mapFetcher(syntheticModelFiles(BASE)).fetchBytes, baseUrl: BASE, dbName: 'no-seq' });
    await without.init(config);
    for (const id of ['it-1', 'it-2', 'it-3']) await without.recordEvent({ type: 'view', itemId: id });
    await without.whenIdle();
    const withList = await engine.recommend({ surface: 'for-you', k: 5 });
    const withoutList = await without.recommend({ surface: 'for-you', k: 5 });
    expect(engine.status().errors).toEqual([]);
    const puzzles = (l: typeof withList) => l.items.filter((it) => groupOf(it.id) === 'puzzle').length;
    expect(puzzles(withList)).toBeGreaterThan(puzzles(withoutList));
    const item12 = withList.items.find((it) => it.id === 'it-12');
    expect(item12?.reason.signal).toBe('sequence');
    expect(item12?.reason.text).toMatch(/^Often next for shoppers who viewed what you did, Turbo Racing \d Speed Cars most of all$/);
    expect(['it-1', 'it-2', 'it-3']).toContain(item12?.reason.sourceItemId);
  });

  it('a corrupt sequence file: said in the status, For you goes on without it', async () => {
    const files = syntheticModelFiles(BASE, {}, puzzleNext());
    const url = modelFileUrl(files, 'sequence', BASE);
    const bad = files.get(url)!.slice(0);
    new Uint8Array(bad)[0] ^= 0xff;
    files.set(url, bad);
    const engine = createEngine({ fetchBytes: mapFetcher(files).fetchBytes, baseUrl: BASE, dbName: 'seq-bad' });
    await engine.init(config);
    await engine.recordEvent({ type: 'view', itemId: 'it-1' });
    await engine.whenIdle();
    expect(engine.status().errors.join('\n')).toMatch(/Sequence model unavailable.*failed its checksum/);
    const list = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(list.personal).toBe(true);
    expect(list.items.every((it) => groupOf(it.id) === 'racing')).toBe(true);
  });

  it('fine-tuned on the device when the model asks for it: a shopper who goes on within racing moves the puzzle-minded model towards racing', async () => {
    const fineTune = { steps: 30, lr: 0.3, l2: 0, examples: 8, budgetMs: 5000 };
    const racing = ['it-1', 'it-2', 'it-3', 'it-4', 'it-5'];
    const start = async (dbName: string, params = {}) => {
      const engine = createEngine({ fetchBytes: mapFetcher(syntheticModelFiles(BASE, {}, puzzleNext(), params)).fetchBytes, baseUrl: BASE, dbName });
      await engine.init(config);
      for (const id of racing) await engine.recordEvent({ type: 'view', itemId: id });
      await engine.whenIdle();
      return engine;
    };
    const tuned = await start('seq-ft', { sequenceFineTune: fineTune });
    const plain = await start('seq-plain');
    // The sequence signal itself: racing items' lead over puzzle items, without and with the adapter.
    const lead = async (f: typeof fineTune | null | undefined) => {
      const { signals } = await tuned.scoreHistory(racing.map((itemId) => ({ type: 'view' as const, itemId })), undefined, 10, undefined, f);
      const s = signals.find((x) => x.name === 'sequence')!.scores;
      const mean = (g: string) => {
        const v = Array.from(s).filter((_, i) => groupOf(`it-${i}`) === g && !racing.includes(`it-${i}`));
        return v.reduce((a, b) => a + b, 0) / v.length;
      };
      return mean('racing') - mean('puzzle');
    };
    expect(await lead(null)).toBeLessThan(0);
    expect(await lead(undefined)).toBeGreaterThan(0); // the manifest's settings
    // The learning step fits it too: For you holds fewer puzzle games than the same model unadapted.
    const puzzles = async (e: typeof tuned) => (await e.recommend({ surface: 'for-you', k: 5 })).items.filter((it) => groupOf(it.id) === 'puzzle').length;
    expect(await puzzles(tuned)).toBeLessThan(await puzzles(plain));
    expect(tuned.status().errors).toEqual([]);
  });
});
