/**
 * Honest explanations, on the demo catalogue and model: for many seeded shoppers, every card's
 * reason names an item of that shopper's own log (or the anchor), and the signal it names is the
 * one that contributed most to the card's fused score.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { dominantSignal, fuse } from '../../src/core/fusion';
import { createRng } from '../../src/core/random';
import { createEngine } from '../../src/engine/engine';
import type { SignalName } from '../../src/shared/model-manifest';
import type { CatalogItem, ReasonKind, RecommendedItem, ShopperEventInput } from '../../src/shared/protocol';

const PUBLIC = join(import.meta.dirname, '../../public');
const BASE = 'http://demo.local/';
const catalog = JSON.parse(readFileSync(join(PUBLIC, 'catalog.json'), 'utf8')) as { items: CatalogItem[] };
const index = new Map(catalog.items.map((it, i) => [it.id, i]));

/** Which reason kinds each signal may give (text and source depend on the signal). */
const KINDS: Record<SignalName, ReasonKind[]> = {
  cf: ['taste'],
  lastItem: ['viewed'],
  next: ['viewed'],
  cooc: ['bought-with'],
  content: ['similar-text'],
  popularity: ['trending'],
  sequence: ['viewed'],
};

beforeEach(() => {
  (globalThis as unknown as { indexedDB: unknown }).indexedDB = new IDBFactory();
});

/** `deferBackend` as the page sets it: until the page's first carousel, a product page is answered from its anchor's shard. */
async function demoEngine(deferBackend = true) {
  const engine = createEngine({
    baseUrl: BASE,
    fetchBytes: async (url) => new Uint8Array(readFileSync(join(PUBLIC, url.slice(BASE.length)))).buffer,
  });
  await engine.init({ catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json', deferBackend });
  return engine;
}

/** A shopper: a few items near each other (a random walk over title-sharing items) and types. */
function seededHistory(seed: number): ShopperEventInput[] {
  const rng = createRng(seed);
  const popular = catalog.items.slice(0, 3000);
  const events: ShopperEventInput[] = [];
  const n = 2 + Math.floor(rng.next() * 7);
  for (let j = 0; j < n; j++) {
    const item = popular[Math.floor(rng.next() * popular.length)];
    const r = rng.next();
    events.push({ type: r < 0.7 ? 'view' : r < 0.9 ? 'add_to_cart' : 'purchase', itemId: item.id });
  }
  return events;
}

function checkCard(card: RecommendedItem, log: Set<string>, signalOf: (i: number) => SignalName | undefined) {
  const { reason } = card;
  if (reason.sourceItemId !== undefined) {
    expect(log.has(reason.sourceItemId), `${reason.text}: ${reason.sourceItemId} is in the log`).toBe(true);
    expect(reason.text).toContain(catalog.items[index.get(reason.sourceItemId)!].title);
  }
  expect(reason.signal, `${card.id}: ${reason.text}`).toBe(signalOf(index.get(card.id)!));
  if (reason.kind !== 'trending') expect(KINDS[reason.signal!]).toContain(reason.kind);
}

describe('every reason is true', () => {
  it('For you, over 40 seeded shoppers: named items are in the log, named signals contributed most', async () => {
    const engine = await demoEngine();
    let cards = 0, named = 0;
    for (let seed = 1; seed <= 40; seed++) {
      await engine.eraseData();
      const history = seededHistory(seed);
      for (const e of history) await engine.recordEvent(e);
      await engine.whenIdle();
      const list = await engine.recommend({ surface: 'for-you', k: 12 });
      const { signals } = await engine.scoreHistory(history);
      const fused = fuse(signals, catalog.items.length);
      const log = new Set(history.map((e) => ('itemId' in e ? e.itemId : '')));
      for (const card of list.items) {
        checkCard(card, log, (i) => dominantSignal(fused, i));
        cards++;
        if (card.reason.sourceItemId) named++;
      }
    }
    expect(cards).toBe(40 * 12);
    expect(named / cards).toBeGreaterThan(0.8); // most reasons name a specific item, not just "popular"
  }, 120_000);

  it('Because you viewed: every reason names the anchor, the product being viewed — from the whole catalogue, and on a first visit from the anchor\'s shard', async () => {
    const [whole, first] = [await demoEngine(false), await demoEngine()];
    const rng = createRng(7);
    let early = 0;
    for (let t = 0; t < 20; t++) {
      const anchor = catalog.items[Math.floor(rng.next() * 3000)];
      for (const engine of [whole, first]) {
        const list = await engine.recommend({ surface: 'because-you-viewed', itemId: anchor.id, k: 10 });
        // The shard's cards hold the anchor's 6 strongest neighbours of each table.
        if (engine === whole) expect(list.items.length).toBe(10);
        else (early += list.items.length), expect(list.items.length).toBeGreaterThan(0);
        for (const card of list.items) {
          if (card.reason.sourceItemId !== undefined) expect(card.reason.sourceItemId).toBe(anchor.id);
          expect(card.reason.signal).toBeDefined();
          expect(card.id).not.toBe(anchor.id);
        }
      }
    }
    expect(first.status().modelLoaded).toBe(false); // every list of `first` came from a shard
    expect(early / 20).toBeGreaterThan(6);
  }, 60_000);
});
