/**
 * What every target's row writes the same way: calls and names of a platform package's exports in
 * the generated entry, the packages an entry on that platform needs, and the devices a platform
 * package names after itself.
 *
 * @packageDocumentation
 */

import { type Package, pkg } from "@mirage-ts/functoria";
import type { ImportValue, PlatformDevices } from "./targets.js";
import { compatibleRange } from "./version.js";

/** Code naming (`value`) or calling (`call`, with argument expressions) an export of `platform`. */
export function platformCode(platform: string): {
  readonly call: (name: string, ...args: readonly string[]) => (importValue: ImportValue) => string;
  readonly value: (name: string) => (importValue: ImportValue) => string;
} {
  return {
    call:
      (name, ...args) =>
      (importValue) =>
        `${importValue(platform, name)}(${args.join(", ")})`,
    value: (name) => (importValue) => importValue(platform, name),
  };
}

/** The packages of an entry on `platform`: the platform, the runtime, the types, and (to build) the tool. */
export function platformPackages(platform: string): Package[] {
  return [
    pkg(platform, { range: compatibleRange }),
    pkg("@mirage-ts/mirage-runtime", { range: compatibleRange }),
    pkg("@mirage-ts/mirage-types", { range: compatibleRange }),
    pkg("@mirage-ts/mirage-cli", { range: compatibleRange, build: true }),
  ];
}

/**
 * The console, clocks, random generator and stack timers of a platform package that exports them as
 * `connectConsole`, `<prefix>Sleep`, `<prefix>MClock`, `<prefix>PClock`, `<prefix>Random` and
 * `<prefix>Clock` (mirage-unix's `unix…`, mirage-browser's `browser…`).
 */
export function platformBaseDevices(
  platform: string,
  prefix: string,
): Pick<PlatformDevices, "console" | "sleep" | "mclock" | "pclock" | "random" | "timers"> {
  const { call, value } = platformCode(platform);
  return {
    console: call("connectConsole"),
    sleep: value(`${prefix}Sleep`),
    mclock: value(`${prefix}MClock`),
    pclock: value(`${prefix}PClock`),
    random: value(`${prefix}Random`),
    timers: value(`${prefix}Clock`),
  };
}
