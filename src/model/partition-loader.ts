import { decodeBucket, decodeIndex, decodePart, type Part, type PartIndex } from '../core/partitions';
import { bucketOfId, bucketPath, ModelError, partPath, validatePartitionedManifest, type PartitionedManifest } from '../shared/model-manifest';
import { fetchVerified, type FetchBytes } from './load-model';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Loads a partitioned model (issue 16) by need: the coarse index and the Gram matrix once, a
 * directory bucket when an item id must be found, a part when its items are wanted. Every file is
 * checked against its sha256 (the manifest lists the index's, the index lists the others'); a
 * file that fails is refused whole, and asked for again the next time it is wanted.
 */
export class PartitionLoader {
  private indexLoad?: Promise<PartIndex>;
  private gramLoad?: Promise<Float32Array>;
  private buckets = new Map<number, Promise<Map<string, number>>>();
  private parts = new Map<number, Promise<Part>>();

  constructor(readonly manifestUrl: string, readonly manifest: PartitionedManifest, private readonly fetchBytes: FetchBytes) {}

  static fromJson(manifestUrl: string, data: unknown, fetchBytes: FetchBytes): PartitionLoader {
    return new PartitionLoader(manifestUrl, validatePartitionedManifest(data), fetchBytes);
  }

  /** The coarse index: part boundaries, centroids, and every part's and bucket's digest. */
  index(): Promise<PartIndex> {
    this.indexLoad ??= this.once(async () => {
      const { partitions: p, dim, itemCount } = this.manifest;
      const bytes = await this.verified(p.index.path, p.index.sha256, 'partition index');
      try {
        return decodeIndex(bytes, p.count, p.buckets, dim, itemCount);
      } catch (err) {
        throw new ModelError(`model partition index: ${message(err)}`);
      }
    }, () => (this.indexLoad = undefined));
    return this.indexLoad;
  }

  gram(): Promise<Float32Array> {
    this.gramLoad ??= this.once(async () => {
      const { gram, dim } = this.manifest;
      const bytes = await this.verified(gram.path, gram.sha256, 'file "gram"');
      if (bytes.byteLength !== dim * dim * 4) throw new ModelError(`model file "gram" has ${bytes.byteLength} bytes, expected ${dim * dim * 4}`);
      const out = new Float32Array(bytes);
      for (const v of out) if (!Number.isFinite(v)) throw new ModelError('model file "gram" holds a non-finite number');
      return out;
    }, () => (this.gramLoad = undefined));
    return this.gramLoad;
  }

  /** The model rows of `ids` (absent: the model does not know the id). */
  async rowsOf(ids: readonly string[]): Promise<Map<string, number>> {
    const { buckets } = this.manifest.partitions;
    const byBucket = new Map<number, string[]>();
    for (const id of ids) {
      const b = bucketOfId(id, buckets);
      byBucket.set(b, [...(byBucket.get(b) ?? []), id]);
    }
    const out = new Map<string, number>();
    await Promise.all([...byBucket].map(async ([b, wanted]) => {
      const rows = await this.bucket(b);
      for (const id of wanted) {
        const r = rows.get(id);
        if (r !== undefined) out.set(id, r);
      }
    }));
    return out;
  }

  /** Part p, decoded. */
  part(p: number): Promise<Part> {
    let load = this.parts.get(p);
    if (!load) {
      load = this.once(async () => {
        const index = await this.index();
        if (!(p >= 0 && p < index.partDigests.length)) throw new ModelError(`model part ${p} does not exist`);
        const bytes = await this.verified(partPath(p, this.manifest.partitions.index.sha256), index.partDigests[p], `part ${p}`);
        try {
          const { itemCount: n, dim: d, neighbours: k } = this.manifest;
          return decodePart(bytes, index.starts[p], index.starts[p + 1], n, d, k);
        } catch (err) {
          throw new ModelError(`model part ${p}: ${message(err)}`);
        }
      }, () => this.parts.delete(p));
      this.parts.set(p, load);
    }
    return load;
  }

  /** A part no longer held by the working set: its decoded arrays can go. */
  release(p: number): void {
    this.parts.delete(p);
  }

  /** Every URL of this model version (what a cache keeps): manifest-listed files, the index's parts and buckets. */
  fileUrls(): string[] {
    const { partitions: p, gram } = this.manifest;
    const paths = [gram.path, p.index.path, ...Array.from({ length: p.count }, (_, i) => partPath(i, p.index.sha256)), ...Array.from({ length: p.buckets }, (_, b) => bucketPath(b, p.index.sha256))];
    return paths.map((path) => new URL(path, this.manifestUrl).href);
  }

  private bucket(b: number): Promise<Map<string, number>> {
    let load = this.buckets.get(b);
    if (!load) {
      load = this.once(async () => {
        const index = await this.index();
        const bytes = await this.verified(bucketPath(b, this.manifest.partitions.index.sha256), index.bucketDigests[b], `directory bucket ${b}`);
        try {
          return decodeBucket(bytes, this.manifest.itemCount);
        } catch (err) {
          throw new ModelError(`model directory bucket ${b}: ${message(err)}`);
        }
      }, () => this.buckets.delete(b));
      this.buckets.set(b, load);
    }
    return load;
  }

  /** `run`, forgotten when it fails (`forget`), so that a later need asks again. */
  private once<T>(run: () => Promise<T>, forget: () => void): Promise<T> {
    const p = run();
    p.catch(forget);
    return p;
  }

  private verified(path: string, sha256: string, what: string): Promise<ArrayBuffer> {
    return fetchVerified(this.fetchBytes, this.manifestUrl, path, sha256, what);
  }
}
