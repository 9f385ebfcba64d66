/**
 * The evaluation dataset (docs/evaluation-protocol.md): parsing `interactions.csv` and
 * `items.csv` from text, and the deterministic split with its fingerprints. Pure: the caller
 * reads the files.
 */
import { parseCsv, CsvError, type CsvRow } from './csv';
import { sha256HexOfText } from './sha256';

/** Thrown for a dataset that cannot be used; the message names the file and line. */
export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(message: string, readonly fileName?: string, readonly line?: number) {
    super(message);
  }
}

/** Interactions in file order, as parallel arrays (one entry per data row). */
export interface Interactions {
  fileName: string;
  count: number;
  user: Int32Array;
  item: Int32Array;
  position: Float64Array;
  /** 1-based line number of each row, for error messages. */
  line: Int32Array;
  /** max(user_idx) + 1. */
  nUsers: number;
}

/** The item table: `titles[item_idx]`; item_idx must run 0..nItems-1 without gaps. */
export interface ItemTable {
  fileName: string;
  nItems: number;
  titles: string[];
}

/** Per-user item sequences, indexed by user_idx (empty for absent or dropped users). */
export type Sequences = Int32Array[];

function parseRows(text: string, fileName: string): CsvRow[] {
  try {
    return parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new DatasetError(`${fileName}: ${e.message}`, fileName, e.line);
    throw e;
  }
}

function columnIndex(header: CsvRow, name: string, fileName: string): number {
  const k = header.fields.findIndex((f) => f.trim().toLowerCase() === name);
  if (k < 0) {
    throw new DatasetError(
      `${fileName}:${header.line}: missing column "${name}" (header is ${JSON.stringify(header.fields.join(','))})`,
      fileName, header.line,
    );
  }
  return k;
}

function field(row: CsvRow, k: number, name: string, fileName: string): string {
  if (k >= row.fields.length) {
    throw new DatasetError(`${fileName}:${row.line}: row has ${row.fields.length} fields, no "${name}"`, fileName, row.line);
  }
  return row.fields[k];
}

const INT = /^\s*\d+\s*$/;
const NUM = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function intField(row: CsvRow, k: number, name: string, fileName: string): number {
  const s = field(row, k, name, fileName);
  if (!INT.test(s)) {
    throw new DatasetError(`${fileName}:${row.line}: "${name}" must be a non-negative integer, got ${JSON.stringify(s)}`, fileName, row.line);
  }
  const v = Number(s);
  if (v > 0x7fffffff) throw new DatasetError(`${fileName}:${row.line}: "${name}" ${s} is too large`, fileName, row.line);
  return v;
}

/**
 * Parses `interactions.csv` (`user_idx,item_idx,position`, columns by name, extra columns
 * ignored). When `items` is given, every item_idx must be in it.
 */
export function parseInteractions(text: string, fileName: string, items?: ItemTable): Interactions {
  const rows = parseRows(text, fileName);
  if (rows.length === 0) throw new DatasetError(`${fileName}: empty file (expected a header row)`, fileName, 1);
  const header = rows[0];
  const cu = columnIndex(header, 'user_idx', fileName);
  const ci = columnIndex(header, 'item_idx', fileName);
  const cp = columnIndex(header, 'position', fileName);
  const count = rows.length - 1;
  const user = new Int32Array(count), item = new Int32Array(count), line = new Int32Array(count);
  const position = new Float64Array(count);
  let nUsers = 0;
  for (let r = 0; r < count; r++) {
    const row = rows[r + 1];
    user[r] = intField(row, cu, 'user_idx', fileName);
    item[r] = intField(row, ci, 'item_idx', fileName);
    const ps = field(row, cp, 'position', fileName);
    if (!NUM.test(ps)) {
      throw new DatasetError(`${fileName}:${row.line}: "position" must be a number, got ${JSON.stringify(ps)}`, fileName, row.line);
    }
    position[r] = Number(ps);
    line[r] = row.line;
    if (user[r] + 1 > nUsers) nUsers = user[r] + 1;
    if (items && item[r] >= items.nItems) {
      throw new DatasetError(
        `${fileName}:${row.line}: item_idx ${item[r]} is not in ${items.fileName} (which has items 0..${items.nItems - 1})`,
        fileName, row.line,
      );
    }
  }
  return { fileName, count, user, item, position, line, nUsers };
}

/**
 * Parses `items.csv` (`item_idx` plus a `title` or `text` column). Titles are cleaned for
 * display: HTML entities (the Amazon data has `&amp;`, `&#39;`, …) are decoded and whitespace
 * collapsed; an empty title becomes `Item <idx>`.
 */
export function parseItems(text: string, fileName: string): ItemTable {
  const rows = parseRows(text, fileName);
  if (rows.length === 0) throw new DatasetError(`${fileName}: empty file (expected a header row)`, fileName, 1);
  const header = rows[0];
  const ci = columnIndex(header, 'item_idx', fileName);
  const hasTitle = header.fields.some((f) => f.trim().toLowerCase() === 'title');
  const ct = columnIndex(header, hasTitle ? 'title' : 'text', fileName);
  const byIdx: (string | undefined)[] = [];
  const lineOf: number[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const idx = intField(row, ci, 'item_idx', fileName);
    const title = field(row, ct, hasTitle ? 'title' : 'text', fileName);
    if (byIdx[idx] !== undefined) {
      throw new DatasetError(`${fileName}:${row.line}: duplicate item_idx ${idx} (first on line ${lineOf[idx]})`, fileName, row.line);
    }
    byIdx[idx] = cleanTitle(title) || `Item ${idx}`;
    lineOf[idx] = row.line;
  }
  const nItems = byIdx.length;
  const titles: string[] = new Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const t = byIdx[i];
    // Model rows are item_idx, so a gap would be a row with no catalogue entry.
    if (t === undefined) throw new DatasetError(`${fileName}: item_idx must run 0..${nItems - 1} without gaps; ${i} is missing`, fileName);
    titles[i] = t;
  }
  return { fileName, nItems, titles };
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', reg: '®', trade: '™', copy: '©',
  rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', ndash: '–', mdash: '—', hellip: '…', eacute: 'é',
};

/** Decodes HTML entities and collapses whitespace: the Amazon titles are HTML-escaped. */
export function cleanTitle(raw: string): string {
  return raw
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, body: string) => {
      if (body[0] === '#') {
        const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return NAMED_ENTITIES[body.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Parses both files and checks that every interaction's item is in the item table. */
export function parseDataset(
  interactions: { text: string; fileName: string },
  items: { text: string; fileName: string },
): { interactions: Interactions; items: ItemTable } {
  const table = parseItems(items.text, items.fileName);
  return { interactions: parseInteractions(interactions.text, interactions.fileName, table), items: table };
}

/**
 * Step 1 of the split: each user's items ordered by position (ties keep file order), with
 * repeated (user, item) pairs reduced to their first occurrence. Users with fewer than
 * `minLength` items get an empty sequence (0 keeps everyone).
 */
export function buildSequences(data: Interactions, minLength = 3): Sequences {
  const order = new Int32Array(data.count);
  for (let r = 0; r < data.count; r++) order[r] = r;
  const { user, position } = data;
  // Sort by (user, position, file order): stable and total, so deterministic.
  order.sort((a, b) => user[a] - user[b] || position[a] - position[b] || a - b);
  const sequences: Sequences = new Array(data.nUsers);
  const empty = new Int32Array(0);
  let r = 0;
  for (let u = 0; u < data.nUsers; u++) {
    const seen = new Set<number>();
    const seq: number[] = [];
    while (r < data.count && user[order[r]] === u) {
      const it = data.item[order[r]];
      if (!seen.has(it)) {
        seen.add(it);
        seq.push(it);
      }
      r++;
    }
    sequences[u] = seq.length >= minLength && seq.length > 0 ? Int32Array.from(seq) : empty;
  }
  return sequences;
}

/** Users held out with leave-last-out: fold-in = all but the last item, target = the last. */
export interface HeldOutUsers {
  users: Int32Array;
  foldIn: Int32Array[];
  target: Int32Array;
}

/** The protocol's split of step-1 sequences. */
export interface DatasetSplit {
  /** Sequences of the training users (user_idx % 10 ∉ {0, 1}); others are empty. */
  train: Sequences;
  trainUsers: Int32Array;
  val: HeldOutUsers;
  test: HeldOutUsers;
  /** True for cold items (item_idx % 20 == 0) in the cold variant; undefined otherwise. */
  isCold?: (item: number) => boolean;
}

/** Options of `splitSequences`. */
export interface SplitOptions {
  /** Cold-item variant: items with item_idx % 20 == 0 are removed from train and val data. */
  cold?: boolean;
}

/** True for the cold variant's new items. */
export const isColdItem = (item: number): boolean => item % 20 === 0;

/**
 * Steps 2–4 of the split. Takes step-1 sequences (`buildSequences(data, 3)`). In the cold
 * variant, cold items are removed from train and validation sequences (validation users left
 * with fewer than 2 items have nothing to hold out and are skipped); test users keep them.
 */
export function splitSequences(sequences: Sequences, options: SplitOptions = {}): DatasetSplit {
  const cold = options.cold === true;
  const train: Sequences = new Array(sequences.length);
  const empty = new Int32Array(0);
  const trainUsers: number[] = [];
  const val: HeldOutUsers = { users: new Int32Array(0), foldIn: [], target: new Int32Array(0) };
  const valUsers: number[] = [], valTargets: number[] = [];
  const testUsers: number[] = [], testTargets: number[] = [], testFoldIn: Int32Array[] = [];
  for (let u = 0; u < sequences.length; u++) {
    train[u] = empty;
    const seq = sequences[u];
    if (seq.length === 0) continue;
    const group = u % 10;
    if (group === 0) {
      testUsers.push(u);
      testFoldIn.push(seq.slice(0, seq.length - 1));
      testTargets.push(seq[seq.length - 1]);
      continue;
    }
    const kept = cold ? seq.filter((i) => !isColdItem(i)) : seq;
    if (group === 1) {
      if (kept.length < 2) continue;
      valUsers.push(u);
      val.foldIn.push(kept.slice(0, kept.length - 1));
      valTargets.push(kept[kept.length - 1]);
    } else {
      train[u] = kept;
      if (kept.length > 0) trainUsers.push(u);
    }
  }
  val.users = Int32Array.from(valUsers);
  val.target = Int32Array.from(valTargets);
  return {
    train,
    trainUsers: Int32Array.from(trainUsers),
    val,
    test: { users: Int32Array.from(testUsers), foldIn: testFoldIn, target: Int32Array.from(testTargets) },
    isCold: cold ? isColdItem : undefined,
  };
}

/**
 * The cold-item variant of any split (a shop's split by time, which `splitSequences` does not
 * make): cold items leave the training sequences and the validation shoppers' histories
 * (a validation shopper left with fewer than 2 items is skipped), and stay for test shoppers.
 */
export function coldVariant(split: DatasetSplit, isCold: (item: number) => boolean = isColdItem): DatasetSplit {
  const train = split.train.map((seq) => (seq.some(isCold) ? seq.filter((i) => !isCold(i)) : seq));
  const trainUsers = split.trainUsers.filter((u) => train[u].length > 0);
  const users: number[] = [], foldIn: Int32Array[] = [], target: number[] = [];
  split.val.users.forEach((u, v) => {
    const kept = Int32Array.from([...split.val.foldIn[v], split.val.target[v]].filter((i) => !isCold(i)));
    if (kept.length < 2) return;
    users.push(u);
    foldIn.push(kept.slice(0, kept.length - 1));
    target.push(kept[kept.length - 1]);
  });
  return {
    train, trainUsers,
    val: { users: Int32Array.from(users), foldIn, target: Int32Array.from(target) },
    test: split.test,
    isCold,
  };
}

/**
 * The split fingerprints of the protocol: sha256 of `user_idx,target_item_idx,fold_in_length\n`
 * per test (validation) user in increasing user_idx, computed on step-1 sequences (before any
 * cold-item removal).
 */
export function splitFingerprints(sequences: Sequences): { test_users_sha256: string; val_users_sha256: string } {
  let test = '', val = '';
  for (let u = 0; u < sequences.length; u++) {
    const seq = sequences[u];
    if (seq.length === 0) continue;
    const lineText = `${u},${seq[seq.length - 1]},${seq.length - 1}\n`;
    if (u % 10 === 0) test += lineText;
    else if (u % 10 === 1) val += lineText;
  }
  return { test_users_sha256: sha256HexOfText(test), val_users_sha256: sha256HexOfText(val) };
}
