/**
 * Loads the native tap addon (`native/tap.c`, built at install time into `build/Release/tap.node`)
 * and explains why when it cannot.
 *
 * @packageDocumentation
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The addon's functions; see native/tap.c. */
export interface TapAddon {
  /**
   * Opens the tap; with `offloads` (TUN_F_* bits) not 0 and a kernel that can, frames carry a
   * virtio-net header (`vnetHeader`) and `offloads` says what the kernel accepted.
   */
  open(
    name: string,
    bringUp: boolean,
    offloads?: number,
  ): { readonly fd: number; readonly name: string; readonly vnetHeader: boolean; readonly offloads: number };
  /** The interface's txqueuelen, set to `length` first when given. */
  queueLength(fd: number, length?: number): number;
  /** The interface's current name and the /proc/net/dev table of the namespace it is in. */
  netdev(fd: number): { readonly name: string; readonly table: string };
  /**
   * Writes `count` frames lying back to back in `data` (frame i ends at `ends[i]`), one write(2) each;
   * `errors[i]` gets 0 or frame i's errno. Returns how many failed.
   */
  writeFrames(fd: number, data: Uint8Array, ends: Uint32Array, count: number, errors: Int32Array): number;
  /**
   * Watches the descriptor; each wake-up hands over the frames read, back to back in `data`, frame i
   * ending at `ends[i]` (and starting where frame i - 1 ends).
   */
  poll(fd: number, onFrames: (data: Uint8Array, ends: Uint32Array, error: string | undefined) => void): () => void;
}

/** Where the addon and the install hook's failure report are. */
export interface AddonFiles {
  readonly addon: string;
  readonly buildError: string;
}

/** The addon, or why it cannot be used. */
export type AddonLoad = { readonly addon: TapAddon } | { readonly problem: string };

// src/internal and dist/internal are both two levels below the package root.
const packageFiles: AddonFiles = {
  addon: fileURLToPath(new URL("../../build/Release/tap.node", import.meta.url)),
  buildError: fileURLToPath(new URL("../../build/addon-build-error.txt", import.meta.url)),
};

/** Loads the addon from `files`; the problem names the install hook's failure when there was one. */
export function loadAddon(files: AddonFiles, platform: string = process.platform): AddonLoad {
  if (platform !== "linux") return { problem: `tap devices need Linux, this is ${platform}` };
  try {
    return addonOfModule(createRequire(import.meta.url)(files.addon));
  } catch (loadError) {
    try {
      return { problem: `its build failed at install: ${readFileSync(files.buildError, "utf8").trim()}` };
    } catch {
      const reason = loadError instanceof Error ? loadError.message.split("\n")[0] : String(loadError);
      return {
        problem: `${files.addon} could not be loaded (${reason}); was the package installed with scripts disabled?`,
      };
    }
  }
}

const FUNCTIONS = ["open", "queueLength", "netdev", "writeFrames", "poll"] as const;

/**
 * The loaded module as the addon when it has every function this package calls; else the problem: a
 * build left from an older native/tap.c (a checkout updated without reinstalling), which would
 * otherwise fail every write.
 */
export function addonOfModule(module: unknown): AddonLoad {
  const missing = FUNCTIONS.filter((name) => typeof (module as Record<string, unknown>)[name] !== "function");
  if (missing.length === 0) return { addon: module as TapAddon };
  return { problem: `it was built from an older native/tap.c (it lacks ${missing.join(", ")})` };
}

/** The message of the error a tap request fails with when the addon is not usable. */
export function unavailableMessage(problem: string): string {
  return (
    `The native tap addon of @mirage-ts/mirage-unix is not available: ${problem}. It is compiled from ` +
    "native/tap.c when the package is installed (node-gyp against the local Node headers; needs Linux, " +
    "python3, make and a C compiler). Rebuild it with `npm rebuild @mirage-ts/mirage-unix` (or `pnpm " +
    "rebuild`), or use the UDP tunnel backend."
  );
}

let loaded: AddonLoad | undefined;

/** Why the package's addon is not usable, or `undefined` when it is. */
export function tapAddonProblem(): string | undefined {
  loaded ??= loadAddon(packageFiles);
  return "problem" in loaded ? loaded.problem : undefined;
}

/**
 * The package's addon.
 *
 * @throws Error with {@link unavailableMessage} when it was not built or cannot be loaded
 */
export function loadTapAddon(): TapAddon {
  loaded ??= loadAddon(packageFiles);
  if ("problem" in loaded) throw new Error(unavailableMessage(loaded.problem));
  return loaded.addon;
}
