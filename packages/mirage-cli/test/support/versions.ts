// The versions of the workspace packages, read from their package.json, so that the tests follow a
// release (`pnpm release:version`) instead of naming the versions of one.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PACKAGES = new URL("../../../", import.meta.url);

/** The version of the workspace package in `packages/<dir>`. */
export function versionOf(dir: string): string {
  const manifest = fileURLToPath(new URL(`${dir}/package.json`, PACKAGES));
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** The range a generated package.json asks for the package in `packages/<dir>`: `^<its version>`. */
export const caret = (dir: string): string => `^${versionOf(dir)}`;

/** The version of the `mirage` tool under test. */
export const MIRAGE_VERSION = versionOf("mirage-cli");

/** `version` with its minor bumped: `0.2.3` -> `0.3.0`. */
export function nextMinor(version: string): string {
  const [major, minor] = version.split(".").map(Number);
  return `${major}.${minor! + 1}.0`;
}

/**
 * The first-line constraint the examples carry: the release series of the installed mirage
 * (scripts/release-constraints.mjs keeps the examples on it).
 */
export function constraintLine(version = MIRAGE_VERSION): string {
  const [major, minor] = version.split(".").map(Number);
  return major === 0
    ? `// mirage >= 0.${minor}.0 & < ${nextMinor(version)}`
    : `// mirage >= ${major}.0.0 & < ${major! + 1}.0.0`;
}
