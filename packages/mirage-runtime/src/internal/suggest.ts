/**
 * "Did you mean" suggestions for a mistyped option, by edit distance as Cmdliner does.
 */

/** Levenshtein distance between `a` and `b`, with two rolling rows. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidates closest to `word`, if they are close enough (distance below 3) to be a typo. */
export function suggest(word: string, candidates: Iterable<string>): string[] {
  let best = Number.POSITIVE_INFINITY;
  let closest: string[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < best) {
      best = distance;
      closest = [candidate];
    } else if (distance === best) {
      closest.push(candidate);
    }
  }
  return best < 3 ? closest : [];
}
