import type { ShopperEvent } from '../shared/protocol';
import type { EventLog } from '../store/event-log';

/** The log is bounded: past this many events the oldest are folded into aggregates... */
const MAX_LOG = 50_000;
/** ...down to this many (the recency weighting gives older events no say anyway). */
const KEEP_AFTER_COMPACTION = 40_000;

/** What the writer needs of the engine. */
export interface LogWriterHost {
  /** The shopper's stored log (none without consent, or once it is gone). */
  log(): EventLog | undefined;
  /** How many events the engine holds in memory. */
  held(): number;
  /** The stored log was cut to its newest `kept` events: the engine keeps as many. */
  trim(kept: number): void;
  /** A batch is stored (the other tabs are told). */
  stored(): void;
  reportError(msg: string): void;
}

/**
 * Writes the shopper's events in the order recorded. Events that arrive while a write is in
 * flight gather into the next one (one transaction per burst, not per event), and the log stays
 * bounded.
 */
export class LogWriter {
  private batch: ShopperEvent[] = [];
  private flush?: Promise<void>;
  private last: Promise<void> = Promise.resolve();
  private inFlight = new Set<Promise<void>>();
  /** Events handed to `write` so far: a re-read of the store compares it before and after. */
  written = 0;

  constructor(private readonly host: LogWriterHost) {}

  /** Resolves when the batch holding `event` is stored; rejects, saying so, if it could not be. */
  write(event: ShopperEvent): Promise<void> {
    this.written++;
    this.batch.push(event);
    if (this.flush) return this.flush;
    const flush = (this.flush = this.last.then(async () => {
      const batch = this.batch;
      this.batch = [];
      this.flush = undefined;
      try {
        await this.appendBounded(batch);
        this.host.stored(); // once per stored batch, however many events it holds
      } catch (err) {
        const msg = `Could not save ${batch.length} event(s): ${err instanceof Error ? err.message : String(err)}`;
        this.host.reportError(msg);
        throw new Error(msg);
      }
    }));
    this.last = flush.catch(() => undefined);
    this.inFlight.add(flush);
    const done = () => this.inFlight.delete(flush);
    flush.then(done, done);
    return flush;
  }

  /** Resolves when every write handed over so far has ended, stored or not. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Appends a batch, keeping the log bounded: past MAX_LOG events the oldest are folded into
   * per-item aggregates (they are far beyond the recency horizon of the recommendations). A full
   * disk (QuotaExceededError) folds the older half and retries once: the newest history is kept.
   */
  private async appendBounded(batch: ShopperEvent[]): Promise<void> {
    const log = this.host.log();
    if (!log) return;
    try {
      await log.append(batch);
    } catch (err) {
      if ((err as { name?: string })?.name !== 'QuotaExceededError') throw err;
      const folded = await log.compact(Math.floor((await log.count()) / 2));
      console.warn(`[shelfwise] storage full: ${folded} old events folded into aggregates to make room`);
      await log.append(batch);
      await this.trimToLog(log);
      return;
    }
    if (this.host.held() > MAX_LOG) {
      await log.compact(KEEP_AFTER_COMPACTION);
      await this.trimToLog(log);
    }
  }

  /** The in-memory log mirrors the stored one after a compaction. */
  private async trimToLog(log: EventLog): Promise<void> {
    this.host.trim((await log.count()) + this.batch.length); // stored, plus the next batch
  }
}
