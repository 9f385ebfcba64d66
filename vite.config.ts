import { defineConfig } from 'vitest/config';
import type { HtmlTagDescriptor, Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { staticAssets } from './scripts/lib/static-assets';

/**
 * index.html runs src/ui/boot.ts, which starts the worker and then imports the app. This lets the
 * browser fetch the app chunk (and its CSS) alongside boot.ts instead of after it has run: on a
 * phone link that is a round trip and more off the first carousel.
 */
function preloadApp(entry = 'src/ui/main.tsx'): Plugin {
  return {
    name: 'shelfwise-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith(entry));
        if (!chunk || chunk.type !== 'chunk') throw new Error(`preloadApp: no chunk for ${entry}`);
        // The entry itself is in the page already.
        const isEntry = (file: string) => ctx.bundle?.[file]?.type === 'chunk' && (ctx.bundle[file] as { isEntry: boolean }).isEntry;
        const tags: HtmlTagDescriptor[] = [chunk.fileName, ...chunk.imports.filter((f) => !isEntry(f))].map((file) => ({
          tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head',
        }));
        for (const css of chunk.viteMetadata?.importedCss ?? []) tags.push({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `/${css}` }, injectTo: 'head' });
        return tags;
      },
    },
  };
}

export default defineConfig({
  // Compressed files and caching headers (dev: public/; preview: dist/; build: .br/.gz siblings).
  plugins: [react(), staticAssets(), preloadApp()],
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
