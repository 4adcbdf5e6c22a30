/**
 * "Did you mean" hints for a mistyped command, option or value, by edit distance as Cmdliner's
 * `suggest` does: the closest candidates, when fewer than three edits away.
 *
 * @packageDocumentation
 */

/**
 * The Levenshtein distance between `a` and `b`, with two rolling rows.
 *
 * @beta
 */
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

/**
 * The candidates closest to `word`, if they are close enough (distance below 3) to be a typo.
 *
 * @beta
 */
export function suggest(word: string, candidates: Iterable<string>): string[] {
  let best = Number.POSITIVE_INFINITY;
  let closest: string[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < best) {
      best = distance;
      closest = [candidate];
    } else if (distance === best && !closest.includes(candidate)) {
      closest.push(candidate);
    }
  }
  return best < 3 ? closest : [];
}

/**
 * The options to suggest for an unknown one, as Cmdliner's `hint_matching_opt`: `arg` is the word
 * as written (`--taget=x`, `-xyz`), `names` the known names with their
 * dashes. A lone short option gets no hint; a long option written with one dash (`-taget`) is
 * compared as `--taget`. When no name is close, a long option the word starts with followed by
 * `-` is suggested, for `--hello-world` written for `--hello=world`.
 *
 * @beta
 */
export function suggestOption(arg: string, names: readonly string[]): string[] {
  const written = arg.split("=")[0] ?? arg;
  if (written.length <= 2) return [];
  const word = written.startsWith("--") ? written : `-${written}`;
  const close = suggest(word, names);
  if (close.length > 0) return close;
  return names.filter((name) => name.startsWith("--") && word.startsWith(`${name}-`));
}
