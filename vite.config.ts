import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { staticAssets } from './scripts/lib/static-assets';

export default defineConfig({
  // Compressed files and caching headers (dev: public/; preview: dist/; build: .br/.gz siblings).
  plugins: [react(), staticAssets()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The wasm kernels must stay separate files: the worker fetches them by URL.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    chunkSizeWarningLimit: 2000,
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
