/**
 * What "Your data" shows of the engine's store (counts by type, recent events with titles, the
 * interests learned) and what its controls do (pause, export, erase, remove an interest). Plain
 * functions over the engine API (no React), shared by the storefront's panel and the widget's
 * `<shelfwise-your-data>`; each control resolves to the message the panel shows.
 */
import { EVENT_TYPES, type CatalogItem, type EngineStatus, type EventType, type ExportedData, type Interest, type OutcomeSummary, type ShopperEvent, type Surface } from '../shared/protocol';

/** The engine methods the summary reads. */
export interface SummaryApi {
  recentEvents(limit: number): Promise<ShopperEvent[]>;
  interests(): Promise<Interest[]>;
  getItems(ids: string[]): Promise<CatalogItem[]>;
}

/** The engine methods the controls call. */
export interface ControlsApi {
  setPaused(paused: boolean): Promise<void>;
  exportData(): Promise<ExportedData>;
  eraseData(): Promise<void>;
  removeInterest(key: string): Promise<boolean>;
}

export const EXPORT_FILENAME = 'shelfwise-data.json';

/** Whether anything is recorded now, in a sentence: paused, waiting for consent, or on. */
export function recordingNote(status: Pick<EngineStatus, 'paused' | 'consent'>): string {
  if (status.consent === 'not-given') {
    return 'You have not agreed to this shop storing your activity: nothing you do is recorded or stored, and recommendations are not personal. The shop\'s privacy settings change that.';
  }
  return status.paused
    ? 'Personalisation is paused: nothing you do is recorded, and recommendations are not personal.'
    : 'Personalisation is on: what you view, add to your cart, buy and search for is recorded on this device.';
}

export async function pauseControl(api: ControlsApi, paused: boolean): Promise<string> {
  await api.setPaused(paused);
  return paused ? 'Personalisation paused.' : 'Personalisation resumed.';
}

/** Everything stored, handed to `save` as `shelfwise-data.json` (a download made on the device). */
export async function exportControl(api: ControlsApi, save: (data: ExportedData, filename: string) => void): Promise<string> {
  const data = await api.exportData();
  save(data, EXPORT_FILENAME);
  const n = data.events.length;
  return `Saved ${EXPORT_FILENAME} with ${n} ${n === 1 ? 'event' : 'events'} to your device.`;
}

/** The engine erases the log, what it learned, its counters and its cached files. */
export async function eraseControl(api: ControlsApi): Promise<string> {
  await api.eraseData();
  return 'Your data was erased. Recommendations are no longer personal.';
}

export async function removeInterestControl(api: ControlsApi, interest: Pick<Interest, 'key' | 'name'>): Promise<string> {
  if (!(await api.removeInterest(interest.key))) throw new Error(`“${interest.name}” is no longer one of your interests`);
  return `Removed “${interest.name}”: it no longer shapes your recommendations.`;
}

/** The count labels of "What is stored". */
export const COUNT_LABEL: Record<EventType, string> = {
  view: 'Products viewed',
  add_to_cart: 'Added to cart',
  purchase: 'Purchases',
  search: 'Searches',
};

/** How a recent event starts: "Viewed {title}", "Searched for “{query}”". */
export const EVENT_VERB: Record<EventType, string> = {
  view: 'Viewed',
  add_to_cart: 'Added to cart',
  purchase: 'Bought',
  search: 'Searched for',
};

/** How many recent events the panel lists. */
export const RECENT_LIMIT = 20;
/** Everything in the log (the engine returns at most this many, newest first). */
const ALL_EVENTS = Number.MAX_SAFE_INTEGER;

export interface RecentEvent {
  key: string;
  type: EventType;
  ts: number;
  itemId?: string;
  /** The product's title (plain text), when the catalogue knows the item. */
  title?: string;
  query?: string;
}

export interface StoredSummary {
  counts: Record<EventType, number>;
  total: number;
  /** Newest first. */
  recent: RecentEvent[];
  /** Learned on device, strongest first. */
  interests: Interest[];
}

export async function readSummary(api: SummaryApi): Promise<StoredSummary> {
  const [events, interests]: [ShopperEvent[], Interest[]] = await Promise.all([api.recentEvents(ALL_EVENTS), api.interests()]);
  const ids = [...new Set(events.flatMap((e) => (e.type === 'search' ? [] : [e.itemId])))];
  const items: CatalogItem[] = ids.length ? await api.getItems(ids) : [];
  const byId = new Map(items.map((i) => [i.id, i]));
  const counts = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  for (const e of events) counts[e.type]++;
  const recent = events.slice(0, RECENT_LIMIT).map((e, i): RecentEvent =>
    e.type === 'search'
      ? { key: `${e.ts}-${i}`, type: e.type, ts: e.ts, query: e.query }
      : { key: `${e.ts}-${i}`, type: e.type, ts: e.ts, itemId: e.itemId, title: byId.get(e.itemId)?.title },
  );
  return { counts, total: events.length, recent, interests };
}


/** How the panel names each carousel. */
export const SURFACE_LABEL: Record<Surface, string> = {
  'for-you': 'For you',
  'because-you-viewed': 'Because you viewed',
  'bought-together': 'Frequently bought together',
  trending: 'Trending',
  'recently-viewed': 'Recently viewed',
  interest: 'More of an interest',
};

/** The outcome counters' columns: key and heading. */
export const OUTCOME_COLUMNS = [
  ['impressions', 'Shown'],
  ['clicks', 'Opened'],
  ['addToCart', 'Added to cart after opening'],
  ['purchases', 'Bought after opening'],
] as const;

/** What the panel says under the outcome counters: where they stay, the variant, and the reports. */
export function outcomesNote(summary?: OutcomeSummary): string {
  const variant = summary?.variant ? `This browser takes part in the shop's test as group “${summary.variant}”. ` : '';
  const reports = summary?.reports
    ? `At most once a day it sends the shop two yes/no answers about an earlier day (did you open a recommendation; did you then add it to your cart or buy it), each flipped at random (ε = ${summary.reports.epsilonPerBit}) so that no single answer shows what you did, and nothing else.`
    : 'Nothing about them is sent anywhere.';
  return `These counts stay in this browser. ${variant}${reports}`;
}
