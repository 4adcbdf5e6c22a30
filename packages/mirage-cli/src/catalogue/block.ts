/**
 * Block devices (upstream `Mirage.block_of_file`, `ramdisk`, `generic_block`).
 *
 * @packageDocumentation
 */

import type { Impl } from "@mirage-ts/functoria";
import { platformOfString } from "../internal/platform.js";
import { blockKey } from "../keys.js";
import { type KeyChoiceOptions, chosenByKey } from "./key-choice.js";
import { block } from "./types.js";

/**
 * A block device backed by the file `path` (relative to the directory the unikernel runs in, or
 * absolute). It must exist; its size is a whole number of 512-byte sectors.
 *
 * @public
 */
export function blockOfFile(path: string): Impl<"block"> {
  if (path === "") throw new TypeError("blockOfFile: the file name cannot be empty");
  return platformOfString("Block", block, "blockOfFile", path);
}

/**
 * An in-memory block device named `name`: devices of the same name share their data while the
 * unikernel runs.
 *
 * @public
 */
export function ramdisk(name: string): Impl<"block"> {
  if (name === "") throw new TypeError("ramdisk: the name cannot be empty");
  return platformOfString("Ramdisk", block, "ramdisk", name);
}

/**
 * A block device chosen by `--block=file|ramdisk` (default `ramdisk`; `--<group>-block` with a
 * group): {@link blockOfFile} or {@link ramdisk} of `name`.
 *
 * @public
 */
export function genericBlock(name: string, options: KeyChoiceOptions<"file" | "ramdisk"> = {}): Impl<"block"> {
  const choice = options.key ?? blockKey(options.group);
  return chosenByKey(choice, { file: blockOfFile(name), ramdisk: ramdisk(name) }, "ramdisk");
}
