/**
 * Size report of the merchant widget build: the gzip size of each file in `dist/shelfwise/`,
 * which of them run on the host page's main thread, and the budgets:
 *   - entry script (`shelfwise.js`) ≤ 15 kB gzip;
 *   - everything on the main thread (the entry and every chunk it imports, statically or
 *     dynamically) ≤ 70 kB gzip.
 * Everything else (the worker, its lazily loaded TensorFlow.js chunks, the wasm kernels) runs in
 * the worker. 1 kB = 1000 bytes. Gzip at level 9, as a static server would precompress.
 *
 * `tsx scripts/widget-size.ts [dir]` prints the report and exits non-zero over budget; the widget
 * build (vite.widget.config.ts) runs the same report when it has written its files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const ENTRY = 'shelfwise.js';
export const BUDGET = { entryGzip: 15_000, mainThreadGzip: 70_000 } as const;

export interface WidgetFile {
  /** Path relative to the widget folder, with `/` separators. */
  file: string;
  bytes: number;
  gzip: number;
  thread: 'main' | 'worker';
}

export interface WidgetSizes {
  files: WidgetFile[];
  entryGzip: number;
  mainThreadGzip: number;
  workerGzip: number;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Relative module specifiers a built ES module loads: `import … from`, `import "…"`, `import("…")`, `export … from`. */
export function importedSpecifiers(code: string): string[] {
  const found = new Set<string>();
  const patterns = [/\bfrom\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g, /\bimport\s*\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g, /\bimport\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g];
  for (const re of patterns) for (const m of code.matchAll(re)) found.add(m[1]);
  return [...found];
}

/** Gzip size of a file at level 9, as a static server would precompress it. */
export function gzipSize(path: string): { bytes: number; gzip: number } {
  const content = readFileSync(path);
  return { bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
}

/**
 * The files of `dir` (relative, `/`-separated) that load with `entry` on the main thread: the
 * entry and the closure of its imports. A worker is started with `new Worker(new URL(…))`,
 * which is not an import, so the worker and its chunks fall outside the closure.
 */
export function mainThreadFiles(dir: string, entry: string): Set<string> {
  const main = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const path = join(dir, file);
    if (main.has(file) || !existsSync(path)) continue;
    main.add(file);
    for (const spec of importedSpecifiers(readFileSync(path, 'utf8'))) queue.push(posix.normalize(posix.join(posix.dirname(file), spec)));
  }
  return main;
}

/** Measures `dir`: every file, on the main thread or in the worker (see `mainThreadFiles`). */
export function measureWidget(dir: string): WidgetSizes {
  // `X.br`/`X.gz` are precompressed copies of `X` (scripts/lib/static-assets.ts), not files of their own.
  const sibling = (p: string) => /\.(?:br|gz)$/.test(p) && existsSync(p.slice(0, -3));
  const paths = listFiles(dir).filter((p) => !p.includes(`${sep}.vite${sep}`) && !sibling(p));
  const rel = (p: string) => relative(dir, p).split(sep).join('/');
  if (!paths.some((p) => rel(p) === ENTRY)) throw new Error(`${join(dir, ENTRY)} not found: run the widget build first`);
  const main = mainThreadFiles(dir, ENTRY);

  const files = paths
    .map((path): WidgetFile => ({ file: rel(path), ...gzipSize(path), thread: main.has(rel(path)) ? 'main' : 'worker' }))
    .sort((a, b) => (a.thread === b.thread ? a.file.localeCompare(b.file) : a.thread === 'main' ? -1 : 1));
  const sum = (t: WidgetFile['thread']) => files.filter((f) => f.thread === t).reduce((s, f) => s + f.gzip, 0);
  return {
    files,
    entryGzip: files.find((f) => f.file === ENTRY)!.gzip,
    mainThreadGzip: sum('main'),
    workerGzip: sum('worker'),
  };
}

/** Budget violations of a measurement (empty when within budget). */
export function budgetViolations(sizes: WidgetSizes): string[] {
  const out: string[] = [];
  if (sizes.entryGzip > BUDGET.entryGzip) out.push(`entry ${kb(sizes.entryGzip)} > ${kb(BUDGET.entryGzip)}`);
  if (sizes.mainThreadGzip > BUDGET.mainThreadGzip) out.push(`main thread ${kb(sizes.mainThreadGzip)} > ${kb(BUDGET.mainThreadGzip)}`);
  return out;
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** The printed report and whether the budgets hold. */
export function reportWidgetSizes(dir: string): { ok: boolean; text: string; sizes: WidgetSizes } {
  const sizes = measureWidget(dir);
  const width = Math.max(...sizes.files.map((f) => f.file.length));
  const lines = [
    `Shelfwise widget (${dir}), gzip -9:`,
    ...sizes.files.map((f) => `  ${f.thread === 'main' ? 'main  ' : 'worker'}  ${f.file.padEnd(width)}  ${kb(f.bytes).padStart(9)}  → ${kb(f.gzip).padStart(9)} gzip`),
    `  entry script         ${kb(sizes.entryGzip).padStart(9)} gzip (budget ${kb(BUDGET.entryGzip)})`,
    `  main thread, total   ${kb(sizes.mainThreadGzip).padStart(9)} gzip (budget ${kb(BUDGET.mainThreadGzip)})`,
    `  worker side, total   ${kb(sizes.workerGzip).padStart(9)} gzip (TensorFlow.js and wasm, loaded after the first carousel)`,
  ];
  const violations = budgetViolations(sizes);
  lines.push(violations.length ? `  OVER BUDGET: ${violations.join('; ')}` : '  within budget');
  return { ok: violations.length === 0, text: lines.join('\n'), sizes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ok, text } = reportWidgetSizes(process.argv[2] ?? 'dist/shelfwise');
  console.log(text);
  if (!ok) process.exitCode = 1;
}
