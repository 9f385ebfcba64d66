/**
 * The bench page: starts the bench worker and hands its Comlink proxy to the driver as
 * `globalThis.bench`. Built by `bench/run.ts`, never part of the product build.
 */
import { wrap } from 'comlink';
import type { BenchApi } from './bench.worker';

// tsconfig.node.json type-checks bench/ without the DOM lib; the page has a Worker.
declare const Worker: new (url: URL, options: { type: 'module'; name: string }) => Parameters<typeof wrap>[0];

(globalThis as { bench?: unknown }).bench = wrap<BenchApi>(new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'shelfwise-bench' }));
