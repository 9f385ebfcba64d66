/**
 * The merchant widget's build: `src/widget/shelfwise.ts` → `dist/shelfwise/shelfwise.js`, its
 * worker and lazily loaded chunks under `dist/shelfwise/assets/`. Run AFTER the storefront build
 * (`vite build` empties `dist/`); this build empties only `dist/shelfwise/`, so the storefront
 * stays, and stale hashed files cannot inflate the size report. The size report runs when the
 * bundle is written and fails the build if a budget is exceeded.
 */
import { defineConfig, type Plugin } from 'vite';
import { staticAssets } from './scripts/lib/static-assets';
import { reportWidgetSizes } from './scripts/widget-size';

/** `SHELFWISE_DIST` builds elsewhere than dist/ (as for `vite build --outDir`). */
const OUT_DIR = `${process.env.SHELFWISE_DIST ?? 'dist'}/shelfwise`;

/** Prints the gzip size of every widget file; throws (failing the build) over budget. */
function sizeReport(): Plugin {
  return {
    name: 'shelfwise-size-report',
    apply: 'build',
    closeBundle() {
      const { ok, text } = reportWidgetSizes(OUT_DIR);
      console.log(text);
      if (!ok) throw new Error('Widget size budget exceeded (see the report above)');
    },
  };
}

export default defineConfig({
  // Relative URLs (resolved against import.meta.url): the folder can be served under any path.
  base: './',
  // catalog.json and the model come from the storefront build's copy of public/, not twice.
  publicDir: false,
  worker: { format: 'es' },
  // .br/.gz siblings of the widget's files (this build empties dist/shelfwise/, siblings included).
  plugins: [sizeReport(), staticAssets()],
  build: {
    target: 'es2022',
    outDir: OUT_DIR,
    emptyOutDir: true,
    // No <link rel="modulepreload"> injected into the host page's <head>.
    modulePreload: false,
    // The wasm kernels must stay separate files: the worker fetches them by URL.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: { shelfwise: 'src/widget/shelfwise.ts' },
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
