/**
 * The tool's own version and npm name, read from its `package.json`: the generated files' header,
 * `mirage --version`, the version constraint of `config.ts`, and the ranges of the runtime
 * packages a unikernel depends on.
 *
 * @packageDocumentation
 */

import { readFileSync } from "node:fs";

// src/ and dist/ are both one level below the package root.
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  name: string;
  version: string;
};

/** The npm name of this package. */
export const packageName: string = manifest.name;

/**
 * The version of the `mirage` tool (this package's version).
 *
 * @public
 */
export const version: string = manifest.version;

/**
 * The range of the mirage-ts packages that match this tool: the same minor version while in 0.x,
 * as upstream pins `mirage-runtime` to the tool's minor version.
 */
export const compatibleRange: string = (() => {
  const [major = "0", minor = "0"] = version.split(".");
  return major === "0" ? `^0.${minor}.0` : `^${major}.0.0`;
})();
