/** Item popularity signals from user sequences. */

/** popularity[i] = log(1 + number of users who took item i). */
export function popularity(sequences: ArrayLike<ArrayLike<number>>, nItems: number): Float32Array {
  const count = new Float64Array(nItems);
  for (let u = 0; u < sequences.length; u++) {
    const seq = sequences[u];
    for (let k = 0; k < seq.length; k++) count[seq[k]]++;
  }
  return Float32Array.from(count, Math.log1p);
}

/**
 * trending[i] = log(1 + number of users whose last `lastN` interactions include item i).
 * The dataset has no timestamps, so recency within each shopper's sequence stands in for
 * recency in time: what people took most recently is what is "trending".
 */
export function trending(sequences: ArrayLike<ArrayLike<number>>, nItems: number, lastN = 2): Float32Array {
  const count = new Float64Array(nItems);
  for (let u = 0; u < sequences.length; u++) {
    const seq = sequences[u];
    for (let k = Math.max(0, seq.length - lastN); k < seq.length; k++) count[seq[k]]++;
  }
  return Float32Array.from(count, Math.log1p);
}
