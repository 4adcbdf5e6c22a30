/**
 * `appInfo` (upstream's historical `app_info` and `Info_gen`; Mirage 4.5+ uses dune-build-info):
 * the application's name and the installed versions of its packages, recorded when it is
 * configured and passed to `start` as a plain object.
 *
 * @packageDocumentation
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Impl, type Info, impl } from "@mirage-ts/functoria";
import { info as infoType } from "./types.js";

/** The version of `name` installed for the configuration directory, found as Node finds packages. */
function installedVersion(configDir: string, name: string): string {
  for (let dir = resolve(configDir); ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest))
      return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version ?? "unknown";
    if (dirname(dir) === dir) return "not installed";
  }
}

function literal(info: Info): string {
  const configDir = dirname(info.configFile);
  const packages = info.packages.map(
    (p) => `{ name: ${JSON.stringify(p.name)}, version: ${JSON.stringify(installedVersion(configDir, p.name))} }`,
  );
  return `{ name: ${JSON.stringify(info.name)}, packages: [${packages.join(", ")}] }`;
}

/**
 * The application information: `{ name, packages: [{ name, version }] }` with the version of each
 * package installed when it was configured (`not installed` if it is missing).
 *
 * @public
 */
export function appInfo(): Impl<"info"> {
  return impl({ name: "Info", type: infoType, connect: ({ info }) => literal(info) });
}
