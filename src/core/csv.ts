/**
 * A small RFC-4180 CSV parser for whole-file text: quoted fields may hold commas, line breaks and
 * doubled quotes (`""`); records end with LF or CRLF. Tab-separated text (Merchant Center feeds)
 * is read the same way with a tab delimiter. Pure, no I/O.
 */

/** One CSV record with the 1-based line number on which it starts (the header is line 1). */
export interface CsvRow {
  line: number;
  fields: string[];
}

/** Thrown for text that is not valid CSV (e.g. an unterminated quote); names the line. */
export class CsvError extends Error {
  override name = 'CsvError';
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/**
 * Parses CSV text into rows. A leading UTF-8 BOM is ignored, blank lines are skipped (they carry
 * no record), and a final line break is optional. A quote inside an unquoted field is kept as
 * text (lenient, as spreadsheets write it); text after a closing quote is an error.
 */
export function parseCsv(text: string, delimiter: ',' | '\t' = ','): CsvRow[] {
  const sep = delimiter.charCodeAt(0);
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    // Skip blank lines between records.
    const c0 = text.charCodeAt(i);
    if (c0 === 10) { i++; line++; continue; }
    if (c0 === 13 && text.charCodeAt(i + 1) === 10) { i += 2; line++; continue; }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === 34) {
        // Quoted field: scan to the closing quote, unescaping "" as we go.
        const quoteLine = line;
        i++;
        let out = '';
        let from = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvError(`unterminated quoted field starting on line ${quoteLine}`, quoteLine);
          line += countLineBreaks(text, i, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += text.slice(from, q + 1);
            i = q + 2;
            from = i;
            continue;
          }
          out += text.slice(from, q);
          i = q + 1;
          break;
        }
        field = out;
        const c = text.charCodeAt(i);
        if (i < n && c !== sep && c !== 10 && c !== 13) {
          throw new CsvError(`unexpected text after a closing quote on line ${line}`, line);
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === sep || c === 10 || (c === 13 && text.charCodeAt(j + 1) === 10)) break;
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === sep) { i++; continue; }
      if (c === 10) { i++; line++; break; }
      if (c === 13) {
        // CRLF ends the record; a lone CR after a quoted field is treated as a line break too.
        i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
        line++;
        break;
      }
    }
    rows.push({ line: startLine, fields });
  }
  return rows;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let k = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    // CRLF counts once; a lone CR counts as a break.
    if (c === 10) k++;
    else if (c === 13 && text.charCodeAt(j + 1) !== 10) k++;
  }
  return k;
}
