import type { RecommendationList, RecommendRequest } from '../shared/protocol';

/**
 * The lists of one engine revision, each computed once. When learning makes a new revision, the
 * lists the page asked for at the previous one are computed at once, For you first: the page's
 * requests, which it sends only after hearing of the revision, find them done or under way,
 * instead of queueing behind each other after a round trip.
 */
export class RevisionLists {
  private revision = -1;
  private lists = new Map<string, Promise<RecommendationList>>();
  private asked = new Map<string, RecommendRequest>();
  private preparing: Promise<unknown> = Promise.resolve();

  constructor(private readonly compute: (req: RecommendRequest) => Promise<RecommendationList>) {}

  /** The list for `req` at `revision`, computed now or earlier in this revision. */
  get(revision: number, req: RecommendRequest): Promise<RecommendationList> {
    this.moveTo(revision);
    const key = JSON.stringify(req);
    this.asked.set(key, req);
    return this.lists.get(key) ?? this.start(key, () => this.compute(req));
  }

  /** A new revision: computes the lists asked for at the previous one, one after another, For you first. */
  prepare(revision: number): Promise<unknown> {
    const wanted = [...this.asked.entries()].sort(([, a], [, b]) => rank(a) - rank(b));
    this.moveTo(revision);
    for (const [key, req] of wanted) {
      // Between two lists the worker takes its messages: the page's request for the list just
      // done is answered now, not after the others (a chain of promises alone never yields).
      const previous = this.preparing.then(yieldToMessages);
      this.preparing = this.start(key, () => previous.then(() => this.compute(req))).catch(() => undefined);
    }
    return this.preparing;
  }

  private start(key: string, run: () => Promise<RecommendationList>): Promise<RecommendationList> {
    const list = run();
    this.lists.set(key, list);
    // A failed list is not kept: the next request computes it again.
    list.catch(() => {
      if (this.lists.get(key) === list) this.lists.delete(key);
    });
    return list;
  }

  private moveTo(revision: number): void {
    if (revision === this.revision) return;
    this.revision = revision;
    this.lists = new Map();
    this.asked = new Map();
  }
}

/** Resolves after the messages already waiting have been handled (a task, without timer clamping). */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The personal list a shopper's action changes most comes first. */
function rank(req: RecommendRequest): number {
  return req.surface === 'for-you' ? 0 : req.surface === 'trending' ? 2 : 1;
}
