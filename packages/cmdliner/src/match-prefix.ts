/**
 * Cmdliner 1's lookup of a name among known ones: an exact match, else a unique prefix.
 *
 * @packageDocumentation
 */

/**
 * What {@link matchPrefix} found.
 *
 * @beta
 */
export type PrefixMatch =
  | { readonly kind: "found"; readonly name: string }
  | { readonly kind: "unknown" }
  | { readonly kind: "ambiguous"; readonly candidates: readonly string[] };

/**
 * Looks `text` up among `names` as Cmdliner's enumerations and sub-commands do: an exact match
 * wins, otherwise a unique prefix is accepted.
 *
 * @beta
 */
export function matchPrefix(text: string, names: readonly string[]): PrefixMatch {
  if (names.includes(text)) return { kind: "found", name: text };
  const candidates = text === "" ? [] : names.filter((n) => n.startsWith(text));
  if (candidates.length === 1) return { kind: "found", name: candidates[0] ?? text };
  if (candidates.length === 0) return { kind: "unknown" };
  return { kind: "ambiguous", candidates };
}
