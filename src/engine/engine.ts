import type { Signal } from '../core/fusion';
import type { FusionWeights, SequenceFineTune } from '../shared/model-manifest';
import { summarizeHistory, type HistoryEvent, type ShopperHistory } from '../core/history';
import type { BackendChoice, WasmPaths } from '../model/backend';
import { JsCfScorer, type CfScorer } from '../core/cf-scorer';
import { ModelLoader, type BaseModel, type FetchBytes } from '../model/load-model';
import type { PartitionLoader } from '../model/partition-loader';
import { createFetchBytes, eraseAssetCache, pruneAssetCache } from './assets';
import { starterList, starterOf, startDownloads, type StarterList } from './startup';
import { WorkingSet } from './working-set';
import { anchorIds, EarlyLists } from './early-lists';
import { asKeptLists, basisOf, keptKey, META_KEPT, modelVersion, type KeptLists } from './kept-lists';
import {
  EVENT_TYPES, SURFACES,
  type BackendName, type CatalogItem, type EngineConfig, type EngineStatus, type Interest, type Reason, type ExportedData, type RecommendationList,
  type RecommendRequest, type ShopperEvent, type ShopperEventInput, type Surface,
} from '../shared/protocol';
import { openEventLog, type EventLog } from '../store/event-log';
import type { ClosedBy } from '../store/db';
import { LogWriter } from './log-writer';
import { RevisionLists } from './revision-lists';
import { anchoredList, anchorSignals, CatalogModel, FEATURED, forYouSignals, fuseList, rankAndExplain, selectList, toRecommended, type ListPolicy } from './ranker';
import { applyRules, clampCount } from '../core/merchant-rules';
import { intraListDiversity } from '../core/diversity';
import { interestProfile, titleWordStats, type InterestCatalog, type ShopperInterest } from '../core/interests';
import { defaultMerchantConfig, validateMerchantConfig, type ResolvedMerchantConfig } from '../shared/merchant-config';
import type { ActiveExperiment, OutcomeSummary } from '../shared/protocol';
import { mulberry32 } from '../core/random';
import { encodeSequence, type SequenceWeights } from '../core/sequence-model';
import { fitAdapter, shopperTransitions } from '../core/sequence-adapter';
import { cryptoRandom, ExperimentRunner } from './experiments';

export interface EngineOptions {
  /** How bytes are fetched (default: `fetch`, GET only). */
  fetchBytes?: FetchBytes;
  /** What relative catalogue and model URLs are resolved against (default: the worker's location). */
  baseUrl?: string;
  wasmPaths?: WasmPaths;
  /** IndexedDB database name (tests use a fresh one each). */
  dbName?: string;
  /** Use this log instead of opening IndexedDB (tests). */
  log?: EventLog;
  now?: () => number;
  /** Uniform in [0, 1) for experiments and report noise (default: crypto.getRandomValues; tests seed it). */
  random?: () => number;
}

type Listener = (status: EngineStatus) => void;

const MAX_ID_LENGTH = 256;
const MAX_QUERY_LENGTH = 200;
/**
 * MMR λ of every list: 1 would keep the fused order. Chosen on validation users so that HR@10
 * stays within 2% of the undiversified lists (see the README's Quality section).
 */
export const DIVERSITY_LAMBDA = 0.85;
const META_BACKEND = 'backend-choice';
const META_SETTINGS = 'settings';

/** The shopper's own settings, kept beside their log. */
interface Settings {
  paused: boolean;
  /**
   * Interests the shopper removed: item id → when. Events of these items up to then no longer
   * drive recommendations (they stay in the log until erased); a later event counts again.
   */
  removed?: Record<string, number>;
}

/** The interest profile looks at this many of the most recent distinct items. */
const INTEREST_ITEMS = 300;
/** An `interest` list is anchored on this many of the interest's strongest items. */
const INTEREST_ANCHORS = 8;
/** A partitioned model keeps the parts of the shopper's last this many distinct items. */
const RECENT_ITEMS = 20;

/**
 * The recommender engine: keeps the shopper's log, learns from it, and answers for each
 * surface. The worker exposes one instance; Node tests and the evaluation use it directly.
 * No method sends anything anywhere: the only requests are GETs of catalogue and model.
 */
export class Engine {
  private readonly fetchBytes: FetchBytes;
  private readonly now: () => number;
  private log?: EventLog;
  private cat?: CatalogModel;
  private cf?: CfScorer;
  private events: ShopperEvent[] = [];
  private history: ShopperHistory = summarizeHistory([]);
  private userVector?: Float32Array;
  /** The sequence model's per-shopper adapter (when the model asks for it), fitted after each learning step. */
  private adapter?: Float32Array;
  private fitting?: Promise<void>;
  private refitWanted = false;
  /** The interests computed for `history` (the summary they were computed from: a new one invalidates them). */
  private profileCache?: { history: ShopperHistory; interests: ShopperInterest[] };
  private removed: Record<string, number> = {};
  /** Title word statistics for naming interests, built on first need. */
  private interestCatalog?: InterestCatalog;
  /** The merchant's rules (`EngineConfig.merchantUrl`); the defaults without one. */
  private merchant: ResolvedMerchantConfig = defaultMerchantConfig();
  private state: EngineStatus = {
    phase: 'starting', eventCount: 0, persistent: false, paused: false, consent: 'not-required', modelLoaded: false, errors: [], revision: 0,
  };
  private listeners = new Map<number, Listener>();
  private nextListener = 1;
  /** Catalogue, model and history loaded: every surface can be answered (CF in plain JS). */
  private initDone?: Promise<EngineStatus>;
  /** What `init` resolves with (see there). */
  private answered?: Promise<EngineStatus>;
  /** Work in flight (writes, learning); `whenIdle` waits for it to drain. */
  private pending = new Set<Promise<unknown>>();
  /** Writes the events in order, a burst a transaction, keeping the log bounded. */
  private readonly writer = new LogWriter({
    log: () => this.log,
    held: () => this.events.length,
    trim: (kept) => {
      if (this.events.length > kept) this.events = this.events.slice(this.events.length - kept);
      this.setState({ eventCount: this.events.length });
    },
    stored: () => this.announce(),
    reportError: (msg) => this.reportError(msg),
  });
  private learning: Promise<void> = Promise.resolve();
  private learnQueued = false;
  /** Starts the tfjs backend once (see `EngineConfig.deferBackend`). */
  private backendStart?: () => Promise<void>;
  /** The page asked for the backend (its first carousel is on screen), or an event came. */
  private backendWanted = false;
  private config?: EngineConfig;
  private backendStarted?: Promise<void>;
  /** The backend module, once TensorFlow.js is loaded. */
  private backends?: typeof import('../model/backend');
  /** Backends that lost their device this session: not chosen again. */
  private lostBackends: BackendName[] = [];
  /** Tells the engines of other tabs (same origin, same database) that the stored log changed. */
  private channel?: BroadcastChannel;
  private reloading: Promise<void> = Promise.resolve();
  private reloadQueued = false;
  /** Outcome counters, the experiment variant and the daily private report (issue 8). */
  private readonly experiments: ExperimentRunner;
  /** Moved by `advanceClockForTest` only. */
  private clockOffset = 0;
  /** The platform's CSPRNG; replaced by `seedRandomForTest` only. */
  private random: () => number;
  /** The model's parts arrive by need (see `ModelLoader`). */
  private loader?: ModelLoader;
  /** The sequence model (issue 17), once fetched after the embeddings. */
  private sequence?: SequenceWeights;
  /** A partitioned model's parts on this device (issue 16); undefined for a whole model. */
  private parts?: WorkingSet;
  /** A partitioned model's Trending: its manifest's starter list (the catalogue is never whole here). */
  private partsStarter?: StarterList;
  /** History read and manifest in (or failed): what the starter list needs. */
  private starterReady?: Promise<void>;
  /**
   * A first visit's lists before the catalogue is in (starter list, product page from its
   * anchor's shard), and the gate of the catalogue and core downloads: with a starter list and no
   * history they wait until the page's first carousel is painted or a request needs more, so they
   * do not share a phone's link with the page's own code and first lists.
   */
  private readonly firstLists: EarlyLists;
  /** The lists of the current revision, computed once (see `revision-lists.ts`). */
  private readonly lists = new RevisionLists((req) => this.computeAndKeep(req));
  /** The manifest's version and date, once it is in: part of a kept list's basis. */
  private modelVersion?: string;
  /** The lists last served for the home surfaces (see `kept-lists.ts`). */
  private kept?: KeptLists;
  /** The history (and the kept lists) read. */
  private historyRead?: Promise<void>;
  /** The basis the user vector was last learned for: lists are kept only once it is current. */
  private learnedBasis?: string;
  private keptWriteQueued = false;
  private embeddingsQueued = false;
  /** `start` has finished: lists are computed, no longer served from kept or starter lists. */
  private loaded = false;
  /** Consent changes, one after the other (see `setConsent`). */
  private consentChange: Promise<void> = Promise.resolve();

  constructor(private readonly options: EngineOptions = {}) {
    // Cache Storage only while the engine may store (see `EngineConfig.consentRequired`).
    this.fetchBytes = options.fetchBytes ?? createFetchBytes(() => this.state.consent !== 'not-given');
    const clock = options.now ?? Date.now;
    this.now = () => clock() + this.clockOffset;
    this.random = options.random ?? cryptoRandom;
    this.experiments = new ExperimentRunner({
      log: () => this.log, now: this.now, random: () => this.random(), paused: () => !this.personalising(),
    });
    this.firstLists = new EarlyLists({
      loaded: () => this.loaded,
      blank: () => this.events.length === 0 || !this.personalising(),
      firstVisit: () => this.events.length === 0,
      historyRead: () => this.historyRead ?? Promise.resolve(),
      policy: (surface) => this.policy(surface, summarizeHistory([])),
      fusionWeights: (base) => this.experiments.fusionWeights(base),
      reportError: (msg) => this.reportError(msg),
      neighboursFailed: this.neighboursFailed,
      track: (work) => this.track(work),
    });
  }

  /**
   * Loads catalogue, model and history, then starts the tfjs backend in the background.
   * Resolves as soon as recommendations can be served: with `deferBackend` (a page), once the
   * starter list can answer the first carousel if there is one; else once everything is loaded.
   * Never rejects: what failed is in `status().errors`.
   */
  init(config: EngineConfig): Promise<EngineStatus> {
    this.config ??= config;
    if (!this.initDone) {
      const loaded = (this.initDone = this.track(this.start(config)));
      const starter = this.starterReady!.then(() => (this.firstLists.hasStarter && config.deferBackend ? this.status() : loaded));
      this.answered = Promise.race([loaded, starter]);
    }
    return this.answered!;
  }

  /** Everything loaded; asks for the downloads a starter list defers. */
  private ready(): Promise<EngineStatus | undefined> {
    this.firstLists.openBulk();
    return this.initDone ?? Promise.resolve(undefined);
  }

  /** `init`'s answer, asking for what a starter list defers: for callers that need it all. */
  async whenLoaded(): Promise<EngineStatus> {
    return (await this.ready()) ?? this.status();
  }

  status(): EngineStatus {
    return structuredClone(this.state);
  }

  /** Calls `listener` with every status change; returns an id for `unsubscribe`. */
  subscribe(listener: Listener): number {
    const id = this.nextListener++;
    this.listeners.set(id, listener);
    listener(this.status());
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  /** Resolves when no event, learning or loading is pending. */
  async whenIdle(): Promise<void> {
    this.firstLists.openBulk();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  eventCount(): number {
    return this.events.length;
  }

  /**
   * Validates and stores an event, then learns from it in the background. Resolves true when
   * stored, false while personalisation is paused (nothing is kept). Rejects, storing nothing,
   * for an unknown item or a malformed event.
   */
  async recordEvent(input: ShopperEventInput): Promise<boolean> {
    // An event sent after the page's consent call is judged under it.
    await this.consentChange;
    // Without consent the event is not even looked at: nothing of it is kept, not in memory either.
    if (this.state.consent === 'not-given') return false;
    // A first visit's product page records its view before its first lists: those come from the
    // anchor's shard, and the catalogue (which checks the event) must not share the link with it.
    if (!this.loaded && input.type === 'view' && typeof input.itemId === 'string') await this.firstLists.anchorShard(input.itemId);
    await this.ready();
    // A partitioned model knows an item once its part is in: fetched here, with its neighbours'.
    if (this.parts && input.type !== 'search' && typeof input.itemId === 'string' && input.itemId.length <= MAX_ID_LENGTH) await this.widen([input.itemId], true);
    const event = this.validateEvent(input);
    if (!this.personalising()) return false;
    this.events.push(event);
    this.setState({ eventCount: this.events.length });
    // The item's neighbour shard, which its lists need, comes while the event is written and learned.
    const item = event.type === 'search' ? undefined : this.cat?.indexOf.get(event.itemId);
    if (item !== undefined) void this.track(this.ensureNeighbours([item]));
    const stored = this.track(this.writer.write(event));
    // Counted in memory at once, so the revision learning makes below shows it.
    const counted = event.type === 'add_to_cart' || event.type === 'purchase' ? this.track(this.experiments.noteConversion(event.type, event.itemId)) : undefined;
    // Learning does not wait for the write: the event is in memory, and a failed write is said.
    // The embeddings (1 MB) and TensorFlow.js wait for the page's first carousel: a product page
    // records its view first, and its Because you viewed must not share a phone's link with them.
    if (this.backendWanted || !this.config?.deferBackend) this.startLearningBackend();
    this.scheduleLearning();
    await stored;
    await counted;
    return true;
  }

  /**
   * A list of recommended cards reached the screen (the page calls this once per new content):
   * one impression per position, for this device's variant. Nothing is kept while paused. A
   * visit is also when the previous day's report, if one is due, goes out.
   */
  async noteImpressions(surface: Surface, itemIds: string[]): Promise<void> {
    await this.ready();
    if (!SURFACES.includes(surface) || !Array.isArray(itemIds)) throw new Error('noteImpressions: a known surface and a list of item ids');
    if (!this.personalising() || itemIds.length === 0) return;
    await this.track(this.experiments.noteImpressions(surface, itemIds.length));
    await this.track(this.experiments.maybeReport());
  }

  /** The shopper opened the recommended card at `position` (0 = first) of `surface`. Nothing is kept while paused. */
  async noteClick(surface: Surface, position: number, itemId: string): Promise<void> {
    await this.ready();
    if (!SURFACES.includes(surface) || !Number.isInteger(position) || position < 0 || typeof itemId !== 'string' || itemId.length > MAX_ID_LENGTH) {
      throw new Error('noteClick: a known surface, a position ≥ 0 and an item id');
    }
    if (!this.personalising()) return;
    await this.track(this.experiments.noteClick(surface, position, itemId));
  }

  /** How recommendations worked for this shopper: per-surface impressions, clicks and conversions. */
  async outcomes(): Promise<OutcomeSummary> {
    await this.ready();
    return this.experiments.summary();
  }

  /** The experiment variant this device runs (undefined without an experiment, or while paused). */
  async experiment(): Promise<ActiveExperiment | undefined> {
    // The rules and the stored variant are in with the starter list: no need for the catalogue.
    await (this.starterReady ?? this.ready());
    return this.experiments.experiment();
  }

  /** For QA: moves the engine's clock forward (e.g. to the next day, when a report is due). Returns the new time. */
  advanceClockForTest(ms: number): number {
    if (Number.isFinite(ms) && ms > 0) this.clockOffset += ms;
    return this.now();
  }

  /**
   * For QA: draws (bandit, seeds, randomized response) from a seeded generator from now on, so a
   * simulation gives the same result on every run.
   */
  seedRandomForTest(seed: number): void {
    this.random = mulberry32(seed >>> 0);
  }

  /**
   * Pauses (or resumes) personalisation: while paused nothing is recorded and every list is
   * non-personal; the stored history stays until the shopper erases it.
   */
  async setPaused(paused: boolean): Promise<void> {
    await this.ready();
    await this.whenIdle();
    await this.log?.setMeta(META_SETTINGS, { paused, removed: this.removed } satisfies Settings);
    this.setState({ paused, revision: this.state.revision + 1 });
    this.announce();
  }

  async recommend(req: RecommendRequest): Promise<RecommendationList> {
    if (!this.loaded) {
      this.firstLists.prefetchAnchors(req);
      // A returning shopper's kept lists need only the history; a first visit's starter list
      // needs the manifest.
      await Promise.race([this.initDone, this.historyRead]);
      let early = this.loaded ? undefined : this.keptList(req);
      if (!early && !this.loaded) {
        await Promise.race([this.initDone, this.starterReady]);
        early = this.loaded ? undefined : this.keptList(req) ?? this.firstLists.starterList(req) ?? (await this.firstLists.anchoredList(req));
      }
      if (early) return early;
    }
    await this.ready();
    return this.lists.get(this.state.revision, req);
  }

  /** Computes a list, and keeps it for the next visit if it is a home surface. */
  private async computeAndKeep(req: RecommendRequest): Promise<RecommendationList> {
    // Only the home surfaces are kept: an anchored list costs no fingerprint.
    const key = keptKey(req);
    const basis = key && this.basis();
    const list = await this.computeList(req);
    if (key && basis) this.keep(key, basis, list);
    return list;
  }

  private readonly neighboursFailed = (err: Error) => this.reportError(`${err.message}; lists go on without those items' neighbours`);

  /**
   * The list kept for this request from a visit with the same history, if any; once the manifest
   * and rules are in, with the same model version and rules too (see `kept-lists.ts`).
   */
  private keptList(req: RecommendRequest): RecommendationList | undefined {
    const key = keptKey(req);
    if (!key || !this.kept) return undefined;
    const fits = this.modelVersion ? this.kept.basis === this.basis() : this.kept.history === this.basis(false);
    const list = fits ? this.kept.lists[key] : undefined;
    // Products come and go between model builds: the same manifest can come with a catalogue that
    // no longer has some of a kept list's items. Once this visit's catalogue is in (a returning
    // shopper's embeddings may still be loading), those items are left out; none left: compute.
    const cat = this.cat;
    // A partitioned model's working set holds only some items; the model version vouches for them.
    if (!list || !cat || this.parts) return list;
    const items = list.items.filter((it) => cat.indexOf.has(it.id));
    if (items.length === list.items.length) return list;
    return items.length > 0 ? { ...list, items } : undefined;
  }

  /**
   * What the lists of a personal history are computed from (with the model version and rules, or
   * the history alone); undefined when nothing is kept (no history, paused, or no manifest).
   */
  private basis(withModel = true): string | undefined {
    const last = this.events.at(-1);
    if (!last || !this.personalising() || (withModel && !this.modelVersion)) return undefined;
    const history = { events: this.events.length, last, removed: this.removed };
    return basisOf(withModel ? { ...history, model: this.modelVersion, rules: this.merchant } : history);
  }

  /** Keeps a list computed for `basis` if nothing changed meanwhile and learning had caught up. */
  private keep(key: string, basis: string, list: RecommendationList): void {
    if (basis !== this.learnedBasis || basis !== this.basis()) return;
    if (this.kept?.basis !== basis) this.kept = { basis, history: this.basis(false)!, lists: {} };
    this.kept.lists[key] = list;
    if (this.keptWriteQueued || !this.log) return;
    this.keptWriteQueued = true;
    // One write for the lists a page asks for together.
    void this.track(new Promise((resolve) => setTimeout(resolve, 0)).then(async () => {
      this.keptWriteQueued = false;
      if (this.kept) await this.log?.setMeta(META_KEPT, this.kept).catch(() => undefined);
    }));
  }

  private async computeList(req: RecommendRequest): Promise<RecommendationList> {
    if (!SURFACES.includes(req.surface)) throw new Error(`Unknown surface "${String(req.surface)}"`);
    // A partitioned model: the anchor's part (and its neighbours' parts) first.
    if (this.parts && (req.surface === 'because-you-viewed' || req.surface === 'bought-together')) await this.widen(anchorIds(req), true);
    // The working set may move on while this list awaits: it keeps the catalogue and CF model it started with.
    const cat = this.cat, cf = this.cf;
    if (!cat) return { surface: req.surface, items: [], personal: false };
    const k = Math.max(1, Math.min(req.k ?? 10, 100));
    // Paused, or no consent: the lists a first-time visitor would see.
    const history = this.personalising() ? this.history : summarizeHistory([]);
    const policy = this.policy(req.surface, history);
    const weights = this.fusionWeights();
    switch (req.surface) {
      case 'trending':
        return { surface: 'trending', items: this.trending(k, policy), personal: false };
      case 'recently-viewed': {
        const rules = applyRules('recently-viewed', new Float32Array(cat.n), cat.items, this.merchant, history.purchased);
        const viewed: number[] = [];
        for (let i = this.personalising() ? this.events.length - 1 : -1; i >= 0 && viewed.length < k; i--) {
          const e = this.events[i];
          if (e.type !== 'search') {
            const idx = cat.indexOf.get(e.itemId);
            if (idx !== undefined && !viewed.includes(idx) && !rules.exclude(idx)) viewed.push(idx);
          }
        }
        const items = clampCount(viewed, this.merchant).map((i) => toRecommended(cat, i, 0, { kind: 'recent', text: 'You viewed this recently' }));
        return { surface: 'recently-viewed', items, personal: items.length > 0 };
      }
      case 'for-you': {
        if (history.items.length === 0 && history.queries.length === 0) {
          return { surface: 'for-you', items: this.trending(k, policy), personal: false };
        }
        await this.ensureNeighbours(history.items);
        const { signals, ctx } = await this.forYouSignals(cat, cf, history, this.userVector, weights, this.adapter);
        const slots = cat.newItemSlots(contentOf(signals));
        const exclude = notForShopper(cat, history);
        const items = rankAndExplain(cat, fuseList(cat, signals, policy, exclude, slots), k, exclude, ctx, policy, slots);
        return { surface: 'for-you', items, personal: true };
      }
      case 'interest': {
        const interest = req.interest === undefined ? this.profile()[0] : this.profile().find((p) => p.key === req.interest);
        if (!this.personalising() || !interest) return { surface: 'interest', items: [], personal: false };
        const anchors = interest.items.slice(0, INTEREST_ANCHORS);
        await this.ensureNeighbours(anchors);
        const rows = cat.toRows(anchors);
        const scores = cf && rows.items.length > 0 ? await cf.scoreAll(await cf.foldIn(rows.items, rows.weights)) : undefined;
        const { signals, ctx } = anchorSignals(cat, anchors, scores, weights);
        const exclude = notForShopper(cat, history);
        const items = rankAndExplain(cat, fuseList(cat, signals, policy, exclude), k, exclude, ctx, policy).map((it) => ({
          ...it,
          reason: interestReason(it.reason, interest.name),
        }));
        return { surface: 'interest', items, personal: true, interest: { key: interest.key, name: interest.name } };
      }
      case 'because-you-viewed':
      case 'bought-together': {
        const anchors = anchorIds(req)
          .map((id) => cat.indexOf.get(id))
          .filter((i): i is number => i !== undefined);
        if (anchors.length === 0) {
          throw new Error(`Surface "${req.surface}" needs a known anchor item (itemId or cartItemIds)`);
        }
        await this.ensureNeighbours(anchors);
        const anchorRow = cat.rowOf[anchors[0]];
        const scores = cf && anchorRow >= 0 ? await cf.scoreAll(embeddingOf(cat, anchorRow)) : undefined;
        return anchoredList(cat, req.surface, anchors, scores, weights, k, policy);
      }
    }
  }

  /**
   * For offline evaluation: the fused "for-you" score of every catalogue item (catalogue order)
   * for a given history, computed by the code `recommend` runs — summary, fold-in on the current
   * backend, signals, fusion — without touching the stored log. `weights` overrides the model's
   * fusion weights (tuning); the signals come back too so a tuner can re-weigh without recomputing,
   * and `top` is the first `k` of the list as the shopper would see it (merchant rules, new-item
   * slots, diversity; `lambda` overrides the diversity, 1 = none). `fineTune` overrides the
   * model's fine-tuning of the sequence model (null: none), as a learning step would run it.
   */
  async scoreHistory(
    events: ShopperEventInput[],
    weights?: FusionWeights,
    k = 100,
    lambda?: number,
    fineTune?: SequenceFineTune | null,
  ): Promise<{ scores: Float32Array; signals: Signal[]; top: number[]; diversity: number }> {
    await this.ready();
    const cat = this.cat;
    if (!cat) throw new Error('scoreHistory: no catalogue loaded');
    const history = this.summarize(events);
    await this.ensureNeighbours(history.items);
    const w = weights ?? this.fusionWeights();
    const adapter = w.sequence !== 0 ? await this.adaptSequence(history, fineTune) : undefined;
    const { signals } = await this.forYouSignals(cat, this.cf, history, await this.foldIn(history), w, adapter);
    const policy = { ...this.policy('for-you', history), ...(lambda === undefined ? {} : { lambda }) };
    const slots = cat.newItemSlots(contentOf(signals));
    const exclude = notForShopper(cat, history);
    // The path `recommend` runs: fusion over the list's candidates (the others score -Infinity).
    const scores = fuseList(cat, signals, policy, exclude, slots).total;
    const { items } = selectList(cat, scores, k, exclude, { ...policy, merchant: { ...policy.merchant, maxItems: k } }, slots);
    return { scores, signals, top: items, diversity: intraListDiversity(items.slice(0, 10), cat.similarity) };
  }

  async getItems(ids: string[]): Promise<CatalogItem[]> {
    // A first visit's product page shows its product from the anchor's shard, before the catalogue.
    if (!this.loaded && ids.length === 1) {
      const card = await this.firstLists.card(ids[0]);
      if (card) return [card];
    }
    await this.ready();
    await this.widen(ids);
    const cat = this.cat;
    if (!cat) return [];
    return ids.map((id) => cat.indexOf.get(id)).filter((i): i is number => i !== undefined).map((i) => cat.items[i]);
  }

  /** Catalogue search by text and/or category (browsing; it records nothing). */
  async searchCatalog(query: string, opts: { category?: string; offset?: number; limit?: number } = {}): Promise<{ total: number; items: CatalogItem[] }> {
    await this.ready();
    const cat = this.cat;
    if (!cat) return { total: 0, items: [] };
    const q = query.trim().slice(0, MAX_QUERY_LENGTH);
    let hits = q ? cat.content.search(q) : cat.items.map((_, i) => i);
    if (opts.category) hits = hits.filter((i) => cat.items[i].category === opts.category);
    if (!q && cat.model) {
      const pop = cat.model.popularity;
      hits.sort((a, b) => (pop[cat.rowOf[b]] ?? 0) - (pop[cat.rowOf[a]] ?? 0) || a - b);
    }
    const offset = Math.max(0, opts.offset ?? 0);
    const limit = Math.max(1, Math.min(opts.limit ?? 24, 200));
    return { total: hits.length, items: hits.slice(offset, offset + limit).map((i) => cat.items[i]) };
  }

  async categories(): Promise<{ name: string; count: number }[]> {
    await this.ready();
    const counts = new Map<string, number>();
    for (const it of this.cat?.items ?? []) if (it.category) counts.set(it.category, (counts.get(it.category) ?? 0) + 1);
    return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
  }

  async recentEvents(limit = 20): Promise<ShopperEvent[]> {
    await this.ready();
    return this.events.slice(-limit).reverse();
  }

  async exportData(): Promise<ExportedData> {
    await this.ready();
    await this.whenIdle();
    const [events, aggregates] = this.log ? await Promise.all([this.log.all(), this.log.aggregates()]) : [[], []];
    return {
      format: 'shelfwise-export', version: 1, exportedAt: new Date(this.now()).toISOString(),
      events,
      aggregates,
      settings: { paused: this.state.paused, removedInterestItems: this.removed },
      outcomes: this.experiments.stored(),
    };
  }

  /** The shopper's interests, strongest first (what "Your data" shows). */
  async interests(): Promise<Interest[]> {
    await this.ready();
    const cat = this.cat;
    if (!cat) return [];
    return this.profile().map((p) => ({ key: p.key, name: p.name, share: p.weight, items: p.items.slice(0, 5).map((i) => cat.items[i]) }));
  }

  /**
   * Removes an interest: its items' events so far stop driving recommendations (they stay in the
   * log, and in an export, until erased). False if there is no such interest.
   */
  async removeInterest(key: string): Promise<boolean> {
    await this.ready();
    await this.whenIdle();
    const interest = this.profile().find((p) => p.key === key);
    const cat = this.cat;
    if (!interest || !cat) return false;
    const now = this.now();
    const removed = { ...this.removed };
    for (const i of interest.items) removed[cat.items[i].id] = now;
    await this.log?.setMeta(META_SETTINGS, { paused: this.state.paused, removed } satisfies Settings);
    this.removed = removed;
    this.scheduleLearning();
    await this.learning;
    this.announce();
    return true;
  }

  /** Erases the log and everything learned from it; lists drop back to non-personal at once. */
  async eraseData(): Promise<void> {
    await this.ready();
    await this.whenIdle();
    await this.experiments.flushed(); // counter writes (a drawn seed, a bandit choice) land before the clear
    await this.log?.clear();
    // Erasing the history does not undo the shopper's choice to pause.
    if (this.state.paused) await this.log?.setMeta(META_SETTINGS, { paused: true } satisfies Settings);
    this.forget();
    await eraseAssetCache();
    this.setState({ eventCount: 0, revision: this.state.revision + 1 });
    this.announce();
  }

  /**
   * The shopper's consent to storing, as the page's banner or CMP decided (only with
   * `EngineConfig.consentRequired`; ignored otherwise). Given: the history an earlier visit with
   * consent stored is read, and events are recorded from now on (none from before: they were not
   * kept). Withdrawn: everything stored is erased, the database and the Cache Storage copies
   * included, and every list is non-personal at once. Changes apply one after the other.
   */
  setConsent(given: boolean): Promise<void> {
    const run = this.consentChange.then(() => (given ? this.consentGiven() : this.consentWithdrawn()));
    this.consentChange = run.catch(() => undefined);
    return this.track(run);
  }

  private async consentGiven(): Promise<void> {
    if (this.state.consent !== 'not-given') return;
    await this.historyRead; // start's opening (of nothing, without consent) is over
    this.setState({ consent: 'given' });
    await this.openHistory();
    if (this.events.length > 0) {
      this.firstLists.openBulk();
      if (this.backendWanted || !this.config?.deferBackend) this.startLearningBackend();
    }
    this.scheduleLearning(); // a new revision: the page asks for its lists again
    await this.learning;
  }

  private async consentWithdrawn(): Promise<void> {
    if (this.state.consent !== 'given') return;
    // From here nothing new is written: events are refused and Cache Storage is left alone.
    this.setState({ consent: 'not-given' });
    await this.writer.settled();
    await this.experiments.flushed();
    const log = this.log;
    this.storeGone('not-given');
    const deleted = await log?.destroy().catch((err: unknown) => {
      this.reportError(`Could not delete the stored history: ${message(err)}`);
      return true;
    });
    if (deleted === false) console.warn('[shelfwise] another tab holds the history open; it is deleted as soon as that tab lets go');
    await eraseAssetCache();
  }

  /** The store is no longer ours (withdrawn here or in another tab): nothing of it stays in memory; lists are non-personal at once. */
  private storeGone(consent: EngineStatus['consent']): void {
    this.dropLog();
    this.forget();
    this.setState({ eventCount: 0, persistent: false, paused: false, consent, revision: this.state.revision + 1 });
  }

  /** Lets go of the log and of the other tabs' channel (the log is gone, or no longer ours to use). */
  private dropLog(): void {
    this.log = undefined;
    this.channel?.close();
    this.channel = undefined;
  }

  /** Forgets in memory everything the shopper's history gave: events, learning, kept lists, counters. */
  private forget(): void {
    this.events = [];
    this.history = summarizeHistory([]);
    this.userVector = undefined;
    this.adapter = undefined;
    this.removed = {};
    this.kept = undefined;
    this.experiments.reset();
  }

  /**
   * Another tab deleted the database (the shopper withdrew consent there) or opened a newer
   * schema: this connection was closed. A deletion is that tab's withdrawal, here too.
   */
  private storeClosed(why: ClosedBy): void {
    if (why === 'upgraded') {
      this.dropLog();
      this.reportError('Another tab runs a newer version of Shelfwise; reload this page to keep recording');
      this.setState({ persistent: false });
      return;
    }
    this.storeGone(this.state.consent === 'not-required' ? 'not-required' : 'not-given');
  }

  /** Not paused and, in consent mode, consented: the history may shape lists and be added to. */
  private personalising(): boolean {
    return !this.state.paused && this.state.consent !== 'not-given';
  }

  // ---------------------------------------------------------------- internals

  private async start(config: EngineConfig): Promise<EngineStatus> {
    const consent = !config.consentRequired ? 'not-required' : config.consentGiven ? 'given' : 'not-given';
    this.setState({ phase: 'loading', detail: 'Opening your history', progress: 0, revision: config.revisionBase ?? 0, consent });
    const base = this.options.baseUrl ?? (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/';
    // Node, tests and the evaluation (no `deferBackend`) want everything at once.
    if (!config.deferBackend) this.firstLists.openBulk();
    const downloads = startDownloads(config, base, this.fetchBytes, this.firstLists.bulkWanted, (loader) => this.openWorkingSet(loader));
    const { manifestUrl, manifest, rules, bulk } = downloads;
    this.firstLists.attach({ manifest, core: downloads.core });
    const history = this.openHistory();
    this.historyRead = history.catch(() => undefined);
    this.starterReady = Promise.allSettled([history, manifest, rules]).then(([, loader, merchant]) => {
      this.applyRules(merchant, base);
      if (loader.status === 'fulfilled') {
        this.firstLists.useManifest(loader.value);
        this.modelVersion = modelVersion(loader.value.manifest);
      }
      // Without a starter list, or with a history to personalise, every list needs the catalogue.
      if (!this.firstLists.hasStarter || this.events.length > 0) this.firstLists.openBulk();
    });
    await this.starterReady;
    this.setState({ detail: 'Loading catalogue and model' });

    const [catalogue, core] = await bulk;
    if (catalogue.status === 'rejected') {
      this.reportError(`Catalogue could not be loaded: ${message(catalogue.reason)}`);
      this.firstLists.dropStarter(); // the catalogue decides what can be shown
      this.loaded = true;
      // A new revision: lists shown from the starter list are asked for again, and come back empty.
      this.setState({ phase: 'error', detail: undefined, progress: undefined, revision: this.state.revision + 1 });
      return this.status();
    }
    const items = catalogue.value;
    let model: BaseModel | undefined;
    if (core.status === 'fulfilled') model = core.value;
    else this.reportError(`Model unavailable, showing non-personal recommendations: ${message(core.reason)}`);
    this.cat = new CatalogModel(items, model);
    // A partitioned model's first working set is empty for a first visit.
    if (model && !this.parts && this.cat.coverage === 0) {
      this.reportError('Model does not match the catalogue (no shared item ids); using content similarity only');
      this.cat = new CatalogModel(items);
      model = undefined;
    }
    this.firstLists.dropStarter();
    this.history = this.summarize();
    if (this.parts && model) {
      // The parts carry their embeddings: learning starts at once, in plain JavaScript over the
      // working set (tens of thousands of items, a few ms; the tfjs backends are for whole models).
      this.cf = this.scorerFor(model);
      if (this.events.length > 0) this.scheduleLearning();
    }
    // Non-personal lists can be served from here on; the embeddings and the backend come next.
    this.setState({ modelLoaded: Boolean(model), detail: undefined, progress: 0.9 });
    const opened = await manifest.catch(() => undefined);
    if (model && opened instanceof ModelLoader) {
      this.loader = opened;
      this.backendStart = () => this.startBackend(config, model!);
      // The embeddings (the largest file) only once there is a history to learn from, unless
      // the page asked for everything at once (no `deferBackend`: Node, tests, the evaluation)
      // or named a backend (`?backend=`: QA wants that backend running).
      if (this.events.length > 0 || !config.deferBackend || config.backend) await this.loadEmbeddings();
    }
    // Old versions' files go from the cache once this version is in use.
    if (model && opened && this.state.consent !== 'not-given') void this.track(pruneAssetCache(manifestUrl, opened.fileUrls()).catch(() => 0));
    this.loaded = true;
    this.setState({ phase: 'ready', detail: undefined, progress: undefined, revision: this.state.revision + 1 });
    // The title index (and the cold items' text proxies) are built after the first lists are
    // answered: requests already waiting on init run first, then this task.
    const cat = this.cat;
    this.track(new Promise((resolve) => setTimeout(resolve, 0)).then(() => cat.proxies));
    // A visit: the previous day's report goes out now if due (never right after a click).
    void this.track(this.experiments.maybeReport());
    return this.status();
  }

  /**
   * Opens the log and reads the history, the shopper's settings and the outcome counters; without
   * consent, nothing (the device's storage is not even opened).
   */
  private async openHistory(): Promise<void> {
    if (this.state.consent === 'not-given') return;
    const opened = this.options.log ? { log: this.options.log } : await openEventLog(this.options.dbName, (why) => this.storeClosed(why));
    this.log = opened.log;
    if (opened.error) this.reportError(opened.error);
    this.listenToOtherTabs(this.options.dbName ?? 'shelfwise');
    try {
      this.events = await this.log.all();
    } catch (err) {
      this.reportError(`Could not read your history: ${message(err)}`);
    }
    const settings = await this.log.getMeta<Settings>(META_SETTINGS).catch(() => undefined);
    if (settings?.paused) this.setState({ paused: true });
    this.removed = settings?.removed ?? {};
    this.kept = asKeptLists(await this.log.getMeta(META_KEPT).catch(() => undefined));
    await this.experiments.load();
    this.setState({ persistent: this.log.persistent, eventCount: this.events.length });
  }

  private applyRules(merchant: PromiseSettledResult<unknown>, base: string): void {
    if (merchant.status === 'rejected') {
      this.reportError(`Merchant rules could not be loaded, using the defaults: ${message(merchant.reason)}`);
    } else if (merchant.value !== undefined) {
      const { config: rules, errors } = validateMerchantConfig(merchant.value);
      this.merchant = rules;
      for (const e of errors) this.reportError(e);
    }
    this.experiments.configure(this.merchant, base);
  }

  /** The neighbour rows of these catalogue items, fetched if not yet in. */
  private async ensureNeighbours(items: ArrayLike<number>): Promise<void> {
    const cat = this.cat, loader = this.loader;
    if (!cat?.model || !loader) return;
    await loader.ensureRows(cat.model, cat.toRows(items).items, this.neighboursFailed);
  }

  /** The plain-JS CF model of `model` (the fold-in regularises over all of a partitioned model's items). */
  private scorerFor(model: BaseModel): CfScorer {
    return new JsCfScorer(model.embeddings, model.n, model.d, model.gram, model.manifest.params, model.itemCount);
  }

  /** A partitioned model's first working set: the parts of the history's items. */
  private async openWorkingSet(loader: PartitionLoader): Promise<{ items: CatalogItem[]; model: BaseModel }> {
    this.parts = new WorkingSet(loader, (err) => this.reportError(`${err.message}; lists go on without those items`));
    this.partsStarter = starterOf(loader);
    await this.historyRead;
    await this.parts.addItems(this.recentItemIds());
    return this.parts.build();
  }

  /** The shopper's most recent distinct items (their parts stay in the working set). */
  private recentItemIds(): string[] {
    const ids = new Set<string>();
    for (let i = this.events.length - 1; i >= 0 && ids.size < RECENT_ITEMS; i--) {
      const e = this.events[i];
      if (e.type !== 'search') ids.add(e.itemId);
    }
    return [...ids];
  }

  /**
   * A partitioned model: the parts of `ids` (and of their neighbours) join the working set, and
   * the engine moves onto it. True when it changed.
   */
  private async widen(ids: readonly string[], neighbours = false): Promise<boolean> {
    const parts = this.parts;
    if (!parts || !(await parts.addItems(ids, neighbours))) return false;
    await this.useWorkingSet();
    return true;
  }

  /**
   * After a fold-in: the parts the shopper vector points to join (the history's stay). When the
   * set changed, learning runs again on it and the page hears of a new revision.
   */
  private async widenToInterests(u: Float32Array): Promise<void> {
    const parts = this.parts;
    if (!parts) return;
    const [interests, history] = await Promise.all([parts.addInterests(u), parts.addItems(this.recentItemIds())]);
    if (!interests && !history) return;
    await this.useWorkingSet();
    this.scheduleLearning();
  }

  /**
   * Moves the engine onto the working set's current catalogue and model. A list being computed
   * keeps the catalogue and CF model it started with (`computeList` takes both at its start).
   */
  private async useWorkingSet(): Promise<void> {
    const { items, model } = await this.parts!.build();
    if (this.cat?.model === model) return;
    this.cat = new CatalogModel(items, model);
    this.cf = this.scorerFor(model);
    this.interestCatalog = undefined;
    this.profileCache = undefined;
    this.history = this.summarize();
  }

  /**
   * The embeddings (1 MB, the largest file) after what a first personal list needs: the catalogue
   * and the history's neighbour shards. Until then that list comes from the neighbour, text and
   * popularity signals; sharing a phone's link with the embeddings made it a second later.
   */
  private loadEmbeddingsAfterFirstLists(): void {
    if (this.cf || this.embeddingsQueued || !this.initDone) return;
    this.embeddingsQueued = true;
    void this.track(this.initDone.then(async () => {
      await this.ensureNeighbours(this.summarize().items);
      await this.loadEmbeddings();
    }));
  }

  /**
   * Fetches the embeddings once, then learns with them: the plain-JS CF model serves at once,
   * the tfjs backend takes over when it has started.
   */
  private loadEmbeddings(): Promise<void> {
    const cat = this.cat, loader = this.loader, model = cat?.model;
    if (!model || !loader || this.cf) return Promise.resolve();
    return this.track(loader.loadEmbeddings(model).then(
      async () => {
        if (this.cf) return;
        this.cf = this.scorerFor(model);
        // The sequence model after the embeddings it reads (Node and the evaluation: before the first list).
        const sequence = this.loadSequence(loader);
        if (!this.config?.deferBackend) await sequence;
        // A named backend (`?backend=`: QA, development) runs without waiting for the page.
        if (!this.config?.deferBackend || this.config.backend || this.backendWanted) this.startLearningBackend();
        this.scheduleLearning();
        await this.learning;
      },
      (err: unknown) => this.reportError(`Model embeddings unavailable, personal lists use the neighbour and text signals: ${message(err)}`),
    ));
  }

  /** Fetches the sequence model, if the manifest has one; learning runs again with it. */
  private loadSequence(loader: ModelLoader): Promise<void> {
    return this.track(loader.loadSequence().then(
      (weights) => {
        if (!weights) return;
        this.sequence = weights;
        if (this.events.length > 0) this.scheduleLearning();
      },
      (err: unknown) => this.reportError(`Sequence model unavailable, lists go on without it: ${message(err)}`),
    ));
  }

  /**
   * Loads the embeddings if there is a history, then starts the tfjs backend, if not yet done
   * (with `deferBackend`, the page calls this once its first carousel is on screen; an event
   * recorded after that also starts it).
   */
  startLearningBackend(): void {
    this.backendWanted = true;
    this.firstLists.openBulk();
    if (this.events.length > 0) this.loadEmbeddingsAfterFirstLists();
    // TensorFlow.js comes after the embeddings it computes with.
    if (!this.backendStart || this.backendStarted || !this.cf) return;
    this.backendStarted = this.track(this.backendStart());
  }

  /** Chooses and starts the tfjs backend, then moves the CF model onto it. */
  private async startBackend(config: EngineConfig, model: BaseModel, why = ''): Promise<void> {
    try {
      // TensorFlow.js is loaded only here, so a page's first carousels never wait for it.
      const [backends, { TfCfModel }] = await Promise.all([import('../model/backend'), import('../model/cf-model')]);
      this.backends = backends;
      const exclude = this.lostBackends;
      const remembered = config.backend ? undefined : await this.log?.getMeta<BackendChoice>(META_BACKEND).catch(() => undefined);
      const choice = await backends.chooseBackend({ forced: config.backend, remembered, exclude, wasmPaths: this.options.wasmPaths, workload: [model.n, model.d] });
      if (!config.backend && !remembered && !exclude.length && choice.measuredMs) await this.log?.setMeta(META_BACKEND, choice).catch(() => undefined);
      const tfModel = new TfCfModel(model.embeddings, model.n, model.d, model.gram, model.manifest.params);
      this.cf?.dispose();
      this.cf = tfModel;
      this.setState({ backend: choice.backend, backendReason: why + choice.reason });
      backends.onDeviceLost((cause) => this.onDeviceLost(config, model, tfModel, cause));
      this.scheduleLearning();
      await this.learning;
    } catch (err) {
      this.reportError(`Learning backend failed, learning in plain JavaScript instead: ${message(err)}`);
    }
  }

  /**
   * The GPU device went away (driver reset, GPU process crash): serve from the plain-JS model at
   * once, then move to the next backend. The shopper's history and lists are untouched.
   */
  private onDeviceLost(config: EngineConfig, model: BaseModel, lost: CfScorer, cause: string): void {
    if (this.cf !== lost) return;
    console.warn(`[shelfwise] WebGPU device lost (${cause}); switching backend`);
    this.cf = this.scorerFor(model);
    try {
      lost.dispose();
    } catch {
      // Its tensors lived on the lost device.
    }
    this.lostBackends.push('webgpu');
    this.setState({ backend: undefined, backendReason: `WebGPU device lost (${cause}); choosing another backend` });
    this.scheduleLearning();
    this.track(this.startBackend(config, model, `WebGPU device lost (${cause}) → `));
  }

  /** Fault injection for QA: destroys the WebGPU device in use. False when WebGPU is not in use. */
  loseGpuDeviceForTest(): boolean {
    return this.backends?.loseDeviceForTest() ?? false;
  }

  private validateEvent(input: ShopperEventInput): ShopperEvent {
    if (typeof input !== 'object' || input === null || !EVENT_TYPES.includes(input.type)) {
      throw new Error(`Invalid event: type must be one of ${EVENT_TYPES.join(', ')}`);
    }
    if (input.type === 'search') {
      if (typeof input.query !== 'string' || input.query.trim() === '') throw new Error('Invalid search event: empty query');
      return { type: 'search', query: input.query.trim().slice(0, MAX_QUERY_LENGTH), ts: this.now() };
    }
    const id = input.itemId;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) throw new Error(`Invalid ${input.type} event: itemId must be a non-empty string`);
    // A partitioned model's item whose part could not be fetched is still known to its directory.
    if (this.cat && !this.cat.indexOf.has(id) && !this.parts?.knows(id)) throw new Error(`Unknown item "${id}": it is not in the catalogue, event not recorded`);
    return { type: input.type, itemId: id, ts: this.now() };
  }

  /**
   * Other tabs of the shop run engines of their own on the same database. Each one announces a
   * change it stored (events, erase, pause); the others re-read the store, so every tab keeps
   * every event and they converge on the same recommendations.
   */
  private listenToOtherTabs(name: string): void {
    if (typeof BroadcastChannel === 'undefined' || !this.log?.persistent) return;
    this.channel = new BroadcastChannel(`shelfwise:${name}`);
    // In Node (tests, evaluation) an open channel must not keep the process alive.
    (this.channel as { unref?: () => void }).unref?.();
    this.channel.onmessage = () => this.scheduleReload();
  }

  /** Coalesces reloads: a flood of announcements costs one reload in progress and one queued. */
  private scheduleReload(): void {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    this.reloading = this.track(this.reloading.then(() => {
      this.reloadQueued = false;
      return this.reloadFromStore().catch((err: unknown) => this.reportError(`Could not read what another tab stored: ${message(err)}`));
    }));
  }

  private announce(): void {
    this.channel?.postMessage({ type: 'changed' });
  }

  private async reloadFromStore(): Promise<void> {
    let stored: Awaited<ReturnType<EventLog['all']>>;
    let settings: Settings | undefined;
    for (;;) {
      // Our own writes first, so the store holds everything this tab recorded.
      const persisted = this.writer.written;
      await this.writer.settled();
      const log = this.log;
      if (!log) return; // consent withdrawn meanwhile
      [stored, settings] = await Promise.all([log.all(), log.getMeta<Settings>(META_SETTINGS)]);
      // An event this tab recorded during the read may be missing from it: read again.
      if (this.writer.written === persisted) break;
    }
    this.events = stored;
    this.removed = settings?.removed ?? {};
    await this.experiments.load();
    this.setState({ eventCount: this.events.length, paused: settings?.paused ?? false });
    this.scheduleLearning();
    await this.learning;
  }

  /** The log without the events of removed interests. */
  private activeEvents(): ShopperEvent[] {
    const removed = this.removed;
    if (Object.keys(removed).length === 0) return this.events;
    return this.events.filter((e) => e.type === 'search' || !(removed[e.itemId] >= e.ts));
  }

  private summarize(events: readonly ShopperEventInput[] = this.activeEvents()): ShopperHistory {
    const cat = this.cat;
    const mapped: HistoryEvent[] = events.map((e) =>
      e.type === 'search' ? { type: 'search', item: -1, query: e.query } : { type: e.type, item: cat?.indexOf.get(e.itemId) ?? -1 },
    );
    return summarizeHistory(mapped);
  }

  /** The shopper vector for a history: the fold-in on the current CF model (undefined without one). */
  private async foldIn(history: ShopperHistory): Promise<Float32Array | undefined> {
    if (!this.cat?.model || !this.cf) return undefined;
    const rows = this.cat.toRows(history.items, history.weights);
    return rows.items.length > 0 ? this.cf.foldIn(rows.items, rows.weights) : undefined;
  }

  /** Coalesces learning requests: at most one run in progress and one queued. */
  private scheduleLearning(): void {
    if (this.learnQueued) return;
    this.learnQueued = true;
    this.learning = this.track(this.learning.then(() => {
      this.learnQueued = false;
      return this.learn();
    }));
  }

  /** Folds the shopper's log into the user vector (the on-device fine-tuning step). */
  private async learn(): Promise<void> {
    const cat = this.cat;
    this.history = this.summarize();
    const basis = this.basis();
    if (!cat?.model || !this.cf) {
      this.learnedBasis = basis;
      this.setState({ revision: this.state.revision + 1 });
      return;
    }
    this.setState({ phase: 'learning', detail: `Learning from ${this.events.length} events` });
    try {
      this.userVector = await this.foldIn(this.history);
      this.learnedBasis = basis;
      const u = this.userVector;
      if (u) void this.track(this.widenToInterests(u));
    } catch (err) {
      this.reportError(`Learning failed: ${message(err)}`);
    }
    this.setState({ phase: this.state.phase === 'learning' ? 'ready' : this.state.phase, detail: undefined, revision: this.state.revision + 1 });
    void this.track(this.lists.prepare(this.state.revision));
    this.refitAdapter();
  }

  /**
   * Fits the sequence model's adapter to the history just learned, off the event's path: the
   * lists of this revision use the last fit's adapter and are computed again when the new one is
   * in (one fit at a time; a history learned meanwhile starts the next when it ends).
   */
  private refitAdapter(): void {
    if (!this.sequence || !this.cat?.model?.manifest.params.sequenceFineTune || this.fusionWeights().sequence === 0) return;
    if (this.fitting) {
      this.refitWanted = true;
      return;
    }
    const history = this.history;
    this.fitting = this.track(this.adaptSequence(history).then(
      (delta) => {
        if (this.history !== history) return;
        this.adapter = delta;
        this.setState({ revision: this.state.revision + 1 });
        void this.track(this.lists.prepare(this.state.revision));
      },
      (err: unknown) => this.reportError(`Fine-tuning the sequence model failed: ${message(err)}`),
    ).finally(() => {
      this.fitting = undefined;
      if (this.refitWanted) {
        this.refitWanted = false;
        this.refitAdapter();
      }
    }));
  }

  private async forYouSignals(cat: CatalogModel, cf: CfScorer | undefined, history: ShopperHistory, userVector: Float32Array | undefined, weights: FusionWeights, adapter?: Float32Array) {
    // The item just seen says most about what comes next: its own CF neighbourhood is a signal.
    // The products (shopper, last item, sequence query) are dispatched before any is read back.
    const lastRow = history.items.length > 0 ? cat.rowOf[history.items[0]] : -1;
    const query = cf && weights.sequence !== 0 ? this.sequenceQuery(cat, history, adapter) : undefined;
    const [user, last, next] = await Promise.all([
      cf && userVector ? cf.scoreAll(userVector) : undefined,
      cf && lastRow >= 0 && weights.lastItem !== 0 ? cf.scoreAll(embeddingOf(cat, lastRow)) : undefined,
      query && cf?.scoreAll(query.z),
    ]);
    let sequence: { scores: Float32Array; source: number } | undefined;
    if (query && next) {
      const bias = this.sequence!.itemBias;
      for (let r = 0; r < next.length; r++) next[r] += bias[r];
      sequence = { scores: next, source: query.source };
    }
    return forYouSignals(cat, history, user, last, weights, sequence);
  }

  /**
   * The sequence model's query for the shopper's last items (oldest first), plus their adapter if
   * one was fitted, and the item its attention weighed most; undefined without the model (or on a
   * partitioned model's working set, whose rows are not the model's).
   */
  private sequenceQuery(cat: CatalogModel, history: ShopperHistory, adapter?: Float32Array): { z: Float32Array; source: number } | undefined {
    const w = this.sequence;
    if (!w || this.parts || !cat.model?.hasEmbeddings) return undefined;
    const items = this.sequenceItems(cat, history, w.L);
    if (items.length === 0) return undefined;
    const { z, attention } = encodeSequence(w, items.map((i) => embeddingOf(cat, cat.rowOf[i])));
    if (adapter) for (let j = 0; j < z.length; j++) z[j] += adapter[j];
    return { z, source: items[attention.indexOf(Math.max(...attention))] };
  }

  /** The newest `max` history items the model has rows for, oldest first. */
  private sequenceItems(cat: CatalogModel, history: ShopperHistory, max: number): number[] {
    return Array.from(history.items.subarray(0, max)).reverse().filter((i) => cat.rowOf[i] >= 0);
  }

  /**
   * Fine-tunes the sequence model for this shopper (`core/sequence-adapter.ts`): a few Adam steps
   * of a query adapter on their own transitions, the gradient over the catalogue on the CF model's
   * backend. Undefined when the model does not ask for it (`params.sequenceFineTune`), or for a
   * history of fewer than two items. `fineTune` overrides the model's settings (null: none).
   */
  private async adaptSequence(history: ShopperHistory, fineTune?: SequenceFineTune | null): Promise<Float32Array | undefined> {
    const cat = this.cat, cf = this.cf, w = this.sequence;
    const f = fineTune === undefined ? cat?.model?.manifest.params.sequenceFineTune : fineTune;
    if (!f || f.steps === 0 || !cat || !cf || !w || this.parts || !cat.model?.hasEmbeddings) return undefined;
    const items = this.sequenceItems(cat, history, f.examples + 1);
    if (items.length < 2) return undefined;
    const { contexts, targets } = shopperTransitions(items, w.L, f.examples);
    const zs = contexts.map((c) => encodeSequence(w, c.map((i) => embeddingOf(cat, cat.rowOf[i]))).z);
    const rows = Int32Array.from(targets, (i) => cat.rowOf[i]);
    const fit = await fitAdapter(zs, rows, (q, t) => cf.softmaxGradient(q, t, w.itemBias), f);
    return fit.steps > 0 ? fit.delta : undefined;
  }

  /**
   * The shopper's interests for the current history. Computed on demand (a learning step does
   * not wait for it, nor does a returning shopper's first carousel) and kept until the history changes.
   */
  private profile(): ShopperInterest[] {
    if (this.profileCache?.history !== this.history) {
      this.profileCache = { history: this.history, interests: this.interestProfile(this.history) };
    }
    return this.profileCache.interests;
  }

  /** Groups the recent history into named interests (see `core/interests.ts`). */
  private interestProfile(history: ShopperHistory): ShopperInterest[] {
    const cat = this.cat;
    if (!cat || history.items.length === 0) return [];
    this.interestCatalog ??= {
      titles: cat.items.map((it) => it.title),
      categories: cat.items.map((it) => it.category),
      words: titleWordStats(cat.items.map((it) => it.title)),
    };
    const n = Math.min(history.items.length, INTEREST_ITEMS);
    const embedding = (i: number) => (cat.model?.hasEmbeddings && cat.rowOf[i] >= 0 ? embeddingOf(cat, cat.rowOf[i]) : undefined);
    return interestProfile({ items: history.items.subarray(0, n), weights: history.weights.subarray(0, n), embedding }, this.interestCatalog);
  }

  private trending(k: number, policy: ListPolicy) {
    if (this.partsStarter) return starterList(this.partsStarter, { surface: 'trending', k }, true, policy)!.items;
    const cat = this.cat!;
    if (!cat.model) {
      const { items } = selectList(cat, new Float32Array(cat.n), k, () => false, { ...policy, lambda: 1 });
      return items.map((i) => toRecommended(cat, i, 0, { kind: 'catalogue', text: 'From the catalogue' }));
    }
    const { items, scores, pinned } = selectList(cat, cat.fromRows(cat.model.trending), k, () => false, policy);
    return items.map((i) => toRecommended(cat, i, scores[i], pinned.has(i) ? FEATURED : { kind: 'trending', text: 'Popular right now' }));
  }

  /** How this engine cuts lists for a surface: the merchant's rules and the diversity strength. */
  private policy(surface: Surface, history: ShopperHistory): ListPolicy {
    return { surface, merchant: this.merchant, purchased: history.purchased, lambda: this.experiments.diversity(DIVERSITY_LAMBDA) };
  }

  private fusionWeights(): FusionWeights {
    const base = this.cat?.model?.manifest.params.fusion;
    // Without a model only content can rank, whatever a variant says.
    return base ? this.experiments.fusionWeights(base) : { cf: 0, lastItem: 0, next: 0, cooc: 0, content: 1, popularity: 0, sequence: 0 };
  }

  /** Something failed: said in the console and kept in the status for the page to show. */
  private reportError(msg: string): void {
    console.error(`[shelfwise] ${msg}`);
    this.setState({ errors: [...this.state.errors, msg] });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = () => this.pending.delete(p);
    p.then(done, done);
    return p;
  }

  private setState(patch: Partial<EngineStatus>): void {
    this.state = { ...this.state, ...patch };
    const snapshot = this.status();
    for (const l of this.listeners.values()) {
      try {
        // Over Comlink a listener returns a promise; a closed page must not break the engine.
        const r = l(snapshot) as unknown;
        if (r instanceof Promise) r.catch(() => undefined);
      } catch {
        // Same, for a listener that throws synchronously.
      }
    }
  }
}

export function createEngine(options?: EngineOptions): Engine {
  return new Engine(options);
}

/**
 * What a personal list leaves out: what the shopper has seen and other variants of it; purchases
 * are the merchant rules' call.
 */
function notForShopper(cat: CatalogModel, history: ShopperHistory): (i: number) => boolean {
  const seen = new Set<number>(history.items);
  return cat.excludingVariantsOf(history.items, (i) => seen.has(i) && !history.purchased.has(i));
}

/** An `interest` list's cards say so, naming the interest (or that it is popular there). */
function interestReason(reason: Reason, name: string): Reason {
  if (reason.kind === 'featured') return reason;
  if (reason.signal === 'popularity' || reason.kind === 'trending') return { kind: 'trending', text: `Trending in ${name}`, signal: reason.signal };
  const out: Reason = { kind: 'interest', text: `Matches your interest in ${name}`, signal: reason.signal };
  if (reason.sourceItemId) out.sourceItemId = reason.sourceItemId;
  return out;
}

function contentOf(signals: Signal[]): Float32Array {
  return signals.find((s) => s.name === 'content')!.scores;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The embedding of a model row of `cat`. */
function embeddingOf(cat: CatalogModel, row: number): Float32Array {
  const m = cat.model!;
  return m.embeddings.subarray(row * m.d, (row + 1) * m.d);
}
