/**
 * Counts-only storage in SQLite (sql.js: SQLite compiled to wasm, since native modules cannot
 * be fetched here and Node 20 has no node:sqlite). One row per day, variant, ε and bit holding
 * n and the number of ones: a report's bits are added and the report itself is never kept.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import initSqlJs, { type Database } from 'sql.js';
import { OUTCOME_BITS, type OutcomeBit, type Report } from '../src/shared/report';

export interface CountRow {
  day: string;
  variant: string;
  epsilon: number;
  bit: OutcomeBit;
  n: number;
  ones: number;
}

export interface CountStore {
  /** Adds one report's bits to the day's counts; written to disk within `flushMs`. */
  add(day: string, report: Report): void;
  rows(): CountRow[];
  /** Writes the database file now (atomically: temp file, then rename). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS counts (
    day TEXT NOT NULL, variant TEXT NOT NULL, epsilon REAL NOT NULL, bit TEXT NOT NULL,
    n INTEGER NOT NULL, ones INTEGER NOT NULL,
    PRIMARY KEY (day, variant, epsilon, bit)
  ) WITHOUT ROWID;
  PRAGMA user_version = 1;`;

const UPSERT = `INSERT INTO counts (day, variant, epsilon, bit, n, ones) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (day, variant, epsilon, bit) DO UPDATE SET n = n + excluded.n, ones = ones + excluded.ones`;

/** Opens (or creates) the database file. sql.js keeps it in memory; we persist whole-file snapshots. */
export async function openCountStore(file: string, flushMs = 1000): Promise<CountStore> {
  const SQL = await initSqlJs();
  const db: Database = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
  db.run(SCHEMA);
  // New counts wait here and go into SQLite in one transaction: a transaction per report costs
  // ~0.2 ms in sql.js, one per batch almost nothing.
  const pending = new Map<string, { key: [string, string, number, OutcomeBit]; n: number; ones: number }>();
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const applyPending = () => {
    if (pending.size === 0) return;
    db.run('BEGIN');
    for (const { key, n, ones } of pending.values()) db.run(UPSERT, [...key, n, ones]);
    db.run('COMMIT');
    pending.clear();
  };

  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    // Chained so that two snapshots never write the temp file at once.
    writing = writing.then(async () => {
      applyPending();
      if (!dirty) return;
      dirty = false;
      await writeFile(`${file}.tmp`, db.export());
      await rename(`${file}.tmp`, file);
    });
    return writing;
  };

  return {
    add(day, report) {
      // Rounded so that ε keys compare equal whatever float the JSON held (0.1 * 3 vs 0.3).
      const epsilon = Math.round(report.epsilon * 100) / 100;
      for (const bit of OUTCOME_BITS) {
        const id = `${day}|${report.variant}|${epsilon}|${bit}`;
        const entry = pending.get(id) ?? { key: [day, report.variant, epsilon, bit], n: 0, ones: 0 };
        entry.n += 1;
        entry.ones += report.bits[bit] ? 1 : 0;
        pending.set(id, entry);
      }
      dirty = true;
      timer ??= setTimeout(() => void flush(), flushMs).unref();
    },
    rows() {
      applyPending();
      const result = db.exec('SELECT day, variant, epsilon, bit, n, ones FROM counts ORDER BY day, variant, epsilon, bit');
      return (result[0]?.values ?? []).map(([day, variant, epsilon, bit, n, ones]) => ({
        day: String(day), variant: String(variant), epsilon: Number(epsilon), bit: bit as OutcomeBit, n: Number(n), ones: Number(ones),
      }));
    },
    flush,
    async close() {
      await flush();
      db.close();
    },
  };
}
