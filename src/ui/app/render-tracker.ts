/**
 * Which revision of the engine's recommendations each mounted list has committed to the DOM.
 * Lists report after React commits (from an effect), so `whenRendered(rev)` resolving means the
 * page shows lists for at least that revision, not just that the data arrived.
 */
interface ListState {
  /** Revision of the data that is committed (or settled with an error), -1 before any. */
  committed: number;
}

const lists = new Map<string, ListState>();
let listeners: (() => void)[] = [];
let appMounted = false;
let mountWaiters: (() => void)[] = [];

function notify(): void {
  const l = listeners;
  listeners = [];
  for (const fn of l) fn();
}

export function registerList(id: string): void {
  lists.set(id, { committed: -1 });
  notify();
}

export function unregisterList(id: string): void {
  lists.delete(id);
  notify();
}

export function reportCommitted(id: string, revision: number): void {
  const s = lists.get(id);
  if (s) s.committed = revision;
  notify();
}

/** True when every mounted list shows data for `revision` or later. */
export function allRendered(revision: number): boolean {
  for (const s of lists.values()) if (s.committed < revision) return false;
  return true;
}

/** Resolves when every mounted list has committed `revision` (re-checked on every report). */
export function whenRendered(revision: () => number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (allRendered(revision())) resolve();
      else listeners.push(check);
    };
    check();
  });
}

/** Wake waiters so they re-read the target revision (called when the engine status changes). */
export function pokeRenderWaiters(): void {
  notify();
}

export function markAppMounted(): void {
  appMounted = true;
  const w = mountWaiters;
  mountWaiters = [];
  for (const fn of w) fn();
}

export function whenAppMounted(): Promise<void> {
  if (appMounted) return Promise.resolve();
  return new Promise((resolve) => mountWaiters.push(resolve));
}
