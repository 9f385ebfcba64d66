/**
 * The page's only way to the recommender engine. Starts the worker lazily on first use, runs
 * `init` once, keeps the engine status in a store for React, and restarts the worker when it
 * dies (crash, out-of-memory kill, termination): calls in flight are answered by the new worker,
 * and unacknowledged events are sent again, so nothing the shopper did is lost.
 * Types only from the worker side (`import type`): no engine code is bundled into the page.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/recommender.worker';
import type { BackendName, EngineConfig, EngineStatus } from '../shared/protocol';
import { BACKENDS } from '../shared/protocol';
import type { ConsentController } from './consent';
import { createStore } from './create-store';

export type Engine = Comlink.Remote<EngineApi>;

export const INITIAL_STATUS: EngineStatus = {
  phase: 'starting',
  eventCount: 0,
  persistent: true,
  paused: false,
  consent: 'not-required',
  modelLoaded: false,
  errors: [],
  revision: 0,
};

/** The latest engine status the page knows of, plus errors of the bridge itself. */
export const engineStatusStore = createStore<EngineStatus>(INITIAL_STATUS);

/**
 * A dead worker does not answer; a live one answers a status call within this (ms). A live worker
 * can be silent for seconds while it runs synchronous work (WebGL shader compiles, wasm ops): on
 * this 2-core machine under load its heartbeat answers took up to 4.3 s, and at 6 s a CI run
 * replaced a live worker. A false restart redoes all that work, so the bound is generous.
 */
const HEARTBEAT_MS = 1000;
const DEAD_AFTER_MS = 15_000;
/** More restarts than this within RESTART_WINDOW_MS means the worker cannot run here. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

class WorkerDied extends Error {}

/** One worker's life: its proxy, and a promise that rejects when it is found dead. */
interface Life {
  worker: Worker;
  remote: Engine;
  died: Promise<never>;
  kill(reason: string): void;
  initPromise?: Promise<EngineStatus>;
}

let life: Life | undefined;
let config: EngineConfig | undefined;
let restarts: number[] = [];
/** Set when the worker kept dying: calls fail fast with a clear error. */
let disabled = false;
const bridgeErrors: string[] = [];

/** Accepts a status if it is not older than the one we hold (subscription and polls can race). */
export function offerStatus(status: EngineStatus): void {
  const current = engineStatusStore.get();
  if (status.revision < current.revision) return;
  const errors = bridgeErrors.length ? [...status.errors, ...bridgeErrors] : status.errors;
  engineStatusStore.set({ ...status, errors });
}

function reportBridgeError(message: string): void {
  console.error(`[shelfwise] ${message}`);
  bridgeErrors.push(message);
  const current = engineStatusStore.get();
  engineStatusStore.set({ ...current, phase: 'error', errors: [...current.errors, message] });
}

/** The backend forced by `?backend=` (for QA and benchmarks), if valid. */
export function backendFromUrl(search: string = location.search): BackendName | undefined {
  const value = new URLSearchParams(search).get('backend');
  return value && (BACKENDS as readonly string[]).includes(value) ? (value as BackendName) : undefined;
}

export function defaultConfig(): EngineConfig {
  // TensorFlow.js waits until the first carousel is on screen (see `noteCarouselRendered`).
  const config: EngineConfig = { catalogUrl: '/catalog.json', modelUrl: '/model/manifest.json', merchantUrl: '/merchant.json', deferBackend: true };
  const backend = backendFromUrl();
  if (backend) config.backend = backend;
  return config;
}

function spawn(): Life {
  const worker = new Worker(new URL('../../workers/recommender.worker.ts', import.meta.url), { type: 'module', name: 'shelfwise-recommender' });
  worker.addEventListener('error', (e) => {
    reportBridgeError(`The recommender worker failed: ${e.message || 'could not start'}`);
  });
  worker.addEventListener('messageerror', () => reportBridgeError('A message from the recommender worker could not be read'));
  let kill!: (reason: string) => void;
  const died = new Promise<never>((_, reject) => {
    kill = (reason) => reject(new WorkerDied(reason));
  });
  died.catch(() => undefined); // observed by `call`; never an unhandled rejection
  return { worker, remote: Comlink.wrap<EngineApi>(worker), died, kill };
}

function current(): Life {
  life ??= spawn();
  return life;
}

/** Runs `init` once per worker (later calls share it) and subscribes to status pushes. */
function initialise(l: Life): Promise<EngineStatus> {
  if (!l.initPromise) {
    const cfg: EngineConfig = { ...(config ?? defaultConfig()) };
    const revision = engineStatusStore.get().revision;
    // A restarted worker counts on from where the page is, so lists are fetched again.
    if (revision > 0) cfg.revisionBase = revision + 1;
    Promise.race([l.remote.subscribe(Comlink.proxy((s: EngineStatus) => offerStatus(s))), l.died]).catch((e: unknown) => {
      if (!(e instanceof WorkerDied)) reportBridgeError(`Could not subscribe to engine status: ${errorText(e)}`);
    });
    l.initPromise = Promise.race([l.remote.init(cfg), l.died]).then(
      (status) => {
        offerStatus(status);
        watch(l);
        return status;
      },
      (e: unknown) => {
        if (e instanceof WorkerDied) return disabled ? engineStatusStore.get() : pageShown.then(() => initialise(current()));
        reportBridgeError(`Engine start failed: ${errorText(e)}`);
        return engineStatusStore.get();
      },
    );
  }
  return l.initPromise;
}

/** Pings the worker; one that stays silent for DEAD_AFTER_MS is declared dead and replaced. */
function watch(l: Life): void {
  let lastAnswer = performance.now();
  let waiting = false;
  const timer = setInterval(() => {
    if (life !== l) return clearInterval(timer);
    if (performance.now() - lastAnswer > DEAD_AFTER_MS) {
      clearInterval(timer);
      restart(l, `the recommender worker stopped answering for ${DEAD_AFTER_MS / 1000} s`);
      return;
    }
    if (waiting) return;
    waiting = true;
    l.remote.status().then(() => {
      lastAnswer = performance.now();
      waiting = false;
    }, () => undefined);
  }, HEARTBEAT_MS);
}

/** Replaces a dead worker: its pending calls fail over to the new one (see `call`). */
function restart(dead: Life, reason: string): void {
  if (life !== dead) return;
  const now = performance.now();
  restarts = restarts.filter((t) => now - t < RESTART_WINDOW_MS).concat(now);
  life = undefined;
  dead.worker.terminate();
  dead.remote[Comlink.releaseProxy]();
  if (restarts.length > MAX_RESTARTS) {
    disabled = true;
    reportBridgeError(`The recommender worker keeps stopping (${reason}); recommendations are off until the page is reloaded`);
  } else {
    console.warn(`[shelfwise] ${reason}; restarting it from the stored history`);
  }
  dead.kill(reason);
  if (!disabled) void initialise(current());
}

/**
 * Calls an engine method on the live worker. If the worker dies before answering, the call is
 * made again on its replacement (every engine method is safe to repeat; an event whose write
 * had not been acknowledged is recorded by the new worker).
 */
async function call(method: string, args: unknown[]): Promise<unknown> {
  for (;;) {
    await pageShown;
    if (disabled) throw new Error('The recommender is not running (its worker kept stopping)');
    const l = current();
    try {
      // `init` is posted first (synchronously) and the worker handles messages in order, so the
      // call can go at once: the engine itself waits for its start. Waiting for init's answer here
      // cost the first carousel the page's whole backlog of status updates (150–300 ms).
      void initialise(l);
      const fn = (l.remote as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
      return await Promise.race([fn(...args), l.died]);
    } catch (e) {
      if (!(e instanceof WorkerDied)) throw e;
    }
  }
}

/** Resolved while the page is shown; pending while it sits in the back/forward cache. */
let pageShown: Promise<void> = Promise.resolve();

/**
 * The back/forward cache: WebKit keeps a page it navigated away from suspended, with its worker,
 * and a suspended worker holding the store's lock or an open transaction stalls the next page's
 * worker for good. A page going into the cache lets its worker go (calls wait); shown again, it
 * starts a new one from the stored history, as after a crash.
 */
function followPageCache(): void {
  let show: () => void = () => undefined;
  window.addEventListener('pagehide', (event) => {
    if (!event.persisted || !life) return;
    pageShown = new Promise((resolve) => (show = resolve));
    const l = life;
    life = undefined;
    l.worker.terminate();
    l.remote[Comlink.releaseProxy]();
    l.kill('the page went into the back/forward cache');
  });
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    show();
    pageShown = Promise.resolve();
    if (config && !disabled) void initialise(current());
  });
}
if (typeof window !== 'undefined') followPageCache();

/** Engine methods by name, each forwarded through `call`; starts the worker on first use. */
const guarded = new Proxy({} as Engine, {
  // Not a thenable: `then` stays undefined so the proxy can be returned from async code.
  get: (_, method) => (typeof method === 'string' && method !== 'then' ? (...args: unknown[]) => call(method, args) : undefined),
});

/** The engine proxy; starts the worker on first call. */
export function engine(): Engine {
  return guarded;
}

/**
 * Starts the worker and the engine once (later calls share it), with `config` for this and any
 * restarted worker, following `consent` (the page's consent controller) when given. `init` never rejects by contract; if the worker cannot run we still resolve,
 * with the error in the status.
 */
export function startEngine(cfg?: EngineConfig, consent?: ConsentController): Promise<EngineStatus> {
  if (!config) {
    // In consent mode the engine starts with the page's decision so far, and follows it.
    const consentFields = consent?.required ? { consentRequired: true, consentGiven: consent.allowsStorage() } : {};
    config = { ...(cfg ?? defaultConfig()), ...consentFields, pagePrefetched: true };
    if (consent) followConsent(consent);
    // The worker's script first: it is the larger file on the first carousel's path.
    current();
    prefetchStartFiles(config);
  }
  return disabled ? Promise.resolve(engineStatusStore.get()) : initialise(current());
}

/** Passes each change of "may store" on to the engine, and keeps it in the config for a restarted worker. */
function followConsent(consent: ConsentController): void {
  let allowed = consent.allowsStorage();
  consent.subscribe(() => {
    const now = consent.allowsStorage();
    if (now === allowed || !config) return;
    allowed = now;
    config.consentGiven = now;
    consentApplied = engine().setConsent(now).catch((e: unknown) => reportBridgeError(`Consent could not be applied: ${errorText(e)}`));
  });
}

let consentApplied: Promise<void> = Promise.resolve();

/** Resolves once the engine has applied the latest consent change (the history opened, or erased). */
export function consentSettled(): Promise<void> {
  return consentApplied;
}

/**
 * Fetches the manifest (with its starter list) and the merchant's rules from the page, before
 * the worker exists: they travel alongside the worker's script instead of after it, and the
 * engine finds them in the HTTP cache. The same GETs the engine would make; nothing else.
 */
function prefetchStartFiles(cfg: EngineConfig): void {
  for (const url of [cfg.modelUrl, cfg.merchantUrl]) {
    if (url) void fetch(new URL(url, location.href), { method: 'GET', credentials: 'same-origin' }).then((r) => r.arrayBuffer(), () => undefined);
  }
}

/**
 * Fault injection for QA: terminates the worker the way the browser would (an out-of-memory
 * kill), without telling the bridge; the heartbeat must notice and restart it.
 */
export function killWorkerForTest(): void {
  life?.worker.terminate();
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
