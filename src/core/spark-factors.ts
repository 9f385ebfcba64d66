/**
 * Item factors trained on Spark, for shops past what `build:model` trains in one Node process
 * (`build:model -- … --factors DIR`): Spark MLlib's ALS with implicit preferences learns the item
 * embeddings; everything else (popularity, neighbours, trending, quantisation, the Gram matrix,
 * and the placement by their text of products without a factor row) is still computed from the
 * events by `build:model`.
 *
 * The export, in PySpark (Scala is the same calls), with `events` holding the shop's events with
 * string columns `customer_id` and `product_id` (the ids of the product feed; cast numeric ids to
 * string first, or StringIndexer labels them `"123.0"`):
 *
 * ```python
 * import json
 * from pyspark.sql import functions as F
 * from pyspark.ml.feature import StringIndexer
 * from pyspark.ml.recommendation import ALS
 * users = StringIndexer(inputCol="customer_id", outputCol="user").fit(events)
 * items = StringIndexer(inputCol="product_id", outputCol="item").fit(events)
 * # Presence, as build:model's own iALS trains on (each shopper–product pair once).
 * pairs = items.transform(users.transform(events)).select("user", "item").distinct().withColumn("rating", F.lit(1.0))
 * model = ALS(implicitPrefs=True, userCol="user", itemCol="item", ratingCol="rating",
 *             rank=64, regParam=0.01, alpha=40.0, maxIter=10, seed=42).fit(pairs)
 * model.itemFactors.write.json("DIR")             # part-*.json and _SUCCESS (and .crc files)
 * with open("DIR/item-ids.json", "w") as f:       # after write.json, which wants DIR absent
 *     json.dump(list(items.labelsArray[0]), f)    # Spark < 3.0.2: items.labels
 * ```
 *
 * So the folder holds what `itemFactors.write.json` writes: files `part-00000-<uuid>-c000.json`,
 * one JSON object per line, `{"id":12,"features":[0.1,-0.2,…]}` (`id` the integer StringIndexer
 * gave the product, `features` its `rank` floats), plus `_SUCCESS` and, on a local or Hadoop
 * file system, `.crc` checksums (both ignored, as is any name starting with `_` or `.`); and
 * `item-ids.json`, the StringIndexer model's labels as one JSON array of strings: label `k` is
 * the product id of factor `id` k. (On S3 or HDFS, copy the folder down and write
 * `item-ids.json` into it.) Uncompressed JSON only: not `compression="gzip"`, not Parquet.
 *
 * The device folds each shopper in with the manifest's `alpha0`, `lambda` and `nu` (the iALS
 * formulation of `ials.ts`). Spark's own user solve for ratings of 1 is that fold-in with
 * α0 = 1/alpha and a ridge of regParam·|history|/alpha (times (1 + alpha)/alpha, which does not
 * change a ranking), so build with `--alpha0 0.025` for alpha = 40, and `--nu 0 --lambda
 * regParam·h/alpha` with h a typical history length (e.g. 0.0025 for h = 10).
 *
 * Pure: the Node side (`scripts/lib/spark-factors-input.ts`) reads the folder and hands over
 * the texts. Every error names the file and line.
 */

/** Thrown for a factors folder that cannot be used; the message starts `FILE:LINE: ` (or `FILE: `). */
export class SparkFactorsError extends Error {
  override name = 'SparkFactorsError';
  constructor(message: string, readonly fileName: string, readonly line?: number) {
    super(message);
  }
}

/** The name of the id-mapping file in the factors folder. */
export const SPARK_ITEM_IDS_FILE = 'item-ids.json';

/** One part file of `itemFactors.write.json`: its name (for messages) and its text. */
export interface SparkPartFile {
  name: string;
  text: string;
}

/** Item factors aligned to the catalogue, and what the import found. */
export interface SparkItemFactors {
  /** float32 [nItems, dim], row-major in catalogue order; products without a factor row are zero rows. */
  factors: Float32Array;
  dim: number;
  /** Factor rows read (lines of the part files). */
  rows: number;
  /** Catalogue products that received a factor row. */
  placed: number;
  /** Catalogue products without one (zero rows: build:model places them by their text). */
  missing: number;
  /** Rows whose label is not a product of the catalogue (skipped), with a few of those labels. */
  unknown: number;
  unknownExamples: string[];
  /**
   * Rows that landed on a product another row already placed (two labels naming one product,
   * e.g. Shopify variant SKUs of one product): the product's row is their mean.
   */
  merged: number;
}

/**
 * Reads `item-ids.json`: a JSON array of distinct strings (the StringIndexer model's labels, in
 * index order).
 */
export function parseSparkLabels(text: string, fileName = SPARK_ITEM_IDS_FILE): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SparkFactorsError(`${fileName}: not valid JSON (${(e as Error).message}); expected the StringIndexer labels as a JSON array of strings`, fileName);
  }
  if (!Array.isArray(value)) {
    throw new SparkFactorsError(`${fileName}: expected a JSON array of product ids (the StringIndexer model's labels), got ${typeof value}`, fileName);
  }
  const first = new Map<string, number>();
  value.forEach((label, k) => {
    if (typeof label !== 'string') {
      throw new SparkFactorsError(`${fileName}: label ${k} is ${JSON.stringify(label)}, not a string (StringIndexer labels are strings)`, fileName);
    }
    const prev = first.get(label);
    // StringIndexer's labels are distinct: a repeat means the file is not its labels.
    if (prev !== undefined) throw new SparkFactorsError(`${fileName}: label ${k} ${JSON.stringify(label)} repeats label ${prev}`, fileName);
    first.set(label, k);
  });
  if (value.length === 0) throw new SparkFactorsError(`${fileName}: no labels (an empty array)`, fileName);
  return value as string[];
}

/**
 * Aligns Spark's item factors to the catalogue: row `resolveItem(labels[id])` of the result is
 * the `features` of `id`. Part files are taken in the order given (any order gives the same
 * result: each id is placed by its label). Throws `SparkFactorsError` for a line that is not
 * `{"id": <integer>, "features": [<numbers>]}`, a `features` length that differs from the first
 * row's, an id seen twice, an id outside the labels, or no row naming a catalogue product.
 */
export function sparkItemFactors(
  parts: Iterable<SparkPartFile>, labels: readonly string[], nItems: number,
  resolveItem: (id: string) => number | undefined, labelsFile = SPARK_ITEM_IDS_FILE,
): SparkItemFactors {
  if (!(Number.isInteger(nItems) && nItems > 0)) throw new RangeError(`sparkItemFactors: nItems must be a positive integer, got ${nItems}`);
  // Where each id was first seen, as file index and line (for the duplicate message).
  const seenFile = new Int32Array(labels.length).fill(-1);
  const seenLine = new Int32Array(labels.length);
  const files: string[] = [];
  /** Rows placed on each product, to average labels that name one product. */
  const hits = new Int32Array(nItems);
  let factors: Float32Array | undefined;
  let dim = 0;
  let dimAt = '';
  let rows = 0, unknown = 0, merged = 0;
  const unknownExamples: string[] = [];
  for (const part of parts) {
    const f = part.name;
    const fileIndex = files.push(f) - 1;
    const text = part.text;
    let lineNo = 0;
    for (let start = 0; start < text.length;) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      lineNo++;
      const line = text.slice(start, end).trim();
      start = end + 1;
      if (line === '') continue;
      const fail = (detail: string): never => {
        throw new SparkFactorsError(`${f}:${lineNo}: ${detail}`, f, lineNo);
      };
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (e) {
        fail(`not valid JSON (${(e as Error).message}); expected {"id": …, "features": […]} as itemFactors.write.json writes`);
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) fail(`expected a JSON object {"id": …, "features": […]}, got ${line.slice(0, 60)}`);
      const { id, features } = row as { id?: unknown; features?: unknown };
      if (!(typeof id === 'number' && Number.isInteger(id) && id >= 0)) fail(`"id" must be a non-negative integer, got ${JSON.stringify(id)}`);
      const k = id as number;
      if (!Array.isArray(features) || features.length === 0) fail(`"features" must be a non-empty array of numbers (id ${k})`);
      const values = features as unknown[];
      if (dim === 0) {
        dim = values.length;
        dimAt = `${f}:${lineNo}`;
        factors = new Float32Array(nItems * dim);
      } else if (values.length !== dim) {
        fail(`"features" has ${values.length} values but the rows before have ${dim} (first at ${dimAt}); all rows come from one model`);
      }
      for (let x = 0; x < dim; x++) {
        const v = values[x];
        // Spark writes NaN and infinities as strings; a factor like that is a failed training.
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`"features"[${x}] of id ${k} is ${JSON.stringify(v)}, not a finite number`);
      }
      if (k >= labels.length) fail(`"id" ${k} is outside the ${labels.length} labels of ${labelsFile} (0..${labels.length - 1}); are they from the same StringIndexer?`);
      if (seenFile[k] >= 0) fail(`duplicate "id" ${k} (first at ${files[seenFile[k]]}:${seenLine[k]})`);
      seenFile[k] = fileIndex;
      seenLine[k] = lineNo;
      rows++;
      const item = resolveItem(labels[k]);
      if (item === undefined) {
        unknown++;
        if (unknownExamples.length < 5) unknownExamples.push(labels[k]);
        continue;
      }
      if (!(Number.isInteger(item) && item >= 0 && item < nItems)) throw new RangeError(`sparkItemFactors: resolveItem gave ${item}, outside 0..${nItems - 1}`);
      const out = factors!;
      const o = item * dim;
      const n = ++hits[item];
      if (n > 1) merged++;
      // Running mean: exact for the first row, the mean of all rows for the next ones.
      for (let x = 0; x < dim; x++) out[o + x] += ((values[x] as number) - out[o + x]) / n;
    }
  }
  if (files.length === 0) throw new SparkFactorsError(`no part files: expected the part-*.json files of itemFactors.write.json`, '');
  if (rows === 0) throw new SparkFactorsError(`${files.join(', ')}: no factor rows at all`, files[0]);
  let placed = 0;
  for (let i = 0; i < nItems; i++) if (hits[i] > 0) placed++;
  if (placed === 0) {
    throw new SparkFactorsError(
      `${labelsFile}: names no product of the catalogue (${rows} factor rows, e.g. ${unknownExamples.map((s) => JSON.stringify(s)).join(', ')}); ` +
        'were the labels fitted on the product ids of the feed?',
      labelsFile,
    );
  }
  return { factors: factors!, dim, rows, placed, missing: nItems - placed, unknown, unknownExamples, merged };
}
