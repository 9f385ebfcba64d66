import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../../src/core/csv';

describe('parseCsv', () => {
  it('parses plain rows with line numbers', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('handles quoted commas, escaped quotes and empty fields', () => {
    const rows = parseCsv('id,title\n1,"Phantasy Star, Episode I ""&"" II"\n2,\n3,""\n');
    expect(rows.map((r) => r.fields)).toEqual([
      ['id', 'title'], ['1', 'Phantasy Star, Episode I "&" II'], ['2', ''], ['3', ''],
    ]);
  });

  it('handles CRLF, a missing final newline and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n1,2\r\n3,4')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
    ]);
  });

  it('keeps line breaks inside quotes and counts lines after them', () => {
    const rows = parseCsv('a,b\n1,"two\r\nlines"\n2,x\n');
    expect(rows[1]).toEqual({ line: 2, fields: ['1', 'two\r\nlines'] });
    expect(rows[2]).toEqual({ line: 4, fields: ['2', 'x'] });
  });

  it('skips blank lines without losing line numbers', () => {
    expect(parseCsv('a\n\n\nb\n')).toEqual([{ line: 1, fields: ['a'] }, { line: 4, fields: ['b'] }]);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(parseCsv('12" ruler,x')[0].fields).toEqual(['12" ruler', 'x']);
  });

  it('reports an unterminated quote with its line', () => {
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(CsvError);
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(/line 2/);
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('a\n"x"y,1')).toThrow(/line 2/);
  });
});
