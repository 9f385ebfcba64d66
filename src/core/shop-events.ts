/**
 * A shop's own history of shopper events (an order export or an event stream with string ids
 * and timestamps), read one line at a time into columnar typed arrays, and turned into what the
 * base-model trainer needs: per-shopper sequences ordered by time, a recent-trending signal, and
 * a time-based leave-last-out split (the shop's version of docs/evaluation-protocol.md).
 *
 * Pure: the caller reads the file (e.g. Node's readline) and hands over lines. Files reach
 * ~10M events, so nothing here keeps the text or one JS object per event.
 */
import type { DatasetSplit, HeldOutUsers, Sequences } from './dataset';
import { sha256, sha256HexOfText, utf8Bytes } from './sha256';

/** The kinds of event a shop export may hold, weakest evidence of taste first. */
export type EventType = 'view' | 'add_to_cart' | 'purchase';

/** `ShopEvents.type[i]` indexes this list (0 view, 1 add_to_cart, 2 purchase). */
export const EVENT_TYPES: readonly EventType[] = ['view', 'add_to_cart', 'purchase'];

/**
 * Column (CSV) or key (JSON Lines) names of each field. Matched case-insensitively, with runs of
 * spaces and hyphens read as `_`, so a spreadsheet's `Customer ID` or `Created At` matches
 * `customer_id` or `created_at`.
 */
export interface EventColumns {
  shopper: string;
  item: string;
  time: string;
  type?: string;
}

type Role = 'shopper' | 'item' | 'time' | 'type';
const ROLES: readonly Role[] = ['shopper', 'item', 'time', 'type'];

/**
 * Names tried when no column is given for a role, in priority order (the first one present
 * wins, whatever its position in the header): the specific names come before the generic ones
 * so that e.g. `item_id` beats a stray `id`.
 */
export const DEFAULT_EVENT_COLUMNS: Readonly<Record<Role, readonly string[]>> = {
  shopper: ['shopper_id', 'user_id', 'customer_id', 'visitor_id', 'visitorid', 'session_id', 'shopper', 'user', 'customer'],
  item: ['item_id', 'product_id', 'itemid', 'sku', 'variant_sku', 'id', 'item', 'product'],
  time: ['timestamp', 'time', 'event_time', 'created_at', 'date', 'ts'],
  type: ['event_type', 'event', 'type', 'action'],
};

/** Thrown for an events file that cannot be used; the message starts `FILE:LINE: ` and names the field. */
export class EventsError extends Error {
  override name = 'EventsError';
  constructor(message: string, readonly fileName: string, readonly line?: number, readonly field?: string) {
    super(message);
  }
}

/** Options of `EventImporter`. */
export interface EventImporterOptions {
  /** Used in error messages only. */
  fileName: string;
  format: 'csv' | 'jsonl';
  /** Column names that override the defaults (`--events-shopper-column` etc. in the build script). */
  columns?: Partial<EventColumns>;
  /** The catalogue's index of a product id, or undefined for a product not in the catalogue. */
  resolveItem: (id: string) => number | undefined;
  /** Type of events without a type column or value; `purchase` (an order export) by default. */
  defaultType?: EventType;
  /** Events to allocate room for at first (default 65 536); the arrays double when full. */
  initialCapacity?: number;
}

/** Events as parallel arrays in file order, one entry per event naming a known product. */
export interface ShopEvents {
  count: number;
  /** Dense shopper index: `shopperIds[shopper[i]]` is the id in the file. */
  shopper: Int32Array;
  /** Catalogue index from `resolveItem`. */
  item: Int32Array;
  /** Milliseconds since 1970-01-01T00:00:00Z. */
  time: Float64Array;
  /** Index into `EVENT_TYPES`. */
  type: Uint8Array;
  /** Shopper ids in order of first appearance. */
  shopperIds: string[];
  /** Earliest and latest `time` (not the first and last line: files need not be sorted). */
  firstTime: number;
  lastTime: number;
  skipped: { unknownItem: number; unknownItemExamples: string[]; blankLines: number };
  byType: Record<EventType, number>;
}

const VIEW = 0, ADD_TO_CART = 1, PURCHASE = 2;

/**
 * Type names after lower-casing and dropping ` `, `-` and `_`, so `Add-To-Cart`, `add_to_cart`
 * and `addtocart` (Retailrocket) are one entry.
 */
const TYPE_SYNONYMS = new Map<string, number>([
  ['view', VIEW], ['views', VIEW], ['viewed', VIEW], ['detail', VIEW], ['pageview', VIEW], ['productview', VIEW],
  ['productviewed', VIEW], ['viewitem', VIEW],
  ['addtocart', ADD_TO_CART], ['addedtocart', ADD_TO_CART], ['cart', ADD_TO_CART], ['addtobasket', ADD_TO_CART],
  ['purchase', PURCHASE], ['purchased', PURCHASE], ['transaction', PURCHASE], ['order', PURCHASE],
  ['checkoutcompleted', PURCHASE], ['buy', PURCHASE], ['orderplaced', PURCHASE],
]);

/** The event type a value names, or undefined if it names none. */
export function parseEventType(s: string): EventType | undefined {
  const code = TYPE_SYNONYMS.get(s.trim().toLowerCase().replace(/[\s_-]+/g, ''));
  return code === undefined ? undefined : EVENT_TYPES[code];
}

/**
 * Guesses the format from the first non-blank line: an object is JSON Lines, anything else is
 * CSV. A `.jsonl`/`.ndjson`/`.json` file that does not start with an object is an error rather
 * than being read as a one-column CSV.
 */
export function detectEventsFormat(firstLine: string, fileName: string): 'csv' | 'jsonl' {
  const s = firstLine.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('{')) return 'jsonl';
  if (s.startsWith('[')) {
    throw new EventsError(`${fileName}:1: a JSON array, not JSON Lines: write one event object per line`, fileName, 1);
  }
  if (/\.(jsonl|ndjson|json)$/i.test(fileName)) {
    throw new EventsError(`${fileName}:1: expected one JSON object per line, got ${JSON.stringify(s.slice(0, 60))}`, fileName, 1);
  }
  return 'csv';
}

const UNIX = /^\d+(\.\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Milliseconds since the epoch of an ISO 8601 date (`2026-03-01T12:00:00Z`, with an offset,
 * fractional seconds, a space for the `T`, or a date alone) or of a Unix time in seconds or
 * milliseconds (a number or a numeric string). Undefined for anything else.
 *
 * A date-time without offset is taken as UTC: exports usually write server time in UTC, and
 * reading it as local time would make the model depend on the machine that builds it.
 */
export function parseTimestamp(s: string | number): number | undefined {
  if (typeof s === 'number') return unixMs(s);
  const t = s.trim();
  if (UNIX.test(t)) return unixMs(Number(t));
  const m = ISO.exec(t);
  if (!m) return undefined;
  const year = +m[1], month = +m[2], day = +m[3];
  const hour = m[4] === undefined ? 0 : +m[4], minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  // Checked here because Date.UTC would roll 2026-02-30 over into March: a typo, not a time.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + (m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000);
  const zone = m[8];
  if (zone === undefined || zone === 'Z' || zone === 'z') return ms;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offH = +digits.slice(0, 2), offM = digits.length > 2 ? +digits.slice(2) : 0;
  if (offH > 23 || offM > 59) return undefined;
  // 12:00+02:00 is 10:00Z.
  return ms - sign * (offH * 60 + offM) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * Unix seconds or milliseconds. 1e11 splits them without overlap for any real shop: 1e11 s is
 * the year 5138, and 1e11 ms is March 1973, before any web shop's data.
 */
function unixMs(v: number): number | undefined {
  if (!Number.isFinite(v) || v < 0) return undefined;
  return v < 1e11 ? v * 1000 : v;
}

/**
 * Splits one CSV line into fields: quoted fields may hold commas and doubled quotes. Events are
 * one per line, so a quote left open at the end of the line is an error (the caller reads line
 * by line and cannot join records). Returns a message instead of the fields on error.
 */
function splitCsvLine(line: string): string[] | string {
  // Most export lines have no quotes at all.
  if (line.indexOf('"') < 0) return line.split(',');
  const fields: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let out = '';
      let from = ++i;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return `unterminated quoted field in column ${fields.length + 1} (an event must fit on one line)`;
        if (line.charCodeAt(q + 1) === 34) {
          out += line.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        out += line.slice(from, q);
        i = q + 1;
        break;
      }
      if (i < n && line.charCodeAt(i) !== 44) return `unexpected text after the closing quote of column ${fields.length + 1}`;
      fields.push(out);
    } else {
      const j = line.indexOf(',', i);
      const end = j < 0 ? n : j;
      // A quote inside an unquoted field is kept as text, as csv.ts and spreadsheets do.
      fields.push(line.slice(i, end));
      i = end;
    }
    if (i >= n) return fields;
    i++; // the comma
    if (i === n) {
      fields.push('');
      return fields;
    }
  }
}

/**
 * A fresh copy of a string. V8 may keep a short slice of a line as a pointer into the whole
 * line; a shopper id kept in the Map for the whole import would then pin its line in memory.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** How column and key names are compared: see `EventColumns`. */
function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

const DEFAULT_CAPACITY = 1 << 16;

/**
 * Reads an events file line by line into columnar typed arrays. Feed every line (blank ones
 * too, so that line numbers and counts are right) to `addLine`, then call `finish` once.
 */
export class EventImporter {
  private readonly fileName: string;
  private readonly format: 'csv' | 'jsonl';
  private readonly resolveItem: (id: string) => number | undefined;
  private readonly defaultType: number;
  /** Names tried per role, lower-case; a given column is the only name tried. */
  private readonly candidates: Record<Role, readonly string[]>;
  /** Columns given by the caller, as given (for messages). */
  private readonly given: Partial<Record<Role, string>> = {};

  private shopperArr: Int32Array;
  private itemArr: Int32Array;
  private timeArr: Float64Array;
  private typeArr: Uint8Array;
  private count = 0;
  private readonly shopperIndex = new Map<string, number>();
  private readonly shopperIds: string[] = [];
  private firstTime = Infinity;
  private lastTime = -Infinity;
  private unknownItem = 0;
  private readonly unknownItemExamples: string[] = [];
  private blankLines = 0;
  private readonly byType = [0, 0, 0];
  /** Raw type value → code; exports repeat a handful of values millions of times. */
  private readonly typeCache = new Map<string, number>();
  private finished = false;

  /** CSV: header fields and the column of each role (-1 for an absent type column). */
  private header: string[] | undefined;
  private col: Record<Role, number> = { shopper: -1, item: -1, time: -1, type: -1 };
  /** JSON Lines: the key used for each role on the previous line, tried first on the next. */
  private key: Partial<Record<Role, string>> = {};

  constructor(opts: EventImporterOptions) {
    this.fileName = opts.fileName;
    this.format = opts.format;
    this.resolveItem = opts.resolveItem;
    this.defaultType = EVENT_TYPES.indexOf(opts.defaultType ?? 'purchase');
    if (this.defaultType < 0) throw new RangeError(`EventImporter: unknown default type ${String(opts.defaultType)}`);
    const c = {} as Record<Role, readonly string[]>;
    for (const role of ROLES) {
      const given = opts.columns?.[role];
      if (given !== undefined && given.trim() !== '') {
        c[role] = [normalizeName(given)];
        this.given[role] = given.trim();
      } else {
        c[role] = DEFAULT_EVENT_COLUMNS[role];
      }
    }
    this.candidates = c;
    const cap = Math.max(16, Math.floor(opts.initialCapacity ?? DEFAULT_CAPACITY));
    this.shopperArr = new Int32Array(cap);
    this.itemArr = new Int32Array(cap);
    this.timeArr = new Float64Array(cap);
    this.typeArr = new Uint8Array(cap);
  }

  /** One line of the file (without its line break), 1-based line number. CSV: the first non-blank line is the header. */
  addLine(line: string, lineNo: number): void {
    if (this.finished) throw new Error('EventImporter: addLine after finish');
    // readline keeps a BOM on the first line and, without crlfDelay, a CR at the end.
    if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.trim() === '') {
      this.blankLines++;
      return;
    }
    if (this.format === 'csv') this.addCsvLine(line, lineNo);
    else this.addJsonLine(line, lineNo);
  }

  /**
   * The events read so far. Throws if none named a product of the catalogue: the item column
   * (or the catalogue) is then almost surely the wrong one. The arrays are views of the
   * importer's buffers (no copy of a file's worth of events).
   */
  finish(): ShopEvents {
    this.finished = true;
    const f = this.fileName;
    if (this.format === 'csv' && this.header === undefined) {
      throw new EventsError(`${f}: names no known product at all: the file is empty (no header line)`, f);
    }
    if (this.count === 0) {
      const examples = this.unknownItemExamples.map((s) => JSON.stringify(s)).join(', ');
      throw new EventsError(
        `${f}: names no known product at all (${this.unknownItem} events, all with product ids not in the catalogue` +
          (examples ? `, e.g. ${examples}` : '') + '); check the item column and that the ids match the catalogue',
        f,
      );
    }
    const n = this.count;
    return {
      count: n,
      shopper: this.shopperArr.subarray(0, n),
      item: this.itemArr.subarray(0, n),
      time: this.timeArr.subarray(0, n),
      type: this.typeArr.subarray(0, n),
      shopperIds: this.shopperIds,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      skipped: { unknownItem: this.unknownItem, unknownItemExamples: this.unknownItemExamples.slice(), blankLines: this.blankLines },
      byType: { view: this.byType[VIEW], add_to_cart: this.byType[ADD_TO_CART], purchase: this.byType[PURCHASE] },
    };
  }

  private fail(lineNo: number, field: string | undefined, message: string): never {
    const f = this.fileName;
    throw new EventsError(`${f}:${lineNo}: ${field === undefined ? '' : `"${field}": `}${message}`, f, lineNo, field);
  }

  private flagOf(role: Role): string {
    return `--events-${role}-column`;
  }

  private readHeader(line: string, lineNo: number): void {
    const fields = splitCsvLine(line);
    if (typeof fields === 'string') this.fail(lineNo, undefined, `header: ${fields}`);
    this.header = fields.map((h) => h.trim());
    const lower = this.header.map(normalizeName);
    for (const role of ROLES) {
      let k = -1;
      for (const name of this.candidates[role]) {
        k = lower.indexOf(name);
        if (k >= 0) break;
      }
      this.col[role] = k;
      if (k >= 0 || (role === 'type' && this.given.type === undefined)) continue;
      const what = this.given[role] !== undefined
        ? `no column "${this.given[role]}" (given by ${this.flagOf(role)})`
        : `no ${role} column (looked for ${this.candidates[role].join(', ')}); set ${this.flagOf(role)}`;
      this.fail(lineNo, undefined, `${what}; the header is ${JSON.stringify(line)}`);
    }
  }

  private addCsvLine(line: string, lineNo: number): void {
    if (this.header === undefined) {
      this.readHeader(line, lineNo);
      return;
    }
    const fields = splitCsvLine(line);
    if (typeof fields === 'string') this.fail(lineNo, undefined, fields);
    const get = (role: Role): string | undefined => {
      const k = this.col[role];
      if (k < 0 || k >= fields.length) return undefined;
      const v = fields[k].trim();
      return v === '' ? undefined : v;
    };
    const name = (role: Role) => (this.col[role] >= 0 ? this.header![this.col[role]] : role);
    this.addEvent(lineNo, get('shopper'), get('item'), get('time'), get('type'), name);
  }

  private addJsonLine(line: string, lineNo: number): void {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      this.fail(lineNo, undefined, `not valid JSON (${(e as Error).message})`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      this.fail(lineNo, undefined, `expected a JSON object, got ${JSON.stringify(line.slice(0, 60))}`);
    }
    const rec = obj as Record<string, unknown>;
    const get = (role: Role): string | undefined => {
      let key = this.key[role];
      if (key === undefined || !(key in rec)) {
        key = this.findKey(rec, role);
        if (key === undefined) return undefined;
        this.key[role] = key;
      }
      const v = rec[key];
      if (v === null || v === undefined) return undefined;
      if (typeof v === 'number') return String(v);
      if (typeof v !== 'string') this.fail(lineNo, key, `must be a string or a number, got ${JSON.stringify(v)}`);
      const t = v.trim();
      return t === '' ? undefined : t;
    };
    const name = (role: Role) => this.key[role] ?? role;
    this.addEvent(lineNo, get('shopper'), get('item'), get('time'), get('type'), name);
  }

  /** The key of `rec` for a role: the first candidate present, compared case-insensitively. */
  private findKey(rec: Record<string, unknown>, role: Role): string | undefined {
    const keys = Object.keys(rec);
    const lower = keys.map(normalizeName);
    for (const name of this.candidates[role]) {
      const k = lower.indexOf(name);
      if (k >= 0) return keys[k];
    }
    return undefined;
  }

  private missing(lineNo: number, role: Role, name: (role: Role) => string): never {
    if (this.format === 'jsonl' && this.key[role] === undefined) {
      this.fail(lineNo, undefined, `no ${role} field (looked for ${this.candidates[role].join(', ')}); set ${this.flagOf(role)}`);
    }
    this.fail(lineNo, name(role), `missing ${role} value`);
  }

  private addEvent(
    lineNo: number, shopperId: string | undefined, itemId: string | undefined, timeText: string | undefined,
    typeText: string | undefined, name: (role: Role) => string,
  ): void {
    if (shopperId === undefined) this.missing(lineNo, 'shopper', name);
    if (itemId === undefined) this.missing(lineNo, 'item', name);
    if (timeText === undefined) this.missing(lineNo, 'time', name);
    const time = parseTimestamp(timeText);
    if (time === undefined) {
      this.fail(lineNo, name('time'), `not a date (ISO 8601) or Unix time in seconds or milliseconds: ${JSON.stringify(timeText)}`);
    }
    let type = this.defaultType;
    if (typeText !== undefined) {
      let code = this.typeCache.get(typeText);
      if (code === undefined) {
        const t = parseEventType(typeText);
        if (t === undefined) {
          this.fail(lineNo, name('type'), `unknown event type ${JSON.stringify(typeText)} (expected view, add_to_cart or purchase, or a synonym)`);
        }
        code = EVENT_TYPES.indexOf(t);
        if (this.typeCache.size < 1000) this.typeCache.set(typeText, code);
      }
      type = code;
    }
    // Checked after the row is known to be well formed, so a malformed row is an error even
    // when its product is unknown.
    const item = this.resolveItem(itemId);
    if (item === undefined) {
      this.unknownItem++;
      if (this.unknownItemExamples.length < 5 && !this.unknownItemExamples.includes(itemId)) {
        this.unknownItemExamples.push(detach(itemId));
      }
      return;
    }
    let shopper = this.shopperIndex.get(shopperId);
    if (shopper === undefined) {
      shopper = this.shopperIds.length;
      const id = detach(shopperId);
      this.shopperIndex.set(id, shopper);
      this.shopperIds.push(id);
    }
    if (this.count === this.shopperArr.length) this.grow();
    const i = this.count++;
    this.shopperArr[i] = shopper;
    this.itemArr[i] = item;
    this.timeArr[i] = time;
    this.typeArr[i] = type;
    this.byType[type]++;
    if (time < this.firstTime) this.firstTime = time;
    if (time > this.lastTime) this.lastTime = time;
  }

  /** Doubles the capacity: amortised O(1) per event, and at most twice the memory needed. */
  private grow(): void {
    const cap = this.shopperArr.length * 2;
    const s = new Int32Array(cap); s.set(this.shopperArr); this.shopperArr = s;
    const it = new Int32Array(cap); it.set(this.itemArr); this.itemArr = it;
    const t = new Float64Array(cap); t.set(this.timeArr); this.timeArr = t;
    const ty = new Uint8Array(cap); ty.set(this.typeArr); this.typeArr = ty;
  }
}

/**
 * Event indices grouped by shopper (counting sort, so file order within each shopper):
 * shopper s's events are `order[offsets[s] .. offsets[s + 1])`.
 */
function groupByShopper(events: ShopEvents, keep?: (i: number) => boolean): { order: Int32Array; offsets: Int32Array } {
  const nShoppers = events.shopperIds.length;
  const offsets = new Int32Array(nShoppers + 1);
  let kept = 0;
  for (let i = 0; i < events.count; i++) {
    if (keep && !keep(i)) continue;
    offsets[events.shopper[i] + 1]++;
    kept++;
  }
  for (let s = 0; s < nShoppers; s++) offsets[s + 1] += offsets[s];
  const fill = offsets.slice(0, nShoppers);
  const order = new Int32Array(kept);
  for (let i = 0; i < events.count; i++) {
    if (keep && !keep(i)) continue;
    order[fill[events.shopper[i]]++] = i;
  }
  return { order, offsets };
}

function checkItems(events: ShopEvents, nItems: number, caller: string): void {
  for (let i = 0; i < events.count; i++) {
    const it = events.item[i];
    if (it < 0 || it >= nItems) throw new RangeError(`${caller}: item index ${it} is outside 0..${nItems - 1}`);
  }
}

/** Options of `timedSequences`. */
export interface TimedSequenceOptions {
  /** Only events of these types count (default: all). */
  types?: readonly EventType[];
}

/**
 * Per shopper index, the items in order of time (equal times keep file order), each item once
 * at its first occurrence: what `buildSequences` gives for the research format, so the result
 * goes straight to `trainBaseModel`. Every shopper keeps their sequence, however short (empty
 * if `types` filtered all their events out).
 */
export function timedSequences(events: ShopEvents, nItems: number, options: TimedSequenceOptions = {}): Sequences {
  checkItems(events, nItems, 'timedSequences');
  let keep: ((i: number) => boolean) | undefined;
  if (options.types) {
    const allowed = new Uint8Array(EVENT_TYPES.length);
    for (const t of options.types) allowed[EVENT_TYPES.indexOf(t)] = 1;
    keep = (i) => allowed[events.type[i]] === 1;
  }
  const { order, offsets } = groupByShopper(events, keep);
  const { time, item } = events;
  // seenBy[item] = last shopper who had it: one array instead of a Set per shopper.
  const seenBy = new Int32Array(nItems).fill(-1);
  const nShoppers = events.shopperIds.length;
  const sequences: Sequences = new Array(nShoppers);
  const buf = new Int32Array(Math.max(1, maxRun(offsets)));
  for (let s = 0; s < nShoppers; s++) {
    const slice = order.subarray(offsets[s], offsets[s + 1]);
    let sorted = true;
    for (let k = 1; k < slice.length && sorted; k++) sorted = time[slice[k - 1]] <= time[slice[k]];
    // Files are often in time order already; when not, ties fall back to file order (the index).
    if (!sorted) slice.sort((a, b) => time[a] - time[b] || a - b);
    let len = 0;
    for (let k = 0; k < slice.length; k++) {
      const it = item[slice[k]];
      if (seenBy[it] === s) continue;
      seenBy[it] = s;
      buf[len++] = it;
    }
    sequences[s] = buf.slice(0, len);
  }
  return sequences;
}

function maxRun(offsets: Int32Array): number {
  let m = 0;
  for (let s = 0; s + 1 < offsets.length; s++) m = Math.max(m, offsets[s + 1] - offsets[s]);
  return m;
}

/**
 * Why these weights: views outnumber carts and purchases by one to two orders of magnitude,
 * so unweighted counts would rank what is browsed rather than what sells; a purchase is the
 * strongest evidence of demand, a cart add shows intent, a view only interest.
 */
const TREND_WEIGHT = [1, 2, 3];
const DAY_MS = 86_400_000;

/**
 * What is in demand now: over the events in the last `days` days before the file's last
 * timestamp (`from` ≤ time ≤ `to`), each shopper adds to an item the weight of their strongest
 * event with it (purchase 3, add_to_cart 2, view 1) — once per shopper, so that one shopper
 * reloading a page cannot make an item trend. Scores are log(1 + total), like `popularity`.
 */
export function recentTrending(events: ShopEvents, nItems: number, days: number): { scores: Float32Array; from: number; to: number } {
  if (!(days > 0) || !Number.isFinite(days)) throw new RangeError(`recentTrending: days must be a positive number, got ${days}`);
  checkItems(events, nItems, 'recentTrending');
  const to = events.lastTime;
  const from = to - days * DAY_MS;
  const { time, item, type } = events;
  const { order, offsets } = groupByShopper(events, (i) => time[i] >= from);
  const total = new Float64Array(nItems);
  // Per item, the shopper whose best weight `best[item]` holds (stamps instead of a Set per shopper).
  const owner = new Int32Array(nItems).fill(-1);
  const best = new Uint8Array(nItems);
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let k = offsets[s]; k < offsets[s + 1]; k++) {
      const i = order[k], it = item[i], w = TREND_WEIGHT[type[i]];
      if (owner[it] !== s) {
        owner[it] = s;
        best[it] = w;
        total[it] += w;
      } else if (w > best[it]) {
        total[it] += w - best[it];
        best[it] = w;
      }
    }
  }
  return { scores: Float32Array.from(total, Math.log1p), from, to };
}

/** Options of `timeSplit`. */
export interface TimeSplitOptions {
  /** Shoppers with fewer distinct items are never held out (default 3, as in the protocol). */
  minLength?: number;
}

/**
 * 0–9 from a shopper id: the first four bytes of sha256(UTF-8 id), big-endian, mod 10. A hash
 * of the id (not the dense index, which depends on file order) keeps a shopper in the same
 * group across re-exports, and anyone can recompute it, e.g. in Python:
 * `int.from_bytes(hashlib.sha256(id.encode()).digest()[:4], "big") % 10`.
 */
export function shopperGroup(shopperId: string): number {
  const d = sha256(utf8Bytes(shopperId));
  return (((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0) % 10;
}

/**
 * The time-based holdout of a shop's own data (docs/evaluation-protocol.md with time for
 * position and hashed string ids for user_idx): among shoppers with at least `minLength`
 * distinct items, group 0 (≈10 %) is test and group 1 (≈10 %) validation; each of them has
 * their latest item as target and the earlier ones as fold-in. Everyone else trains — shoppers
 * too short to hold out included, unlike the protocol, which drops them: in a shop's own data
 * every shopper is signal for the base model.
 */
export function timeSplit(sequences: Sequences, shopperIds: readonly string[], options: TimeSplitOptions = {}): DatasetSplit {
  if (sequences.length !== shopperIds.length) {
    throw new RangeError(`timeSplit: ${sequences.length} sequences but ${shopperIds.length} shopper ids`);
  }
  const minLength = Math.max(2, options.minLength ?? 3);
  const empty = new Int32Array(0);
  const train: Sequences = new Array(sequences.length);
  const trainUsers: number[] = [];
  const held = [0, 1].map(() => ({ users: [] as number[], foldIn: [] as Int32Array[], target: [] as number[] }));
  for (let u = 0; u < sequences.length; u++) {
    const seq = sequences[u];
    train[u] = empty;
    const group = seq.length >= minLength ? shopperGroup(shopperIds[u]) : -1;
    if (group === 0 || group === 1) {
      const h = held[group];
      h.users.push(u);
      h.foldIn.push(seq.slice(0, seq.length - 1));
      h.target.push(seq[seq.length - 1]);
    } else if (seq.length > 0) {
      train[u] = seq;
      trainUsers.push(u);
    }
  }
  const pack = (h: (typeof held)[number]): HeldOutUsers => ({
    users: Int32Array.from(h.users), foldIn: h.foldIn, target: Int32Array.from(h.target),
  });
  return { train, trainUsers: Int32Array.from(trainUsers), val: pack(held[1]), test: pack(held[0]) };
}

/**
 * Fingerprints of a `timeSplit`, like `splitFingerprints`: sha256 of the lines
 * `shopper_id,target_item_idx,fold_in_length\n`, one per test (validation) shopper in order of
 * shopper id (UTF-16 code units), so a re-export with its rows in another order gives the same
 * value. Item indices are the catalogue's, so a reordered catalogue changes it.
 */
export function timeSplitFingerprints(split: DatasetSplit, shopperIds: readonly string[]): { test_users_sha256: string; val_users_sha256: string } {
  const text = (h: HeldOutUsers): string => {
    const ks = Array.from(h.users.keys()).sort((a, b) => {
      const x = shopperIds[h.users[a]], y = shopperIds[h.users[b]];
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return ks.map((k) => `${shopperIds[h.users[k]]},${h.target[k]},${h.foldIn[k].length}\n`).join('');
  };
  return { test_users_sha256: sha256HexOfText(text(split.test)), val_users_sha256: sha256HexOfText(text(split.val)) };
}
