/**
 * Per-address token buckets. Addresses live only in this in-memory map, only as long as their
 * bucket is not full again, and are never logged or stored.
 */
export interface RateLimiter {
  /** Takes a token for `key`: 0 when allowed, otherwise the seconds to wait. */
  take(key: string): number;
}

/** `perMinute` tokens refill each minute up to `burst`. */
export function createRateLimiter(perMinute: number, burst: number, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  const refill = (b: { tokens: number; at: number }, t: number) => {
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
  };
  return {
    take(key) {
      const t = now();
      // Forget full buckets now and then, so the map stays small (and forgets addresses).
      if (buckets.size > 10_000) {
        for (const [k, b] of buckets) {
          refill(b, t);
          if (b.tokens >= burst) buckets.delete(k);
        }
      }
      const b = buckets.get(key) ?? { tokens: burst, at: t };
      refill(b, t);
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / perMs / 1000);
    },
  };
}
