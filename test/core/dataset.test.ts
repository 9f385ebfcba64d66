import { describe, expect, it } from 'vitest';
import {
  buildSequences, cleanTitle, coldVariant, DatasetError, parseDataset, parseInteractions, parseItems, splitFingerprints, splitSequences,
} from '../../src/core/dataset';
import { sha256HexOfText } from '../../src/core/sha256';

const ITEMS = 'item_idx,title\n0,"Zelda, Link &amp; Co"\n1,Mario\n2,Sonic - Sega Genesis\n3,Doom\n4,Tetris\n';

describe('parseItems', () => {
  it('reads titles by item_idx and decodes HTML entities', () => {
    const t = parseItems(ITEMS, 'items.csv');
    expect(t.nItems).toBe(5);
    expect(t.titles[0]).toBe('Zelda, Link & Co');
    expect(cleanTitle('  6&#39; cable &quot;x&quot; ')).toBe('6\' cable "x"');
  });

  it('accepts a "text" column instead of "title"', () => {
    expect(parseItems('text,item_idx\nhello,0\n', 'items.csv').titles).toEqual(['hello']);
  });

  it('names the file and line of a missing column', () => {
    expect(() => parseItems('item_idx,name\n0,x\n', 'items.csv')).toThrow(/items\.csv:1: missing column "text"/);
  });

  it('names the file and line of a non-numeric id and of a duplicate', () => {
    expect(() => parseItems('item_idx,title\n0,a\nx1,b\n', 'items.csv')).toThrow(/items\.csv:3: "item_idx" must be a non-negative integer/);
    expect(() => parseItems('item_idx,title\n0,a\n0,b\n', 'items.csv')).toThrow(/items\.csv:3: duplicate item_idx 0/);
  });

  it('rejects gaps in item_idx', () => {
    expect(() => parseItems('item_idx,title\n0,a\n2,b\n', 'items.csv')).toThrow(/1 is missing/);
  });
});

describe('parseInteractions', () => {
  it('reads columns by name and ignores extra columns', () => {
    const d = parseInteractions('position,item_idx,user_idx,event\n0,3,1,view\n1,2,1,buy\n', 'i.csv');
    expect(Array.from(d.user)).toEqual([1, 1]);
    expect(Array.from(d.item)).toEqual([3, 2]);
    expect(d.nUsers).toBe(2);
  });

  it('names file and line for a missing column', () => {
    expect(() => parseInteractions('user_idx,item_idx\n0,1\n', 'inter.csv')).toThrow(/inter\.csv:1: missing column "position"/);
  });

  it('names file and line for a non-numeric id', () => {
    try {
      parseInteractions('user_idx,item_idx,position\n0,1,0\n0,abc,1\n', 'inter.csv');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      expect((e as DatasetError).message).toMatch(/inter\.csv:3: "item_idx" must be a non-negative integer, got "abc"/);
      expect((e as DatasetError).line).toBe(3);
      expect((e as DatasetError).fileName).toBe('inter.csv');
    }
  });

  it('names file and line for an item absent from items', () => {
    expect(() => parseDataset(
      { text: 'user_idx,item_idx,position\n0,1,0\n0,9,1\n', fileName: 'interactions.csv' },
      { text: ITEMS, fileName: 'items.csv' },
    )).toThrow(/interactions\.csv:3: item_idx 9 is not in items\.csv/);
  });

  it('names the line of an unterminated quote', () => {
    expect(() => parseItems('item_idx,title\n0,"oops\n', 'items.csv')).toThrow(/items\.csv: unterminated quoted field starting on line 2/);
  });
});

/** Builds interactions text from per-user [item, position] lists. */
function interactionsText(users: Record<number, [number, number][]>): string {
  let s = 'user_idx,item_idx,position\n';
  for (const [u, rows] of Object.entries(users)) for (const [i, p] of rows) s += `${u},${i},${p}\n`;
  return s;
}

describe('split', () => {
  const text = interactionsText({
    0: [[3, 2], [1, 0], [2, 1], [1, 3]], // sorted: 1,2,3 (repeat of 1 dropped) → test user
    1: [[0, 0], [4, 1], [2, 2]], // validation user
    2: [[0, 0], [1, 1]], // only 2 items → dropped
    3: [[4, 5], [0, 1], [3, 3]], // train: 0,3,4
    10: [[2, 0], [0, 1], [4, 2], [20 % 5, 3]], // test; 20%5 = 0 repeats item 0 → dropped
    13: [[2, 0], [0, 1], [1, 2]], // train
  });
  const data = parseInteractions(text, 'interactions.csv');
  const seq = buildSequences(data);

  it('sorts by position, dedupes keeping the first, drops users with < 3', () => {
    expect(Array.from(seq[0])).toEqual([1, 2, 3]);
    expect(Array.from(seq[2])).toEqual([]);
    expect(Array.from(seq[3])).toEqual([0, 3, 4]);
    expect(Array.from(seq[10])).toEqual([2, 0, 4]);
    expect(seq.length).toBe(14);
  });

  it('assigns test, validation and training users by user_idx % 10', () => {
    const s = splitSequences(seq);
    expect(Array.from(s.test.users)).toEqual([0, 10]);
    expect(Array.from(s.test.target)).toEqual([3, 4]);
    expect(s.test.foldIn.map((f) => Array.from(f))).toEqual([[1, 2], [2, 0]]);
    expect(Array.from(s.val.users)).toEqual([1]);
    expect(Array.from(s.val.target)).toEqual([2]);
    expect(Array.from(s.trainUsers)).toEqual([3, 13]);
    expect(Array.from(s.train[0])).toEqual([]);
    expect(Array.from(s.train[13])).toEqual([2, 0, 1]);
  });

  it('cold variant removes item_idx % 20 == 0 from train and validation, not from test', () => {
    const s = splitSequences(seq, { cold: true });
    expect(Array.from(s.train[3])).toEqual([3, 4]);
    expect(Array.from(s.train[13])).toEqual([2, 1]);
    expect(s.val.foldIn.map((f) => Array.from(f))).toEqual([[4]]);
    expect(s.test.foldIn.map((f) => Array.from(f))).toEqual([[1, 2], [2, 0]]);
    expect(s.isCold?.(0)).toBe(true);
    expect(s.isCold?.(4)).toBe(false);
  });

  it('fingerprints the test and validation lines', () => {
    const fp = splitFingerprints(seq);
    expect(fp.test_users_sha256).toBe(sha256HexOfText('0,3,2\n10,4,2\n'));
    expect(fp.val_users_sha256).toBe(sha256HexOfText('1,2,2\n'));
  });
});

describe('coldVariant', () => {
  it('takes cold items out of training and validation histories, keeps them for test shoppers', () => {
    const seq = (...xs: number[]) => Int32Array.from(xs);
    const split = {
      train: [seq(0, 1, 2), seq(20, 40), seq(3, 20, 4)],
      trainUsers: Int32Array.from([0, 1, 2]),
      val: { users: Int32Array.from([7, 8]), foldIn: [seq(5, 20), seq(40)], target: Int32Array.from([6, 3]) },
      test: { users: Int32Array.from([9]), foldIn: [seq(20, 7)], target: Int32Array.from([40]) },
    };
    const cold = coldVariant(split);
    expect(cold.train.map((s) => Array.from(s))).toEqual([[1, 2], [], [3, 4]]);
    expect(Array.from(cold.trainUsers)).toEqual([0, 2]);
    // Validation shopper 7 keeps 5 → 6; shopper 8 has only item 3 left: skipped.
    expect(Array.from(cold.val.users)).toEqual([7]);
    expect(cold.val.foldIn.map((s) => Array.from(s))).toEqual([[5]]);
    expect(Array.from(cold.val.target)).toEqual([6]);
    expect(cold.test).toBe(split.test);
    expect(cold.isCold?.(40)).toBe(true);
  });
});
