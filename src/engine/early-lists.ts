/**
 * Lists a first visit is answered with before the catalogue and the model's arrays are in (issue
 * 12), and the gate that holds those downloads back until the page's first carousel is on screen:
 *
 * - the manifest's starter list: Trending, and For you of a shopper with no history;
 * - a product page straight from a link: its anchor's shard (neighbour rows and anchor cards,
 *   found by the id's hash) answers Because you viewed, Frequently bought together and the
 *   product's own card.
 *
 * A returning shopper's kept lists are the engine's (`kept-lists.ts`): they need its history.
 * What the downloads are and in which order they start is `startup.ts`.
 */
import { ModelLoader, type AnchorShard, type BaseModel } from '../model/load-model';
import type { FusionWeights } from '../shared/model-manifest';
import type { CatalogItem, RecommendationList, RecommendRequest, Surface } from '../shared/protocol';
import { anchoredList, type ListPolicy } from './ranker';
import { anchorCatalog, starterList, starterOf, type AnyLoader, type StarterList } from './startup';

/** What the engine tells the early lists about the shopper and itself. */
export interface EarlyHost {
  /** The catalogue is in: the engine answers everything itself. */
  loaded(): boolean;
  /** No history to personalise (none stored, paused, or no consent). */
  blank(): boolean;
  /** No event stored at all (a first visit). */
  firstVisit(): boolean;
  /** Resolves once the stored history has been read. */
  historyRead(): Promise<void>;
  /** A first visitor's list policy (the merchant's rules, the diversity of this device's variant). */
  policy(surface: Surface): ListPolicy;
  /** The fusion weights of this device's variant, from the model's. */
  fusionWeights(base: FusionWeights): FusionWeights;
  reportError(message: string): void;
  /** Neighbour rows that failed: the lists go on without them. */
  neighboursFailed(err: Error): void;
  track<T>(work: Promise<T>): Promise<T>;
}

/** The anchors of an anchored list: the cart's items for "bought together" on the cart page, else the product. */
export function anchorIds(req: RecommendRequest): string[] {
  return req.surface === 'bought-together' && req.cartItemIds?.length ? req.cartItemIds : req.itemId ? [req.itemId] : [];
}

export class EarlyLists {
  /** Resolves when the catalogue and the model's arrays may download. */
  readonly bulkWanted: Promise<void>;
  private openGate!: () => void;
  private gateOpen = false;
  private downloads?: { manifest: Promise<AnyLoader>; core: Promise<BaseModel> };
  private starter?: StarterList;
  /** Product pages' anchor shards, by item id. */
  private readonly anchors = new Map<string, Promise<AnchorShard | undefined>>();

  constructor(private readonly host: EarlyHost) {
    this.bulkWanted = new Promise<void>((resolve) => (this.openGate = resolve));
  }

  /** Lets the catalogue and the model's arrays download (the page's first carousel is on screen, or a list needs them). */
  openBulk(): void {
    this.gateOpen = true;
    this.openGate();
  }

  /** The start-up downloads have begun (`startDownloads`). */
  attach(downloads: { manifest: Promise<AnyLoader>; core: Promise<BaseModel> }): void {
    this.downloads = downloads;
  }

  /** The manifest is in: its starter list, if any, can answer. */
  useManifest(loader: AnyLoader): void {
    this.starter = starterOf(loader);
  }

  /** The catalogue is in, or failed: it decides what can be shown from now on. */
  dropStarter(): void {
    this.starter = undefined;
  }

  get hasStarter(): boolean {
    return this.starter !== undefined;
  }

  /** The starter list's answer to `req`, if it has one. */
  starterList(req: RecommendRequest): RecommendationList | undefined {
    return this.starter ? starterList(this.starter, req, this.host.blank(), this.host.policy(req.surface)) : undefined;
  }

  /**
   * A product page names its anchor before the catalogue is in. A first visit's page is answered
   * from the anchor's shard (found from the manifest alone), and the catalogue waits for the
   * page's first carousel; otherwise the anchor's neighbour shard is fetched beside the catalogue
   * (the model's item ids say which), not after it.
   */
  prefetchAnchors(req: RecommendRequest): void {
    const ids = anchorIds(req);
    if (ids.length === 0 || !this.downloads) return;
    const { manifest, core } = this.downloads;
    void this.host.track(manifest.then(async (loader) => {
      if (ids.length === 1 && (await this.anchorShard(ids[0]))) return;
      this.openBulk(); // an anchored list needs the catalogue then
      // A partitioned model's anchor comes with its part, which the list itself asks for.
      if (!(loader instanceof ModelLoader)) return;
      const model = await core;
      await loader.ensureRows(model, ids.map((id) => model.itemIds.indexOf(id)), (err) => this.host.neighboursFailed(err));
    }).catch(() => undefined)); // the manifest's and the catalogue's start-up report it
  }

  /**
   * The anchor's shard, on a first visit while the catalogue is not on its way yet
   * (`ModelLoader.anchorShard`; once per id): undefined otherwise, when the model cannot answer
   * from a shard, or when that failed.
   */
  anchorShard(id: string): Promise<AnchorShard | undefined> {
    let shard = this.anchors.get(id);
    if (!shard) {
      shard = this.host.historyRead()
        .then(() => (this.host.firstVisit() && !this.gateOpen ? this.downloads?.manifest : undefined))
        .then((loader) => (loader instanceof ModelLoader ? loader.anchorShard(id) : undefined))
        .catch((err: unknown) => {
          this.host.reportError(`${err instanceof Error ? err.message : String(err)}; the product page waits for the catalogue`);
          return undefined;
        });
      this.anchors.set(id, shard);
    }
    return shard;
  }

  /** A first visit's product page list, from its anchor's shard (see `anchorCatalog`). */
  async anchoredList(req: RecommendRequest): Promise<RecommendationList | undefined> {
    const ids = anchorIds(req);
    if ((req.surface !== 'because-you-viewed' && req.surface !== 'bought-together') || ids.length !== 1 || !this.downloads) return undefined;
    const shard = await this.anchorShard(ids[0]);
    if (!shard || this.host.loaded()) return undefined;
    const loader = await this.downloads.manifest;
    if (!(loader instanceof ModelLoader)) return undefined;
    const { manifest } = loader;
    const k = Math.max(1, Math.min(req.k ?? 10, 100));
    const weights = this.host.fusionWeights(manifest.params.fusion);
    // Normalised as over the whole catalogue, where the neighbour and text signals are zero for
    // almost every item: so the candidates rank as the catalogue's list would rank them.
    const items = manifest.itemCount;
    const pop = manifest.shards.cards?.popularity;
    const over = {
      cooc: { items, rest: 0 }, next: { items, rest: 0 }, content: { items, rest: 0 },
      ...(pop ? { popularity: { items, rest: pop.mean, restStd: pop.std } } : {}),
    };
    return anchoredList(anchorCatalog(shard, manifest), req.surface, [0], undefined, weights, k, this.host.policy(req.surface), over);
  }

  /** A first visit's product card, from its anchor's shard; undefined when the engine must answer. */
  async card(id: string): Promise<CatalogItem | undefined> {
    const card = (await this.anchorShard(id))?.cards.items.find((it) => it.id === id);
    return card && !this.host.loaded() ? card : undefined;
  }
}
