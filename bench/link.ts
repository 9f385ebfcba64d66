/**
 * A link emulator for the benchmark (issue 12): a small HTTP/1.1 reverse proxy on 127.0.0.1
 * between Chromium and the app server that adds a phone network's round trips and bandwidth,
 * and counts every byte that crosses it.
 *
 * Why a proxy and not Chromium's own throttling (CDP `Network.emulateNetworkConditions`): that
 * applies to the page's session only, so a dedicated worker's fetches (the catalogue, the model,
 * TensorFlow.js' wasm) would run at full speed and be missing from the counts. Every request of
 * the page and of its workers goes through the proxy.
 *
 * Model, per request:
 *  - a fresh TCP connection costs one RTT before its first request can go (the handshake; no
 *    TLS is emulated: a real HTTPS connection costs one or two RTT more);
 *  - the request's head and body cross the shared uplink (paced), then half an RTT;
 *  - the upstream server answers (its own time counts, as a real server's would);
 *  - half an RTT, then the response head and body cross the shared downlink, paced in small
 *    chunks so that concurrent responses share the bandwidth as they would on one radio link.
 * Bodies are passed through byte for byte (no decompression): counts are bytes on the wire.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LinkProfile {
  rttMs: number;
  /** kbit/s (1 kbit = 1000 bits); Infinity = no limit. */
  downKbitS: number;
  upKbitS: number;
}

export const PROFILES = {
  slow4g: { rttMs: 150, downKbitS: 1600, upKbitS: 750 },
  fast4g: { rttMs: 40, downKbitS: 9000, upKbitS: 1500 },
  none: { rttMs: 0, downKbitS: Infinity, upKbitS: Infinity },
} as const satisfies Record<string, LinkProfile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** One request as it crossed the link. Times are ms since the link's last `reset()`. */
export interface LinkRequest {
  method: string;
  /** Path and query, as requested. */
  path: string;
  /** 0 if no response head was sent (upstream failure before it, or the client went away). */
  status: number;
  /** Request line, headers and body, as sent up the link. */
  request_bytes: number;
  /** Status line and headers as forwarded (HTTP/1.1 framing, not HTTP/2's compressed headers). */
  header_bytes: number;
  /** Body bytes as received from the server: compressed if the server compressed them. */
  body_bytes: number;
  start_ms: number;
  /** When the response head was sent down (time to first byte, at the proxy). */
  head_ms: number | null;
  /** When the last body byte was sent down; null while in flight or if it never completed. */
  end_ms: number | null;
  /** This request opened a new TCP connection (and paid the handshake's RTT). */
  new_connection: boolean;
  /** Why it did not complete (client went away, upstream error), if it did not. */
  error?: string;
}

export interface Link {
  port: number;
  /** Clears the record and makes "now" time 0 of the records. */
  reset(): void;
  /** Epoch ms (`performance.timeOrigin` based, like a page's) of the last reset. */
  resetAt(): number;
  /** A copy of the requests since the last reset (at most MAX_RECORDS), in order of arrival. */
  requests(): LinkRequest[];
  /** Requests being served now. */
  inFlight(): number;
  /**
   * Resolves true once no request has been in flight for `quietMs`, false after `timeoutMs`:
   * "background downloads have settled".
   */
  waitQuiet(quietMs: number, timeoutMs: number): Promise<boolean>;
  /** Closes idle keep-alive connections: the next visit pays for new connections, as a visit later would. */
  dropIdleConnections(): void;
  /** Stops listening and cuts every connection; in-flight responses end within one chunk. */
  close(): Promise<void>;
}

/** Records kept per reset, so a runaway page cannot grow the proxy's memory without bound. */
const MAX_RECORDS = 20_000;
/** An upstream that says nothing for this long is cut (the bench must never hang on the proxy). */
const UPSTREAM_TIMEOUT_MS = 120_000;
/** Hop-by-hop headers (RFC 9110 §7.6.1): per connection, so never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

const epochNow = () => performance.timeOrigin + performance.now();
const wait = (ms: number) => (ms >= 1 ? sleep(ms) : Promise.resolve());

/**
 * A shared link direction: reserves transmission time for each chunk, in order of asking, on a
 * virtual clock. Streams ask for one chunk at a time, so concurrent streams interleave round
 * robin and share the rate; the clock (not the timers) decides the schedule, so timer lateness
 * does not accumulate.
 */
class Pacer {
  private freeAt = 0;
  /** Bytes per ms; Infinity = unlimited. */
  private readonly rate: number;
  /** Chunk size: ~10 ms of transmission, 1–4 KB, so sharing is fine-grained but timers are not too many. */
  readonly chunk: number;

  constructor(kbitS: number) {
    this.rate = kbitS / 8;
    this.chunk = Number.isFinite(this.rate) ? Math.min(4096, Math.max(1024, Math.round(this.rate * 10))) : Infinity;
  }

  /** Resolves when `bytes` have crossed the link. */
  async send(bytes: number): Promise<void> {
    if (!Number.isFinite(this.rate) || bytes <= 0) return;
    for (let left = bytes; left > 0; left -= this.chunk) {
      const now = performance.now();
      // A link idle for a moment banks no credit beyond a few ms (timer lateness).
      const start = Math.max(now - 5, this.freeAt);
      this.freeAt = start + Math.min(left, this.chunk) / this.rate;
      await wait(this.freeAt - now);
    }
  }
}

/** Writes with backpressure; resolves false if the sink closed first. */
function write(sink: Writable, chunk: Buffer): Promise<boolean> {
  if (sink.destroyed || sink.writableEnded) return Promise.resolve(false);
  if (sink.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (ok: boolean) => () => {
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      resolve(ok);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    sink.once('drain', onDrain);
    sink.once('close', onClose);
  });
}

/** Copies `source` into `sink` through `pacer`, chunk by chunk; returns the bytes copied. */
async function pace(source: Readable, sink: Writable, pacer: Pacer, onBytes: (n: number) => void): Promise<void> {
  for await (const data of source as AsyncIterable<Buffer>) {
    for (let at = 0; at < data.length; at += pacer.chunk) {
      const piece = Number.isFinite(pacer.chunk) ? data.subarray(at, at + pacer.chunk) : data;
      await pacer.send(piece.length);
      if (!(await write(sink, piece))) throw new Error('the other side closed');
      onBytes(piece.length);
    }
  }
}

/** Raw header pairs without hop-by-hop ones (and those the Connection header names). */
function endToEnd(raw: string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'connection') for (const n of raw[i + 1].split(',')) named.add(n.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** HTTP/1.1 head size: first line, `name: value\r\n` per header, blank line. */
function headBytes(firstLine: string, raw: string[]): number {
  let n = Buffer.byteLength(firstLine) + 4;
  for (let i = 0; i < raw.length; i += 2) n += Buffer.byteLength(raw[i]) + Buffer.byteLength(raw[i + 1]) + 4;
  return n;
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Starts the emulator on an ephemeral 127.0.0.1 port in front of `127.0.0.1:upstreamPort`. */
export async function startLink(profile: LinkProfile, upstreamPort: number): Promise<Link> {
  const down = new Pacer(profile.downKbitS);
  const up = new Pacer(profile.upKbitS);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  // Requests served per client connection: the first one on a socket pays the handshake.
  const served = new WeakMap<Socket, number>();
  let records: LinkRequest[] = [];
  let origin = epochNow();
  let inFlight = 0;
  let lastActivity = performance.now();
  let closed = false;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const count = served.get(req.socket) ?? 0;
    served.set(req.socket, count + 1);
    const rel = () => epochNow() - origin;
    const rec: LinkRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      request_bytes: headBytes(`${req.method} ${req.url} HTTP/${req.httpVersion}`, req.rawHeaders),
      header_bytes: 0,
      body_bytes: 0,
      start_ms: rel(),
      head_ms: null,
      end_ms: null,
      new_connection: count === 0,
    };
    if (records.length < MAX_RECORDS) records.push(rec);
    inFlight++;
    let upstream: http.ClientRequest | undefined;
    // The client went away (navigation, context closed): stop asking upstream.
    res.on('close', () => {
      if (!res.writableFinished) upstream?.destroy();
    });
    try {
      await wait(rec.new_connection ? profile.rttMs : 0);
      await up.send(rec.request_bytes);
      await wait(profile.rttMs / 2);
      upstream = http.request({
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: endToEnd(req.rawHeaders),
        agent,
        timeout: UPSTREAM_TIMEOUT_MS,
      });
      upstream.on('timeout', () => upstream?.destroy(new Error(`upstream silent for ${UPSTREAM_TIMEOUT_MS} ms`)));
      const response = once(upstream, 'response') as Promise<[http.IncomingMessage]>;
      response.catch(() => undefined); // awaited below; an early upstream error must not go unhandled
      // Request bodies (rare here: the app only GETs) cross the uplink too.
      await pace(req, upstream, up, (n) => (rec.request_bytes += n));
      upstream.end();
      const [ures] = await response;
      await wait(profile.rttMs / 2);
      const headers = endToEnd(ures.rawHeaders);
      const message = ures.statusMessage ?? '';
      rec.status = ures.statusCode ?? 502;
      rec.header_bytes = headBytes(`HTTP/1.1 ${rec.status} ${message}`, headers);
      await down.send(rec.header_bytes);
      if (res.destroyed) throw new Error('the client closed');
      res.writeHead(rec.status, message, headers);
      res.flushHeaders();
      rec.head_ms = rel();
      await pace(ures, res, down, (n) => (rec.body_bytes += n));
      res.end();
      rec.end_ms = rel();
    } catch (err) {
      rec.error = reason(err);
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end(`link: ${rec.error}`);
      else res.destroy();
    } finally {
      inFlight--;
      lastActivity = performance.now();
    }
  }

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  // Chromium kills sockets at will (navigation, context close): not an error worth a stack.
  server.on('clientError', (_err, socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    reset() {
      records = [];
      origin = epochNow();
    },
    resetAt: () => origin,
    requests: () => records.map((r) => ({ ...r })),
    inFlight: () => inFlight,
    async waitQuiet(quietMs, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (!closed && performance.now() < deadline) {
        if (inFlight === 0 && performance.now() - lastActivity >= quietMs) return true;
        await sleep(50);
      }
      return false;
    },
    dropIdleConnections: () => server.closeIdleConnections(),
    async close() {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await done;
    },
  };
}
