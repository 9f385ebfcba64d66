import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The privacy promise as a property of the source: in everything that ships (src/, workers/),
 * the network calls are the engine's GET (src/engine/assets.ts) of the catalogue and model files, the page's GET of
 * the same manifest and rules ahead of the worker (issue 12), and, since issue 8, the
 * merchant-enabled private report (a POST of a `Report` built by randomized response, nothing
 * else). A new fetch, beacon, socket or XHR anywhere fails this test and has to be looked at.
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

  it('has exactly three: the engine fetching catalogue and model with GET, the page fetching manifest and rules ahead of it, and the private report POST', () => {
    const hits = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file: relative(ROOT, file), line: i + 1, text: line.trim() }))
        .filter(({ text }) => !text.startsWith('//') && !text.startsWith('*') && NETWORK.test(text)),
    );
    expect(hits.map(({ file, text }) => `${file}: ${text}`)).toEqual([
      "src/client/worker-bridge.ts: if (url) void fetch(new URL(url, location.href), { method: 'GET', credentials: 'same-origin' }).then((r) => r.arrayBuffer(), () => undefined);",
      "src/engine/assets.ts: const res = await fetch(url, { method: 'GET', credentials: 'same-origin', cache: opts?.pagePrefetched ? 'force-cache' : 'default' });",
      "src/engine/experiments.ts: const res = await fetch(url, { method: 'POST', body: JSON.stringify(report), headers: { 'content-type': 'text/plain' }, credentials: 'omit', referrerPolicy: 'no-referrer', keepalive: true });",
    ]);
  });

  it('the report POST sends only a Report from buildReport (randomized response), from one place', () => {
    const source = readFileSync(join(ROOT, 'src/engine/experiments.ts'), 'utf8');
    // The function holding the POST takes nothing but the URL and a typed Report...
    expect(source).toMatch(/async function sendReport\(url: string, report: Report\): Promise<void>/);
    // ...and is called once, with what buildReport returned: the variant, ε and the noised bits.
    expect(source.match(/sendReport\(/g)).toHaveLength(2); // definition + one call
    expect(source).toMatch(/const report = buildReport\(due\.variant, due\.bits, [^\n]*\);\n\s*await sendReport\(url, report\);/);
    // The URL is the merchant's `reports.url`, only.
    expect(source.match(/this\.reportUrl = /g)).toHaveLength(1);
    expect(source).toMatch(/this\.reportUrl = config\.reports && [^\n]* \? new URL\(config\.reports\.url, base\)\.href : undefined;/);
  });

  it('that one fetch is only ever given the catalogue, model and merchant-rules URLs', () => {
    // The engine hands it to its start-up only...
    const engine = readFileSync(join(ROOT, 'src/engine/engine.ts'), 'utf8');
    const callers = engine.split('\n').filter((l) => l.includes('this.fetchBytes') && !l.includes('this.fetchBytes =')).map((l) => l.trim());
    expect(callers).toEqual(['const downloads = startDownloads(config, base, this.fetchBytes, this.firstLists.bulkWanted, (loader) => this.openWorkingSet(loader));']);
    // ...which fetches the manifest (through the loader), the rules and the catalogue.
    const startup = readFileSync(join(ROOT, 'src/engine/startup.ts'), 'utf8');
    const uses = startup.split('\n').filter((l) => /\bfetchBytes\b/.test(l) && !/^(import|export (async )?function)/.test(l)).map((l) => l.trim());
    expect(uses).toEqual([
      'const data = await fetchManifest(manifestUrl, fetchBytes, opts);',
      'return isPartitioned(data) ? PartitionLoader.fromJson(manifestUrl, data, fetchBytes) : ModelLoader.fromJson(manifestUrl, data, fetchBytes);',
      'const manifest = openModel(manifestUrl, fetchBytes, opts);',
      '? fetchBytes(rulesUrl, opts).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown)',
      'parts.then(async (ws) => ws?.items ?? validateCatalog(JSON.parse(new TextDecoder().decode(await fetchBytes(catalogueUrl)))).items),',
    ]);
    expect(startup).toContain('const rulesUrl = config.merchantUrl ? new URL(config.merchantUrl, base).href : undefined;');
    // The page's own GETs are of the engine's manifest and rules URLs, nothing else.
    const bridge = readFileSync(join(ROOT, 'src/client/worker-bridge.ts'), 'utf8');
    expect(bridge).toContain('for (const url of [cfg.modelUrl, cfg.merchantUrl]) {');
    expect(bridge.match(/prefetchStartFiles\(/g)).toHaveLength(2); // definition + one call
    expect(bridge).toContain('prefetchStartFiles(config);');
    // The model loader fetches only the manifest and the files it lists, relative to it.
    const loader = readFileSync(join(ROOT, 'src/model/load-model.ts'), 'utf8');
    expect(loader.split('\n').filter((l) => l.includes('fetchBytes(')).map((l) => l.trim())).toEqual([
      'return JSON.parse(new TextDecoder().decode(await fetchBytes(manifestUrl, opts))) as unknown;',
      'return await fetchBytes(url, sha256 ? { sha256 } : undefined);',
    ]);
    expect(loader).toContain('const url = new URL(path, manifestUrl).href;');
    // A partitioned model's loader fetches through the same function: files named by its manifest
    // and index, relative to the manifest.
    const parts = readFileSync(join(ROOT, 'src/model/partition-loader.ts'), 'utf8');
    expect(parts).not.toMatch(/fetchBytes\(/);
    expect(parts.match(/fetchVerified\(this\.fetchBytes, this\.manifestUrl, /g)).toHaveLength(1);
  });
});
