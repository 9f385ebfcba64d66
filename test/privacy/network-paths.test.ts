import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The privacy promise as a property of the source: in everything that ships (src/, workers/),
 * the only network call is the engine's GET of the catalogue and model files. A new fetch, beacon,
 * socket or XHR anywhere fails this test and has to be looked at.
 */
const ROOT = join(import.meta.dirname, '../..');
const NETWORK = /\b(fetch\s*\(|XMLHttpRequest|WebSocket|sendBeacon|EventSource|RTCPeerConnection|importScripts\s*\(|navigator\.connection)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('network paths in shipped code', () => {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'workers'))];

  it('has exactly one: the engine fetching catalogue and model with GET', () => {
    const hits = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file: relative(ROOT, file), line: i + 1, text: line.trim() }))
        .filter(({ text }) => !text.startsWith('//') && !text.startsWith('*') && NETWORK.test(text)),
    );
    expect(hits.map(({ file, text }) => `${file}: ${text}`)).toEqual([
      "src/engine/engine.ts: const res = await fetch(url, { method: 'GET', credentials: 'same-origin' });",
    ]);
  });

  it('that one fetch is only ever given the catalogue, model and merchant-rules URLs', () => {
    const engine = readFileSync(join(ROOT, 'src/engine/engine.ts'), 'utf8');
    const callers = engine.split('\n').filter((l) => l.includes('this.fetchBytes') && !l.includes('this.fetchBytes =')).map((l) => l.trim());
    expect(callers).toEqual([
      'this.fetchBytes(catalogueUrl).then((bytes) => validateCatalog(JSON.parse(new TextDecoder().decode(bytes))).items),',
      "loadBaseModel(new URL(config.modelUrl, base).href, this.fetchBytes, (f) => this.setState({ progress: 0.1 + 0.6 * f })),",
      'config.merchantUrl ? this.fetchBytes(new URL(config.merchantUrl, base).href).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown) : undefined,',
    ]);
  });
});
