/**
 * The version a built unikernel's `--version` prints: the `version` of the unikernel's
 * package.json, read when `mirage build` bundles it (so a version bumped after `configure` counts),
 * and put in the bundle in place of the generated entry's {@link VERSION_GLOBAL}.
 */

import { readFile } from "node:fs/promises";

/**
 * The global the generated entry reads the version from. It is declared, never defined: the bundler
 * replaces it with the version, and an entry run without bundling finds it undefined (`unknown`).
 */
export const VERSION_GLOBAL = "MIRAGE_UNIKERNEL_VERSION";

/** The entry's expression of the version (`undefined` when nothing replaced the global). */
export const versionExpression = `(typeof ${VERSION_GLOBAL} === "string" ? ${VERSION_GLOBAL} : undefined)`;

/** The declaration of the global, for the entry's type-check. */
export const versionDeclaration = `declare const ${VERSION_GLOBAL}: string | undefined;\n`;

/**
 * The `version` of the package.json at `path`, or `undefined` if the file or the field is missing.
 *
 * @throws `Error` naming the file when it is not JSON or its version is not a string.
 */
export async function unikernelVersion(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${e instanceof Error ? e.message : String(e)}): fix it`);
  }
  const version = (manifest as { version?: unknown } | null)?.version;
  if (version === undefined) return undefined;
  if (typeof version !== "string")
    throw new Error(`${path}: "version" must be a string like "1.0.0", not ${JSON.stringify(version)}`);
  return version;
}
