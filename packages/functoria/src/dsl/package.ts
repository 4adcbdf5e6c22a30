/**
 * npm package dependencies of devices and applications (upstream `Functoria.Package`, adapted
 * from opam to npm): a name, a semver range and whether it is only needed to build.
 *
 * @packageDocumentation
 */

/**
 * An npm dependency.
 *
 * @public
 */
export interface Package {
  /** The npm name, possibly scoped (`@mirage-ts/mirage-unix`). */
  readonly name: string;
  /**
   * The semver constraints, all of which must hold (an empty list means any version). Merging two
   * packages concatenates their constraints, as upstream unions `min`/`max` bounds;
   * {@link packageRange} writes their intersection.
   */
  readonly ranges: readonly string[];
  /** Only needed to build (a `devDependencies` entry), like opam's `build` flag. */
  readonly build: boolean;
}

/**
 * Options of {@link pkg}.
 *
 * @public
 */
export interface PackageOptions {
  /** A semver range such as `^0.1.0` or `>=1.2.0 <2.0.0`. */
  readonly range?: string | undefined;
  /** Only needed to build (goes to `devDependencies`). */
  readonly build?: boolean | undefined;
}

import { intersectRanges, rangeProblem } from "./version-ranges.js";

const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/u;

/**
 * Declares an npm dependency (upstream `package`, a reserved word in TypeScript).
 *
 * @throws `TypeError` `package name "<name>" is invalid` when the name is not a valid npm name, and
 * `package "<name>": version range "<range>" is not a valid semver range` for a bad range.
 * @public
 */
export function pkg(name: string, options: PackageOptions = {}): Package {
  if (name.length > 214 || !NPM_NAME.test(name)) {
    throw new TypeError(
      `package name ${JSON.stringify(name)} is invalid: ` +
        "npm names are lower case, at most 214 characters of [a-z0-9-._~], optionally scoped (@scope/name)",
    );
  }
  const range = options.range?.trim() ?? "";
  const problem = range === "" ? undefined : rangeProblem(range);
  if (problem !== undefined) throw new TypeError(`package ${JSON.stringify(name)}: ${problem}`);
  return {
    name,
    ranges: range === "" || range === "*" ? [] : [range],
    build: options.build ?? false,
  };
}

/**
 * Merges two declarations of the same package: constraints are unioned (all must hold) and
 * `build` is kept only if both are build-only, since a run-time need wins. Returns `undefined`
 * for different names, like upstream `Package.merge`.
 *
 * @throws `TypeError` `package "<name>": no version satisfies all of "<r1>", "<r2>"…` when the
 * constraints exclude each other (npm would only fail at install).
 * @public
 */
export function mergePackage(a: Package, b: Package): Package | undefined {
  if (a.name !== b.name) return undefined;
  const ranges = [...a.ranges];
  for (const r of b.ranges) if (!ranges.includes(r)) ranges.push(r);
  if (intersectRanges(ranges) === undefined) {
    throw new TypeError(
      `package ${JSON.stringify(a.name)}: no version satisfies all of ` +
        `${ranges.map((r) => JSON.stringify(r)).join(", ")}; ` +
        "align the ranges the devices and the application declare",
    );
  }
  return { name: a.name, ranges, build: a.build && b.build };
}

/**
 * Merges a list of packages by name and sorts them by name.
 *
 * @public
 */
export function mergePackages(packages: Iterable<Package>): Package[] {
  const byName = new Map<string, Package>();
  for (const p of packages) {
    const previous = byName.get(p.name);
    byName.set(p.name, previous === undefined ? p : (mergePackage(previous, p) ?? p));
  }
  return [...byName.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/**
 * The version range to write in `package.json` (`*` when unconstrained).
 *
 * @public
 */
export function packageRange(p: Package): string {
  return intersectRanges(p.ranges) ?? p.ranges.join(" ");
}

/**
 * Prints a package as an install specifier, `name@range` (or `name` when unconstrained), with
 * ` (build)` for build-only packages: the line format of `query packages`.
 *
 * @public
 */
export function formatPackage(p: Package): string {
  const spec = p.ranges.length === 0 ? p.name : `${p.name}@${packageRange(p)}`;
  return p.build ? `${spec} (build)` : spec;
}
