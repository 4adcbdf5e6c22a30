/**
 * Intersection of npm semver ranges for {@link mergePackage}: the constraints of every device
 * asking for one package must all hold, and `a || b` joined to `c` by a space would instead
 * read as `a || (b c)`.
 *
 * @packageDocumentation
 */

import { Range, minVersion, validRange } from "semver";

/** `undefined` when `range` parses as an npm semver range, else why not. */
export function rangeProblem(range: string): string | undefined {
  return validRange(range) === null ? `version range ${JSON.stringify(range)} is not a valid semver range` : undefined;
}

/** A hyphen range (`1.0.0 - 2.0.0`) only parses on its own, so it is rewritten as comparators first. */
function comparatorSets(range: string): string[] {
  return range.split("||").map((set) => {
    const trimmed = set.trim();
    return / - /u.test(trimmed) ? new Range(trimmed).range : trimmed;
  });
}

function satisfiable(set: string): boolean {
  return set === "" || minVersion(set) !== null;
}

/**
 * The range every version satisfying all of `ranges` satisfies, `*` for none, or `undefined`
 * when no version can satisfy them all. Ranges without `||` are joined as written.
 */
export function intersectRanges(ranges: readonly string[]): string | undefined {
  let sets = [""];
  for (const range of ranges) {
    const next = comparatorSets(range);
    sets = sets.flatMap((left) => next.map((right) => (left === "" ? right : `${left} ${right}`)));
    sets = [...new Set(sets)].filter(satisfiable);
    if (sets.length === 0) return undefined;
  }
  return sets.join(" || ") || "*";
}
