/**
 * Counts engine calls the UI has started and not yet seen settle (events being recorded, items
 * being fetched). The QA hook's `whenIdle` waits for zero so a scenario never races the page.
 */
let pending = 0;
let waiters: (() => void)[] = [];

export function trackActivity<T>(promise: Promise<T>): Promise<T> {
  pending++;
  const done = () => {
    pending--;
    if (pending === 0) {
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    }
  };
  promise.then(done, done);
  return promise;
}

export function pendingActivity(): number {
  return pending;
}

/** Resolves once no tracked call is in flight. */
export function whenNoActivity(): Promise<void> {
  if (pending === 0) return Promise.resolve();
  return new Promise((resolve) => waiters.push(resolve));
}
