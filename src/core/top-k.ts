/**
 * The k highest scores without sorting the whole catalogue: a bounded min-heap, O(n log k).
 * Ties go to the lower index so that results are deterministic. Items for which `skip`
 * returns true, and non-finite scores, are left out.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): number[] {
  if (k <= 0) return [];
  const heap: number[] = []; // indexes; heap[0] is the worst kept
  const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  // The worst kept score and its index, for the common case: most items do not get in.
  let floor = -Infinity, floorAt = -1;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (heap.length === k && (s < floor || (s === floor && i > floorAt))) continue;
    if (s - s !== 0 || (skip && skip(i))) continue; // NaN or ±Infinity, or skipped
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c], heap[p])) break;
        [heap[c], heap[p]] = [heap[p], heap[c]];
        c = p;
      }
    } else {
      heap[0] = i;
      siftDown(0);
    }
    if (heap.length === k) {
      floorAt = heap[0];
      floor = scores[floorAt];
    }
  }
  return heap.sort((a, b) => scores[b] - scores[a] || a - b);
}
