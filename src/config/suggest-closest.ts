/**
 * The candidate the admin most likely meant by `word` (a typo, wrong case, `-` for `_`),
 * or undefined when none is close enough to be a useful guess.
 */
export function suggestClosest(word: string, candidates: Iterable<string>): string | undefined {
  const target = fold(word);
  if (!target) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const folded = fold(candidate);
    if (folded === target) return candidate;
    const distance = editDistance(target, folded);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(target.length, fold(best).length) / 3));
  if (bestDistance <= allowed) return best;
  const foldedBest = fold(best);
  const isPrefix = target.length >= 3 && (foldedBest.startsWith(target) || target.startsWith(foldedBest));
  return isPrefix ? best : undefined;
}

function fold(word: string): string {
  return word.normalize("NFKC").trim().toLowerCase().replace(/-/g, "_");
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
