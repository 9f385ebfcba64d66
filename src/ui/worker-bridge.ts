/**
 * The page's only way to the recommender engine. Starts the worker lazily on first use, runs
 * `init` once, keeps the engine status in a store for React, and can tear the worker down.
 * Types only from the worker side (`import type`): no engine code is bundled into the page.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/recommender.worker';
import type { BackendName, EngineConfig, EngineStatus } from '../shared/protocol';
import { BACKENDS } from '../shared/protocol';
import { createStore } from './app/create-store';

export type Engine = Comlink.Remote<EngineApi>;

export const INITIAL_STATUS: EngineStatus = {
  phase: 'starting',
  eventCount: 0,
  persistent: true,
  paused: false,
  modelLoaded: false,
  errors: [],
  revision: 0,
};

/** The latest engine status the page knows of, plus errors of the bridge itself. */
export const engineStatusStore = createStore<EngineStatus>(INITIAL_STATUS);

let worker: Worker | undefined;
let remote: Engine | undefined;
let initPromise: Promise<EngineStatus> | undefined;
let subscriptionId: Promise<number> | undefined;
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
  const config: EngineConfig = { catalogUrl: '/catalog.json', modelUrl: '/model/manifest.json' };
  const backend = backendFromUrl();
  if (backend) config.backend = backend;
  return config;
}

/** The engine proxy; starts the worker on first call. */
export function engine(): Engine {
  if (!remote) {
    worker = new Worker(new URL('../../workers/recommender.worker.ts', import.meta.url), { type: 'module', name: 'shelfwise-recommender' });
    worker.addEventListener('error', (e) => {
      reportBridgeError(`The recommender worker failed: ${e.message || 'could not start'}`);
    });
    worker.addEventListener('messageerror', () => reportBridgeError('A message from the recommender worker could not be read'));
    remote = Comlink.wrap<EngineApi>(worker);
  }
  return remote;
}

/**
 * Runs `init` once (later calls share it) and subscribes to status pushes. `init` never rejects
 * by contract; if the worker itself dies we still resolve, with the error in the status.
 */
export function startEngine(config: EngineConfig = defaultConfig()): Promise<EngineStatus> {
  if (!initPromise) {
    const api = engine();
    subscriptionId = api.subscribe(Comlink.proxy((s: EngineStatus) => offerStatus(s)));
    subscriptionId.catch((e: unknown) => reportBridgeError(`Could not subscribe to engine status: ${errorText(e)}`));
    initPromise = api.init(config).then(
      (status) => {
        offerStatus(status);
        return status;
      },
      (e: unknown) => {
        reportBridgeError(`Engine start failed: ${errorText(e)}`);
        return engineStatusStore.get();
      },
    );
  }
  return initPromise;
}

/** Stops the worker and forgets it; the next `engine()` starts a fresh one. */
export async function stopEngine(): Promise<void> {
  const api = remote;
  const id = subscriptionId;
  remote = undefined;
  initPromise = undefined;
  subscriptionId = undefined;
  if (api && id) await Promise.race([id.then((n) => api.unsubscribe(n)), new Promise((r) => setTimeout(r, 200))]).catch(() => {});
  if (api) api[Comlink.releaseProxy]();
  worker?.terminate();
  worker = undefined;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
