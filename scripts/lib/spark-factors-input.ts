/**
 * Reads a folder of Spark item factors for `build:model -- --factors DIR`: every `part-*.json`
 * that `itemFactors.write.json(DIR)` wrote, and `DIR/item-ids.json` (the StringIndexer labels);
 * see `src/core/spark-factors.ts` for the export and the layout. Node I/O only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseSparkLabels, SPARK_ITEM_IDS_FILE, SparkFactorsError, sparkItemFactors, type SparkItemFactors, type SparkPartFile,
} from '../../src/core/spark-factors';

/**
 * The part files of the folder in name order, read one at a time (a 100k-item export is ~80 MB
 * of text, so no two are held at once). `_SUCCESS`, `.crc` checksums and other names starting
 * with `_` or `.` are Hadoop's bookkeeping and skipped; another `part-*` file (compressed, or
 * Parquet) is an error rather than silently missing factors.
 */
export function sparkPartFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SparkFactorsError(`${dir}: not a folder; --factors takes the folder itemFactors.write.json wrote`, dir);
  }
  const names = readdirSync(dir).filter((n) => !n.startsWith('.') && !n.startsWith('_')).sort();
  const parts = names.filter((n) => n.startsWith('part-'));
  const other = parts.find((n) => !n.endsWith('.json'));
  if (other) {
    throw new SparkFactorsError(`${join(dir, other)}: not a .json part file; write the factors with itemFactors.write.json(DIR), uncompressed`, other);
  }
  if (parts.length === 0) {
    throw new SparkFactorsError(`${dir}: no part-*.json files (found: ${names.join(', ') || 'nothing'}); expected the folder itemFactors.write.json wrote`, dir);
  }
  return parts;
}

/** Reads the folder's factors, aligned to the catalogue by `resolveItem` (product id → catalogue index). */
export function readSparkFactors(dir: string, nItems: number, resolveItem: (id: string) => number | undefined): SparkItemFactors & { files: number } {
  const parts = sparkPartFiles(dir);
  const labelsPath = join(dir, SPARK_ITEM_IDS_FILE);
  if (!existsSync(labelsPath)) {
    throw new SparkFactorsError(
      `${labelsPath}: missing; write the StringIndexer model's labels there as a JSON array (json.dump(list(model.labelsArray[0]), f))`,
      SPARK_ITEM_IDS_FILE,
    );
  }
  const labels = parseSparkLabels(readFileSync(labelsPath, 'utf8'), SPARK_ITEM_IDS_FILE);
  function* texts(): Generator<SparkPartFile> {
    for (const name of parts) yield { name, text: readFileSync(join(dir, name), 'utf8') };
  }
  return { ...sparkItemFactors(texts(), labels, nItems, resolveItem, SPARK_ITEM_IDS_FILE), files: parts.length };
}
