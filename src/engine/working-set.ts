/**
 * The part of a partitioned catalogue this device holds (issue 16): the parts of the shopper's
 * items, of a product page's anchor and its neighbours, and of the shopper's interests (the parts
 * whose centroids score highest for the shopper's vector). The engine runs on `build()`, a
 * catalogue and model of just these items, exactly as it runs on a whole small catalogue; only
 * where candidates come from changes. Memory is bounded by `MAX_PARTS`.
 */
import type { Part, PartIndex } from '../core/partitions';
import { partOfRow, rankParts } from '../core/partitions';
import type { BaseModel } from '../model/load-model';
import type { PartitionLoader } from '../model/partition-loader';
import type { CatalogItem } from '../shared/protocol';

/**
 * Parts a shopper vector brings in (~1,000 items each): at 1M synthetic items these hold 0.96 of
 * the exhaustive top 100 (`scripts/large-shop.ts --check`, README "How it scales").
 */
export const INTEREST_PARTS = 12;
/** Parts held at most (~48,000 items, ~25 MB of arrays); the least recently wanted go first. */
export const MAX_PARTS = 48;
/** Parts an anchor's neighbours bring in besides the anchor's own. */
const NEIGHBOUR_PARTS = 2;

export class WorkingSet {
  private held = new Map<number, { part: Part; used: number }>();
  private tick = 0;
  private built?: { items: CatalogItem[]; model: BaseModel };
  /** Ids the directory knows, whether or not their part is held (or could be fetched). */
  private readonly known = new Set<string>();
  /** Model row of every item of the held parts: their ids need no directory lookup. */
  private readonly heldRows = new Map<string, number>();

  constructor(private readonly loader: PartitionLoader, private readonly onError: (err: Error) => void, private readonly maxParts = MAX_PARTS) {}

  /** True when the model knows the item (its directory bucket was read). */
  knows(id: string): boolean {
    return this.known.has(id);
  }

  get partCount(): number {
    return this.held.size;
  }

  /** The parts of `ids` (and, with `neighbours`, of their strongest neighbours): true when the set changed. */
  async addItems(ids: readonly string[], neighbours = false): Promise<boolean> {
    if (ids.length === 0) return false;
    const unheld = ids.filter((id) => !this.heldRows.has(id));
    const [index, looked] = await Promise.all([
      this.loader.index(),
      unheld.length > 0 ? this.loader.rowsOf(unheld).catch((err: unknown) => this.failed(err, new Map<string, number>())) : new Map<string, number>(),
    ]);
    const rows = new Map(ids.flatMap((id) => {
      const r = this.heldRows.get(id) ?? looked.get(id);
      return r === undefined ? [] : [[id, r] as const];
    }));
    for (const id of rows.keys()) this.known.add(id);
    const parts = [...new Set([...rows.values()].map((r) => partOfRow(index, r)))];
    let changed = await this.addParts(parts);
    if (neighbours) {
      const more = new Set<number>();
      for (const r of rows.values()) {
        const part = this.held.get(partOfRow(index, r))?.part;
        if (!part) continue;
        const k = this.loader.manifest.neighbours, at = (r - part.start) * k;
        for (const table of [part.tables.coocIndex, part.tables.nextIndex]) {
          for (let j = 0; j < k; j++) if (table[at + j] >= 0) more.add(partOfRow(index, table[at + j]));
        }
      }
      const extra = [...more].filter((p) => !this.held.has(p)).slice(0, NEIGHBOUR_PARTS);
      changed = (await this.addParts(extra)) || changed;
    }
    return changed;
  }

  /** The parts whose centroids score highest for the shopper vector `u`. */
  async addInterests(u: ArrayLike<number>): Promise<boolean> {
    const index = await this.loader.index();
    return this.addParts(rankParts(index, u, this.loader.manifest.dim).slice(0, INTEREST_PARTS));
  }

  /** Fetches `parts` not held; marks all of them wanted now. A part that fails is reported and left out. */
  async addParts(parts: readonly number[]): Promise<boolean> {
    const now = ++this.tick;
    const loaded = await Promise.all(parts.map((p) => (this.held.has(p) ? undefined : this.loader.part(p).catch((err: unknown) => this.failed(err, undefined)))));
    let changed = false;
    parts.forEach((p, i) => {
      const got = this.held.get(p) ?? (loaded[i] && { part: loaded[i], used: now });
      if (!got) return;
      got.used = now;
      if (this.held.has(p)) return;
      this.held.set(p, got);
      got.part.items.forEach((it, i) => this.heldRows.set(it.id, got.part.start + i));
      changed = true;
    });
    // Over the bound: the least recently wanted parts go (never those wanted just now).
    if (this.held.size > this.maxParts) {
      const old = [...this.held].filter(([, h]) => h.used < now).sort((a, b) => a[1].used - b[1].used);
      for (const [p, { part }] of old.slice(0, this.held.size - this.maxParts)) {
        for (const it of part.items) this.heldRows.delete(it.id);
        this.held.delete(p);
        this.loader.release(p);
        changed = true;
      }
    }
    if (changed) this.built = undefined;
    return changed;
  }

  /**
   * The held parts as one catalogue and model (rows in part order; neighbours renumbered to these
   * rows, those outside the held parts dropped). Built once per change.
   */
  async build(): Promise<{ items: CatalogItem[]; model: BaseModel }> {
    if (this.built) return this.built;
    const [index, gram] = await Promise.all([this.loader.index(), this.loader.gram()]);
    return (this.built = assemble(this.loader.manifest, index, gram, [...this.held.keys()].sort((a, b) => a - b).map((p) => this.held.get(p)!.part)));
  }

  private failed<T>(err: unknown, fallback: T): T {
    this.onError(err instanceof Error ? err : new Error(String(err)));
    return fallback;
  }
}

function assemble(manifest: PartitionLoader['manifest'], index: PartIndex, gram: Float32Array, parts: Part[]): { items: CatalogItem[]; model: BaseModel } {
  const { dim: d, neighbours: k } = manifest;
  const n = parts.reduce((sum, p) => sum + p.items.length, 0);
  const offset = new Map<number, number>(); // part → its first local row
  const items: CatalogItem[] = [];
  const model: BaseModel = {
    manifest, itemCount: manifest.itemCount, itemIds: [], n, d, k,
    embeddings: new Float32Array(n * d), hasEmbeddings: true, gram,
    popularity: new Float32Array(n), trending: new Float32Array(n),
    coocIndex: new Int32Array(n * k).fill(-1), coocWeight: new Float32Array(n * k),
    nextIndex: new Int32Array(n * k).fill(-1), nextWeight: new Float32Array(n * k),
  };
  for (const part of parts) {
    const o = items.length;
    offset.set(partOfRow(index, part.start), o);
    for (const it of part.items) items.push(it);
    model.embeddings.set(part.embeddings, o * d);
    model.popularity.set(part.popularity, o);
    model.trending.set(part.trending, o);
  }
  const local = (g: number) => {
    if (g < 0) return -1;
    const p = partOfRow(index, g);
    const o = offset.get(p);
    return o === undefined ? -1 : o + g - index.starts[p];
  };
  for (const part of parts) {
    const o = offset.get(partOfRow(index, part.start))!;
    for (const [from, fromW, to, toW] of [
      [part.tables.coocIndex, part.tables.coocWeight, model.coocIndex, model.coocWeight],
      [part.tables.nextIndex, part.tables.nextWeight, model.nextIndex, model.nextWeight],
    ] as const) {
      for (let j = 0; j < from.length; j++) {
        const l = local(from[j]);
        if (l >= 0) (to[o * k + j] = l), (toW[o * k + j] = fromW[j]);
      }
    }
  }
  model.itemIds = items.map((it) => it.id);
  return { items, model };
}
