/**
 * Key-value stores (upstream `Mirage.direct_kv_ro`, `generic_kv_ro`, `direct_kv_rw`,
 * `kv_rw_mem`); {@link crunch} embeds a directory instead.
 *
 * @packageDocumentation
 */

import { type Impl, ifImpl } from "@mirage-ts/functoria";
import { platformOfString, platformValue } from "../internal/platform.js";
import { isUnix, kvRoKey } from "../keys.js";
import { crunch } from "./crunch.js";
import { type KeyChoiceOptions, chosenByKey } from "./key-choice.js";
import { kvRo, kvRw } from "./types.js";

/**
 * A read-only store over the host directory `dir` (relative to where the unikernel runs), read
 * at run time; on targets without a host file system, `dir` is crunched instead, as upstream.
 *
 * @public
 */
export function directKvRo(dir: string): Impl<"kv_ro"> {
  if (dir === "") throw new TypeError("directKvRo: the directory cannot be empty");
  return ifImpl(isUnix, platformOfString("Direct_kv_ro", kvRo, "directKvRo", dir), crunch(dir));
}

/**
 * A read-write store over the host directory `dir` (relative to where the unikernel runs).
 *
 * @public
 */
export function directKvRw(dir: string): Impl<"kv_rw"> {
  if (dir === "") throw new TypeError("directKvRw: the directory cannot be empty");
  return platformOfString("Direct_kv_rw", kvRw, "directKvRw", dir);
}

/**
 * An empty read-write store in memory (upstream mirage-kv-mem); each call is a new store.
 *
 * @public
 */
export function kvRwMem(): Impl<"kv_rw"> {
  return platformValue("Kv_rw_mem", kvRw, "kvRwMem", "kvRwMem");
}

/**
 * A read-only store of `dir` chosen by `--kv_ro=crunch|direct` (default `crunch`;
 * `--<group>-kv_ro` with a group): {@link crunch} or {@link directKvRo}.
 *
 * @public
 */
export function genericKvRo(dir: string, options: KeyChoiceOptions<"crunch" | "direct"> = {}): Impl<"kv_ro"> {
  const choice = options.key ?? kvRoKey(options.group);
  return chosenByKey(choice, { crunch: crunch(dir), direct: directKvRo(dir) }, "crunch");
}
