import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine';
import type { EngineConfig } from '../../src/shared/protocol';
import { mapFetcher, syntheticModelFiles } from '../helpers/synthetic-model';

const BASE = 'http://test.local/';
const REQUIRED: EngineConfig = { catalogUrl: 'catalog.json', modelUrl: 'model/manifest.json', backend: 'cpu', consentRequired: true };

let idb: IDBFactory;
beforeEach(() => {
  idb = new IDBFactory();
  (globalThis as unknown as { indexedDB: unknown }).indexedDB = idb;
});

/** What the device's IndexedDB holds: the names of its databases. */
async function databases(): Promise<string[]> {
  return (await idb.databases()).map((d) => d.name!);
}

async function engineWith(config: EngineConfig, dbName = 'shelfwise'): Promise<Engine> {
  const engine = createEngine({ fetchBytes: mapFetcher(syntheticModelFiles(BASE)).fetchBytes, baseUrl: BASE, dbName });
  await engine.init(config);
  await engine.whenIdle();
  return engine;
}

async function view(engine: Engine, ...ids: string[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const id of ids) out.push(await engine.recordEvent({ type: 'view', itemId: id }));
  await engine.whenIdle();
  return out;
}

describe('consent mode: nothing is stored before consent', () => {
  it('before consent: events are refused, lists are non-personal, no database is opened', async () => {
    const engine = await engineWith(REQUIRED);
    expect(engine.status().consent).toBe('not-given');
    expect(await view(engine, 'it-1', 'it-2')).toEqual([false, false]);
    await engine.noteImpressions('trending', ['it-3']);
    await engine.noteClick('trending', 0, 'it-3');
    expect(engine.eventCount()).toBe(0);
    const forYou = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(forYou.personal).toBe(false);
    expect(forYou.items.length).toBe(5);
    // Because you viewed comes from the anchor alone.
    const byv = await engine.recommend({ surface: 'because-you-viewed', itemId: 'it-1', k: 5 });
    expect(byv.items.length).toBeGreaterThan(0);
    expect((await engine.recommend({ surface: 'recently-viewed', k: 5 })).items).toEqual([]);
    // No seed drawn, no counter kept.
    const exported = await engine.exportData();
    expect(exported.events).toEqual([]);
    expect(exported.outcomes.deviceSeed).toBeUndefined();
    expect(await databases()).toEqual([]);
    expect(engine.status().errors).toEqual([]);
  });

  it('after consent: recording starts (nothing from before is kept) and lists become personal', async () => {
    const engine = await engineWith(REQUIRED);
    await view(engine, 'it-1');
    await engine.setConsent(true);
    expect(engine.status().consent).toBe('given');
    expect(engine.eventCount()).toBe(0);
    expect(await view(engine, 'it-2', 'it-3')).toEqual([true, true]);
    expect(await databases()).toEqual(['shelfwise']);
    const forYou = await engine.recommend({ surface: 'for-you', k: 5 });
    expect(forYou.personal).toBe(true);
    expect((await engine.recommend({ surface: 'recently-viewed', k: 5 })).items.map((it) => it.id)).toEqual(['it-3', 'it-2']);
  });

  it('an event sent right after consent (before the change is applied) is judged under it', async () => {
    const engine = await engineWith(REQUIRED);
    void engine.setConsent(true);
    expect(await engine.recordEvent({ type: 'view', itemId: 'it-1' })).toBe(true);
    void engine.setConsent(false);
    expect(await engine.recordEvent({ type: 'view', itemId: 'it-2' })).toBe(false);
    await engine.whenIdle();
    expect(await databases()).toEqual([]);
  });

  it('a history stored with consent on an earlier visit is read only once consent is given again', async () => {
    const first = await engineWith(REQUIRED);
    await first.setConsent(true);
    await view(first, 'it-4', 'it-5');
    const next = await engineWith(REQUIRED);
    expect(next.eventCount()).toBe(0);
    expect((await next.recommend({ surface: 'for-you', k: 5 })).personal).toBe(false);
    const before = next.status().revision;
    await next.setConsent(true);
    await next.whenIdle();
    expect(next.eventCount()).toBe(2);
    expect(next.status().revision).toBeGreaterThan(before);
    expect((await next.recommend({ surface: 'for-you', k: 5 })).personal).toBe(true);
  });

  it('withdrawal deletes the database and returns to non-personal lists at once', async () => {
    const engine = await engineWith(REQUIRED);
    await engine.setConsent(true);
    await view(engine, 'it-1', 'it-2');
    await engine.setPaused(false);
    await engine.setConsent(false);
    expect(engine.status()).toMatchObject({ consent: 'not-given', eventCount: 0, persistent: false });
    expect(await databases()).toEqual([]);
    expect((await engine.recommend({ surface: 'for-you', k: 5 })).personal).toBe(false);
    expect((await engine.recommend({ surface: 'recently-viewed', k: 5 })).items).toEqual([]);
    expect(await view(engine, 'it-3')).toEqual([false]);
    expect(await databases()).toEqual([]);
    expect(engine.status().errors).toEqual([]);
    // Consent again: an empty history, recording again.
    await engine.setConsent(true);
    expect(await view(engine, 'it-6')).toEqual([true]);
    expect(engine.eventCount()).toBe(1);
  });

  it("a withdrawal in another tab empties this tab's engine too", async () => {
    const a = await engineWith(REQUIRED);
    const b = await engineWith(REQUIRED);
    await a.setConsent(true);
    await b.setConsent(true);
    await view(a, 'it-1');
    await view(b, 'it-2');
    await a.setConsent(false);
    expect(await databases()).toEqual([]);
    expect(b.status()).toMatchObject({ consent: 'not-given', eventCount: 0 });
    expect(await view(b, 'it-3')).toEqual([false]);
    expect(await databases()).toEqual([]);
  });

  it('a worker restarted after consent starts with it (consentGiven)', async () => {
    const engine = await engineWith({ ...REQUIRED, consentGiven: true });
    expect(engine.status().consent).toBe('given');
    expect(await view(engine, 'it-1')).toEqual([true]);
    expect(await databases()).toEqual(['shelfwise']);
  });

  it('without consent mode, setConsent changes nothing', async () => {
    const engine = await engineWith({ ...REQUIRED, consentRequired: false });
    expect(engine.status().consent).toBe('not-required');
    expect(await view(engine, 'it-1')).toEqual([true]);
    await engine.setConsent(false);
    expect(engine.status().consent).toBe('not-required');
    expect(engine.eventCount()).toBe(1);
    expect(await databases()).toEqual(['shelfwise']);
  });
});
