import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUDGET, budgetViolations, importedSpecifiers, measureWidget } from '../../scripts/widget-size';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A fake widget build: entry → chunk (static) → lazy (dynamic); the worker is reached by URL only. */
function fakeBuild(entryPadding = ''): string {
  dir = mkdtempSync(join(tmpdir(), 'shelfwise-size-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'shelfwise.js'), `import{a}from"./assets/chunk-1.js";new Worker(new URL(\`assets/w-1.js\`,import.meta.url));${entryPadding}`);
  writeFileSync(join(dir, 'assets', 'chunk-1.js'), 'export const a=1;import(`./lazy-1.js`);');
  writeFileSync(join(dir, 'assets', 'lazy-1.js'), 'export const b=2;');
  writeFileSync(join(dir, 'assets', 'w-1.js'), 'import("./tf-1.js");');
  writeFileSync(join(dir, 'assets', 'tf-1.js'), 'export const tf=3;');
  return dir;
}

describe('widget size report', () => {
  it('finds the specifiers a built module imports', () => {
    expect(importedSpecifiers('import{x}from"./a.js";import"./b.js";export*from\'../c.js\';import(`./d.js`);import("https://x/y.js")').sort())
      .toEqual(['../c.js', './a.js', './b.js', './d.js']);
  });

  it('counts the entry and its import closure as main thread, the worker side apart', () => {
    const sizes = measureWidget(fakeBuild());
    const thread = Object.fromEntries(sizes.files.map((f) => [f.file, f.thread]));
    expect(thread).toEqual({
      'shelfwise.js': 'main',
      'assets/chunk-1.js': 'main',
      'assets/lazy-1.js': 'main',
      'assets/w-1.js': 'worker',
      'assets/tf-1.js': 'worker',
    });
    expect(sizes.mainThreadGzip).toBe(sizes.files.filter((f) => f.thread === 'main').reduce((s, f) => s + f.gzip, 0));
    expect(budgetViolations(sizes)).toEqual([]);
  });

  it('reports an entry over budget', () => {
    // Incompressible padding: random-looking text well over the entry budget once gzipped.
    let seed = 1;
    const noise = Array.from({ length: BUDGET.entryGzip * 2 }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join('');
    const sizes = measureWidget(fakeBuild(`/*${noise.replaceAll('*/', '')}*/`));
    expect(budgetViolations(sizes).join()).toMatch(/^entry .* > 15\.0 kB/);
  });
});
