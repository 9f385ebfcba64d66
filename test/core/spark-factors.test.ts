import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSparkLabels, SparkFactorsError, sparkItemFactors, type SparkPartFile } from '../../src/core/spark-factors';

/** A folder as Spark's `itemFactors.write.json` leaves it, plus `item-ids.json` (see the module comment). */
const DIR = new URL('../fixtures/spark-factors/', import.meta.url).pathname;
const PART0 = 'part-00000-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json';
const PART1 = 'part-00001-6f1c2a9e-3b7d-4e58-9a41-0c2d5e8f7b13-c000.json';

const fixtureParts = (): SparkPartFile[] =>
  [PART0, PART1].map((name) => ({ name, text: readFileSync(join(DIR, name), 'utf8') }));
const labels = () => parseSparkLabels(readFileSync(join(DIR, 'item-ids.json'), 'utf8'));

/** The catalogue of the fixture: A–E; D has a label but no factor row, E neither, OLD-1 is not sold. */
const CATALOGUE = ['A', 'B', 'C', 'D', 'E'];
const resolve = (id: string) => {
  const i = CATALOGUE.indexOf(id);
  return i < 0 ? undefined : i;
};

function errorOf(f: () => unknown): SparkFactorsError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SparkFactorsError);
    return e as SparkFactorsError;
  }
  throw new Error('expected a SparkFactorsError');
}

describe('sparkItemFactors on a folder in the layout of itemFactors.write.json', () => {
  it('the fixture has two part files, _SUCCESS, a .crc checksum and item-ids.json', () => {
    const names = readdirSync(DIR).sort();
    expect(names).toEqual(expect.arrayContaining([PART0, PART1, '_SUCCESS', 'item-ids.json']));
    expect(names.some((n) => n.startsWith('.') && n.endsWith('.crc'))).toBe(true);
  });

  it('places each id\'s features on the catalogue row of its label; rows it does not cover stay zero', () => {
    const r = sparkItemFactors(fixtureParts(), labels(), CATALOGUE.length, resolve);
    expect(r).toMatchObject({ dim: 4, rows: 4, placed: 3, missing: 2, unknown: 1, unknownExamples: ['OLD-1'], merged: 0 });
    const row = (i: number) => Array.from(r.factors.subarray(i * 4, i * 4 + 4));
    expect(row(0)).toEqual(Array.from(Float32Array.of(0.75, 0.125, -0.5, -2.5e-4))); // id 0 = "A", exponent notation as Spark writes small floats
    expect(row(1)).toEqual(Array.from(Float32Array.of(0.7, 0.1, -0.4, 0)));
    expect(row(2)).toEqual(Array.from(Float32Array.of(0.0123, -0.25, 0.5, 1)));
    expect(row(3)).toEqual([0, 0, 0, 0]); // D: labelled, but ALS gave it no factor
    expect(row(4)).toEqual([0, 0, 0, 0]); // E: not in the export at all
    expect(r.factors).toHaveLength(CATALOGUE.length * 4);
  });

  it('gives the same factors whatever the order of the part files', () => {
    const a = sparkItemFactors(fixtureParts(), labels(), 5, resolve);
    const b = sparkItemFactors(fixtureParts().reverse(), labels(), 5, resolve);
    expect(b.factors).toEqual(a.factors);
  });

  it('averages two labels that name one product (variant SKUs as aliases) and counts them', () => {
    const parts = [{ name: 'part-0.json', text: '{"id":0,"features":[1,2]}\n{"id":1,"features":[3,6]}\n' }];
    const r = sparkItemFactors(parts, ['SKU-1', 'SKU-2'], 1, () => 0);
    expect(Array.from(r.factors)).toEqual([2, 4]);
    expect(r).toMatchObject({ placed: 1, merged: 1, missing: 0 });
  });

  it('skips blank lines and tolerates CRLF line ends', () => {
    const parts = [{ name: 'p.json', text: '\r\n{"id":1,"features":[1,2]}\r\n\r\n{"id":0,"features":[3,4]}' }];
    const r = sparkItemFactors(parts, ['A', 'B'], 2, resolve);
    expect(Array.from(r.factors)).toEqual([3, 4, 1, 2]);
  });

  const part = (text: string) => [{ name: PART0, text: readFileSync(join(DIR, PART0), 'utf8') }, { name: PART1, text }];
  it.each([
    ['a line that is not JSON', '{"id":1,"features":[0.7,0.1,-0.4,0.0]}\n{"id":4,"features":[0.1,', `${PART1}:2: not valid JSON`],
    ['a line that is not an object', '[1,[0.1,0.2,0.3,0.4]]\n', `${PART1}:1: expected a JSON object`],
    ['an id that is not an integer', '{"id":1.5,"features":[0.1,0.2,0.3,0.4]}\n', `${PART1}:1: "id" must be a non-negative integer, got 1.5`],
    ['a negative id', '{"id":-1,"features":[0.1,0.2,0.3,0.4]}\n', `${PART1}:1: "id" must be a non-negative integer, got -1`],
    ['features that are not an array', '{"id":1,"features":"0.1,0.2"}\n', `${PART1}:1: "features" must be a non-empty array of numbers (id 1)`],
    ['a NaN, as Spark writes it', '{"id":1,"features":[0.1,"NaN",0.3,0.4]}\n', `${PART1}:1: "features"[1] of id 1 is "NaN", not a finite number`],
    ['inconsistent dimensions', '{"id":1,"features":[0.1,0.2,0.3]}\n', `${PART1}:1: "features" has 3 values but the rows before have 4 (first at ${PART0}:1)`],
    ['a duplicate id, across files', '{"id":1,"features":[0.7,0.1,-0.4,0.0]}\n{"id":2,"features":[0.1,0.2,0.3,0.4]}\n', `${PART1}:2: duplicate "id" 2 (first at ${PART0}:1)`],
    ['an id outside the labels', '{"id":5,"features":[0.1,0.2,0.3,0.4]}\n', `${PART1}:1: "id" 5 is outside the 5 labels of item-ids.json (0..4)`],
  ])('%s: an error naming the file and line', (_, text, message) => {
    const e = errorOf(() => sparkItemFactors(part(text), labels(), 5, resolve));
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.fileName).toBe(message.startsWith(PART0) ? PART0 : PART1);
    expect(e.line).toBe(Number(message.split(':')[1]));
  });

  it('refuses an export that names no product of the catalogue, no part files, or part files without rows', () => {
    expect(errorOf(() => sparkItemFactors(fixtureParts(), ['X', 'Y', 'Z', 'W', 'V'], 5, resolve)).message)
      .toMatch(/^item-ids\.json: names no product of the catalogue \(4 factor rows, e\.g\. "Z", "X", "Y", "V"\)/);
    expect(errorOf(() => sparkItemFactors([], labels(), 5, resolve)).message).toMatch(/no part files/);
    expect(errorOf(() => sparkItemFactors([{ name: 'part-0.json', text: '\n' }], labels(), 5, resolve)).message).toBe('part-0.json: no factor rows at all');
  });
});

describe('parseSparkLabels (item-ids.json)', () => {
  it('reads the StringIndexer labels, index order kept', () => {
    expect(labels()).toEqual(['A', 'B', 'C', 'D', 'OLD-1']);
  });

  it.each([
    ['not JSON', '["A", "B"', /^item-ids\.json: not valid JSON/],
    ['not an array', '{"labels":["A"]}', /^item-ids\.json: expected a JSON array of product ids .*got object/],
    ['a label that is not a string', '["A", 12]', /^item-ids\.json: label 1 is 12, not a string/],
    ['a repeated label', '["A", "B", "A"]', /^item-ids\.json: label 2 "A" repeats label 0/],
    ['no labels', '[]', /^item-ids\.json: no labels/],
  ])('%s: a clear error', (_, text, message) => {
    expect(errorOf(() => parseSparkLabels(text)).message).toMatch(message);
  });
});
