import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detectEventsFormat, EventImporter, EventsError, parseEventType, parseTimestamp, recentTrending, shopperGroup,
  timedSequences, timeSplit, timeSplitFingerprints, type EventImporterOptions, type ShopEvents,
} from '../../src/core/shop-events';

const FIXTURES = join(import.meta.dirname, '../fixtures/events');
const DAY = 86_400_000;

type Opts = Omit<EventImporterOptions, 'resolveItem' | 'fileName' | 'format'> & { format?: 'csv' | 'jsonl' };

/** A resolver over a list of catalogue ids (index = position). */
function catalogue(ids: readonly string[]): (id: string) => number | undefined {
  const m = new Map(ids.map((id, i) => [id, i]));
  return (id) => m.get(id);
}

/** Feeds lines one by one, as the build script does with readline. */
function importLines(lines: Iterable<string>, fileName: string, items: readonly string[], opts: Opts = {}): ShopEvents {
  const imp = new EventImporter({ format: 'csv', ...opts, fileName, resolveItem: catalogue(items) });
  let n = 0;
  for (const line of lines) imp.addLine(line, ++n);
  return imp.finish();
}

/** Splits like readline: on LF (the importer drops a CR), no empty line after the final break. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function importFixture(name: string, items: readonly string[], opts: Opts = {}): ShopEvents {
  const lines = linesOf(readFileSync(join(FIXTURES, name), 'utf8'));
  return importLines(lines, name, items, { format: detectEventsFormat(lines[0], name), ...opts });
}

function importText(text: string, items: readonly string[], opts: Opts = {}, fileName = 'events.csv'): ShopEvents {
  return importLines(linesOf(text), fileName, items, opts);
}

/** The EventsError thrown by `f` (fails the test if none). */
function errorOf(f: () => unknown): EventsError {
  try {
    f();
  } catch (e) {
    if (e instanceof EventsError) return e;
    throw e;
  }
  throw new Error('expected an EventsError');
}

const seqs = (s: Int32Array[]) => s.map((x) => Array.from(x));

const SHOP = ['MUG-BLU-12', 'CST-CORK-4', 'TEA-EGB-100', 'TPT-CAST-1L'];
const RR = ['355908', '248676', '318965'];

describe('parseTimestamp', () => {
  const noon = Date.UTC(2026, 2, 1, 12);
  it('reads ISO 8601 with Z, offsets, fractions, a space, or a date alone (UTC when no zone)', () => {
    expect(parseTimestamp('2026-03-01T12:00:00Z')).toBe(noon);
    expect(parseTimestamp('2026-03-01T14:00:00+02:00')).toBe(noon);
    expect(parseTimestamp('2026-03-01T14:00:00+0200')).toBe(noon);
    expect(parseTimestamp('2026-03-01T07:00:00-05:00')).toBe(noon);
    expect(parseTimestamp('2026-03-01T12:00:00.250Z')).toBe(noon + 250);
    expect(parseTimestamp('2026-03-01T12:00Z')).toBe(noon);
    expect(parseTimestamp('2026-03-01 12:00:00')).toBe(noon);
    expect(parseTimestamp(' 2026-03-01 ')).toBe(Date.UTC(2026, 2, 1));
    expect(parseTimestamp('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('reads Unix seconds below 1e11 and milliseconds above, as numbers or strings', () => {
    expect(parseTimestamp(1772366400)).toBe(noon);
    expect(parseTimestamp('1772366400')).toBe(noon);
    expect(parseTimestamp(1772366400000)).toBe(noon);
    expect(parseTimestamp('1772366400250')).toBe(noon + 250);
    expect(parseTimestamp(1772366400.5)).toBe(noon + 500);
    expect(parseTimestamp(99_999_999_999)).toBe(99_999_999_999_000);
    expect(parseTimestamp(100_000_000_000)).toBe(100_000_000_000);
  });

  it('rejects everything else', () => {
    for (const bad of ['yesterday', '', '2026-13-01', '2026-02-30', '2026-02-29', '2026-04-31', '2026-03-01T24:00:00Z', '03/01/2026', '-5', '1e9', 'NaN']) {
      expect(parseTimestamp(bad), bad).toBeUndefined();
    }
    expect(parseTimestamp(NaN)).toBeUndefined();
    expect(parseTimestamp(-1)).toBeUndefined();
  });
});

describe('parseEventType and detectEventsFormat', () => {
  it('maps common synonyms, case-insensitively', () => {
    for (const s of ['addtocart', 'add-to-cart', 'Add To Cart', 'cart']) expect(parseEventType(s), s).toBe('add_to_cart');
    for (const s of ['transaction', 'ORDER', 'checkout_completed', 'buy', 'purchase']) expect(parseEventType(s), s).toBe('purchase');
    for (const s of ['detail', 'page_view', 'product_view', 'View']) expect(parseEventType(s), s).toBe('view');
    expect(parseEventType('refund')).toBeUndefined();
  });

  it('tells JSON Lines from CSV by the first line', () => {
    expect(detectEventsFormat('{"a":1}', 'x.txt')).toBe('jsonl');
    expect(detectEventsFormat('\uFEFF  {"a":1}', 'x.csv')).toBe('jsonl');
    expect(detectEventsFormat('user_id,item_id,ts', 'x.csv')).toBe('csv');
    expect(() => detectEventsFormat('[{"a":1}]', 'x.json')).toThrow(/x\.json:1: a JSON array/);
    expect(() => detectEventsFormat('user_id,item_id', 'x.jsonl')).toThrow(/x\.jsonl:1: expected one JSON object per line/);
  });
});

describe('EventImporter on real-shaped exports', () => {
  it('reads a CSV order export (CRLF, quoted titles, ISO times, no type column → purchase)', () => {
    const ev = importFixture('orders-export.csv', SHOP);
    expect(ev.shopperIds).toEqual(['cust_8812', 'cust_1207', 'cust_3340']);
    expect(ev.count).toBe(9);
    expect(ev.byType).toEqual({ view: 0, add_to_cart: 0, purchase: 9 });
    expect(ev.skipped).toEqual({ unknownItem: 1, unknownItemExamples: ['GFT-CARD-25'], blankLines: 1 });
    expect(ev.firstTime).toBe(Date.parse('2026-02-27T09:14:03Z'));
    expect(ev.lastTime).toBe(Date.parse('2026-03-04T15:30:00Z'));
    // Line 4 is 17:40:55+01:00.
    expect(ev.time[2]).toBe(Date.parse('2026-02-27T16:40:55Z'));
    // cust_8812: line 9 (TEA, 1 March) comes before line 5 (TPT, 2 March); MUG again on 4 March is a repeat;
    // MUG and CST share a time and keep file order.
    expect(seqs(timedSequences(ev, SHOP.length))).toEqual([[0, 1, 2, 3], [2, 0, 3], [2]]);
  });

  it('reads a JSON Lines event stream (Unix ms, event_type, numbers as ids)', () => {
    const ev = importFixture('events.jsonl', RR);
    expect(ev.shopperIds).toEqual(['v-257597', 'v-992329', 'v-483717', '1040']);
    expect(ev.count).toBe(9);
    expect(ev.byType).toEqual({ view: 6, add_to_cart: 2, purchase: 1 });
    expect(ev.skipped).toEqual({ unknownItem: 1, unknownItemExamples: ['999999'], blankLines: 1 });
    expect(ev.lastTime).toBe(1772964300000);
    // v-992329: 318965 (line 5) is earlier than the repeat of 248676; v-483717: a tie keeps file order.
    expect(seqs(timedSequences(ev, RR.length))).toEqual([[0], [1, 2], [1, 2], [0]]);
    expect(seqs(timedSequences(ev, RR.length, { types: ['purchase'] }))).toEqual([[0], [], [], []]);
  });

  it('reads a CSV with Unix seconds and column names given by flags', () => {
    const items = ['A1001', 'A1002', 'A1003'];
    const columns = { shopper: 'client_ref', item: 'Article_No', time: 'epoch_s', type: 'what' };
    const ev = importFixture('custom-columns.csv', items, { columns });
    expect(ev.shopperIds).toEqual(['K-0042', 'K-0077']);
    expect(ev.time[0]).toBe(Date.UTC(2026, 2, 1, 12));
    expect(ev.byType).toEqual({ view: 1, add_to_cart: 1, purchase: 3 });
    expect(seqs(timedSequences(ev, items.length))).toEqual([[0, 1, 2], [0, 2]]);

    const noFlags = errorOf(() => importFixture('custom-columns.csv', items));
    expect(noFlags.message).toMatch(/^custom-columns\.csv:1: no shopper column \(looked for shopper_id, .*\); set --events-shopper-column; the header is "client_ref,/);
    const wrongFlag = errorOf(() => importFixture('custom-columns.csv', items, { columns: { ...columns, type: 'kind' } }));
    expect(wrongFlag.message).toMatch(/^custom-columns\.csv:1: no column "kind" \(given by --events-type-column\)/);
  });
});

describe('EventImporter rows', () => {
  const H = 'shopper_id,item_id,timestamp,event_type';

  it('orders by time, not file order; removes repeats; ties keep file order', () => {
    const ev = importText(`${H}\nu,A,5,view\nu,B,1,view\nu,C,5,view\nu,A,0,purchase\nu,D,5,view\nv,D,9,view\nv,C,9,view\n`, ['A', 'B', 'C', 'D']);
    expect(seqs(timedSequences(ev, 4))).toEqual([[0, 1, 2, 3], [3, 2]]);
    const tie = importText(`${H}\nu,C,5,view\nu,A,5,view\nu,B,4,view\n`, ['A', 'B', 'C']);
    expect(seqs(timedSequences(tie, 3))).toEqual([[1, 2, 0]]);
  });

  it('strips a BOM and CRs, matches names case-insensitively, and uses the default type', () => {
    const ev = importText('\uFEFFCustomer ID,SKU,Created At\r\nc1,A,2026-03-01\r\n', ['A'], { defaultType: 'view' });
    expect(ev.count).toBe(1);
    expect(ev.byType.view).toBe(1);
    // Priority order, not header order: item_id beats id.
    const ev2 = importText('id,user_id,item_id,ts\n99,u,A,1\n', ['A']);
    expect(Array.from(ev2.item)).toEqual([0]);
  });

  it('counts unknown items (up to 5 distinct examples) and skips their rows', () => {
    const rows = ['X1', 'X2', 'X1', 'X3', 'X4', 'X5', 'X6', 'A'].map((it, k) => `u${k},${it},${k},view`);
    const ev = importText(`${H}\n${rows.join('\n')}\n`, ['A']);
    expect(ev.count).toBe(1);
    expect(ev.shopperIds).toEqual(['u7']);
    expect(ev.skipped.unknownItem).toBe(7);
    expect(ev.skipped.unknownItemExamples).toEqual(['X1', 'X2', 'X3', 'X4', 'X5']);
  });

  it('names file, line and field of each bad row', () => {
    const cases: [string, number, string | undefined, RegExp][] = [
      [`${H}\nu,A,1,view\n\nu,A,yesterday,view\n`, 4, 'timestamp', /"timestamp": not a date .*"yesterday"/],
      [`${H}\nu,A,2026-02-30,view\n`, 2, 'timestamp', /"2026-02-30"/],
      [`${H}\nu,A,1,view\n,A,1,view\n`, 3, 'shopper_id', /"shopper_id": missing shopper value/],
      [`${H}\nu,,1,view\n`, 2, 'item_id', /missing item value/],
      [`${H}\nu,A\n`, 2, 'timestamp', /missing time value/],
      [`${H}\nu,A,1,refund\n`, 2, 'event_type', /unknown event type "refund"/],
      [`${H}\n"u,A,1,view\n`, 2, undefined, /unterminated quoted field/],
      [`${H}\n"u"x,A,1,view\n`, 2, undefined, /unexpected text after the closing quote/],
    ];
    for (const [text, line, field, re] of cases) {
      const e = errorOf(() => importText(text, ['A']));
      expect(e.message, text).toMatch(new RegExp(`^events\\.csv:${line}: `));
      expect(e.message, text).toMatch(re);
      expect([e.fileName, e.line, e.field], text).toEqual(['events.csv', line, field]);
    }
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    const ev = importText(`${H}\n"Smith, J.","A ""big"" one",1,"add-to-cart"\n`, ['A "big" one']);
    expect(ev.shopperIds).toEqual(['Smith, J.']);
    expect(ev.byType.add_to_cart).toBe(1);
  });

  it('names the line of bad JSON Lines', () => {
    const j = (text: string) => errorOf(() => importText(text, ['A'], { format: 'jsonl' }, 'e.jsonl'));
    expect(j('{"user_id":"u","item_id":"A","ts":1}\n{"user_id":"u",\n').message).toMatch(/^e\.jsonl:2: not valid JSON/);
    expect(j('{"user_id":"u","item_id":"A","ts":1}\n[1]\n').message).toMatch(/^e\.jsonl:2: expected a JSON object/);
    expect(j('{"user_id":"u","ts":1}\n').message).toMatch(/^e\.jsonl:1: no item field \(looked for item_id, .*\); set --events-item-column/);
    expect(j('{"user_id":"u","item_id":"A","ts":1}\n{"user_id":"u","ts":1}\n').message).toMatch(/^e\.jsonl:2: "item_id": missing item value/);
    const e = j('{"user_id":{"id":1},"item_id":"A","ts":1}\n');
    expect([e.message, e.line, e.field]).toEqual(['e.jsonl:1: "user_id": must be a string or a number, got {"id":1}', 1, 'user_id']);
    expect(j('{"user_id":"u","item_id":"A","ts":"soon"}\n').message).toMatch(/^e\.jsonl:1: "ts": not a date/);
  });

  it('fails at finish when no event names a known product, with the counts', () => {
    const e = errorOf(() => importText(`${H}\nu,X,1,view\nu,Y,2,view\n`, ['A']));
    expect(e.message).toMatch(/^events\.csv: names no known product at all \(2 events, .*e\.g\. "X", "Y"\)/);
    expect(() => importText('', ['A'])).toThrow(/names no known product at all: the file is empty/);
    expect(() => importText(`${H}\n`, ['A'])).toThrow(/names no known product at all \(0 events/);
  });

  it('grows its typed arrays past the initial capacity (100k lines)', () => {
    const n = 100_000;
    const items = Array.from({ length: 500 }, (_, i) => `SKU-${i}`);
    function* lines() {
      yield 'visitor_id,product_id,time,action';
      for (let k = 0; k < n; k++) yield `visitor-${k % 7919},SKU-${(k * 31) % 500},${1_700_000_000 + k},${k % 10 === 0 ? 'cart' : 'view'}`;
    }
    const ev = importLines(lines(), 'big.csv', items);
    expect(ev.count).toBe(n);
    expect(ev.shopper.length).toBe(n);
    expect(ev.shopperIds.length).toBe(7919);
    expect(ev.item[n - 1]).toBe(((n - 1) * 31) % 500);
    expect(ev.time[n - 1]).toBe((1_700_000_000 + n - 1) * 1000);
    expect(ev.byType).toEqual({ view: n * 0.9, add_to_cart: n * 0.1, purchase: 0 });
    const s = timedSequences(ev, items.length);
    expect(s.length).toBe(7919);
    expect(s.reduce((a, x) => a + x.length, 0)).toBeLessThanOrEqual(n);
    // A small start doubles many times and gives the same arrays.
    const small = importLines(lines(), 'big.csv', items, { initialCapacity: 16 });
    expect(small.item).toEqual(ev.item);
  });
});

describe('recentTrending', () => {
  it('counts only the last `days` days, each shopper once at their strongest event', () => {
    const ev = importFixture('events.jsonl', RR);
    const last = recentTrending(ev, RR.length, 1);
    expect([last.from, last.to]).toEqual([1772964300000 - DAY, 1772964300000]);
    // v-483717 carted 248676 and viewed 318965; 1040 viewed 355908.
    expect(Array.from(last.scores)).toEqual([1, 2, 1].map((x) => Math.fround(Math.log1p(x))));
    const all = recentTrending(ev, RR.length, 30);
    // 355908: v-257597 viewed, carted and bought it (3, once) + 1040's view; 248676: a view and a cart.
    expect(Array.from(all.scores)).toEqual([4, 3, 2].map((x) => Math.fround(Math.log1p(x))));
  });

  it('includes an event exactly `days` before the last one and nothing earlier', () => {
    const t0 = Date.UTC(2026, 2, 10);
    const ev = importText(
      `user_id,item_id,timestamp,type\na,A,${t0 - 7 * DAY - 1},purchase\nb,B,${t0 - 7 * DAY},view\nc,C,${t0},add_to_cart\n`, ['A', 'B', 'C'],
    );
    const r = recentTrending(ev, 3, 7);
    expect(r.from).toBe(t0 - 7 * DAY);
    expect(Array.from(r.scores)).toEqual([0, 1, 2].map((x) => Math.fround(Math.log1p(x))));
    expect(() => recentTrending(ev, 3, 0)).toThrow(RangeError);
  });
});

describe('timeSplit', () => {
  /** 3000 shoppers with 1–6 distinct items each, their rows shuffled; returns the expected last item per id. */
  function synthetic(seed: number) {
    const items = Array.from({ length: 50 }, (_, i) => `P${i}`);
    const rows: string[] = [];
    const lastOf = new Map<string, number>();
    for (let s = 0; s < 3000; s++) {
      const n = 1 + (s % 6);
      for (let k = 0; k < n; k++) {
        const item = (s * 7 + k * 11) % 50;
        rows.push(`cust_${s},P${item},${1_772_000_000 + s * 100 + k * 10}`);
        if (k === n - 1) lastOf.set(`cust_${s}`, item);
      }
    }
    // Deterministic shuffle: files need not be sorted by shopper or time.
    let x = seed;
    for (let i = rows.length - 1; i > 0; i--) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const j = x % (i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const ev = importText(`customer_id,sku,ts\n${rows.join('\n')}\n`, items);
    return { ev, sequences: timedSequences(ev, items.length), lastOf };
  }

  it('holds out ≈10 % test and ≈10 % validation shoppers by a hash of their id, with their latest item as target', () => {
    const { ev, sequences, lastOf } = synthetic(1);
    const split = timeSplit(sequences, ev.shopperIds);
    const eligible = sequences.filter((s) => s.length >= 3).length;
    for (const h of [split.test, split.val]) {
      expect(h.users.length / eligible).toBeGreaterThan(0.07);
      expect(h.users.length / eligible).toBeLessThan(0.13);
      for (let k = 0; k < h.users.length; k++) {
        const u = h.users[k], seq = sequences[u];
        expect(seq.length).toBeGreaterThanOrEqual(3);
        expect(h.target[k]).toBe(lastOf.get(ev.shopperIds[u]));
        expect(Array.from(h.foldIn[k])).toEqual(Array.from(seq.slice(0, -1)));
        expect(split.train[u].length).toBe(0);
      }
    }
    for (const u of split.test.users) expect(shopperGroup(ev.shopperIds[u])).toBe(0);
    for (const u of split.val.users) expect(shopperGroup(ev.shopperIds[u])).toBe(1);
    // Everyone else trains, short shoppers included.
    const held = split.test.users.length + split.val.users.length;
    expect(split.trainUsers.length + held).toBe(sequences.length);
    expect(Array.from(split.trainUsers).some((u) => sequences[u].length < 3)).toBe(true);
    expect(split.isCold).toBeUndefined();
  });

  it('is deterministic, and its fingerprints do not depend on the order of the file', () => {
    const a = synthetic(1), b = synthetic(2);
    expect(a.ev.shopperIds).not.toEqual(b.ev.shopperIds);
    const sa = timeSplit(a.sequences, a.ev.shopperIds);
    expect(timeSplit(a.sequences, a.ev.shopperIds)).toEqual(sa);
    const fa = timeSplitFingerprints(sa, a.ev.shopperIds);
    expect(fa.test_users_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fa.test_users_sha256).not.toBe(fa.val_users_sha256);
    expect(timeSplitFingerprints(timeSplit(b.sequences, b.ev.shopperIds), b.ev.shopperIds)).toEqual(fa);
  });

  it('hashes ids as documented (first 4 bytes of sha256, big-endian, mod 10)', () => {
    for (const id of ['cust_8812', 'v-257597', 'Smith, J.', 'é€😀']) {
      expect(shopperGroup(id), id).toBe(createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % 10);
    }
  });
});
