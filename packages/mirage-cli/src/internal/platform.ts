/**
 * Devices whose code depends on the target: their connect looks the configured target up in the
 * target table, so that the catalogue itself stays target agnostic.
 */

import {
  type AbstractImpl,
  type Impl,
  type Info,
  type Package,
  type RuntimeArg,
  type Typ,
  impl,
} from "@mirage-ts/functoria";
import { target } from "../keys.js";
import { type ImportValue, type Target, findTarget, platformDevice } from "../targets.js";

/** The target of a configuration. */
export function targetOf(info: Info): Target {
  return findTarget(info.get(target));
}

/** Options of {@link platformImpl}. */
export interface PlatformImplOptions<T> {
  /** The device name (it names the generated variables). */
  readonly name: string;
  readonly type: Typ<T>;
  readonly extraDeps?: readonly AbstractImpl[];
  readonly runtimeArgs?: readonly RuntimeArg[];
  /** npm packages the device needs besides the platform's. */
  readonly packages?: readonly Package[];
  /** The expression connecting the device on a target, from the argument variables. */
  readonly connect: (t: Target, importValue: ImportValue, args: readonly string[]) => string;
}

/** A device whose connect code comes from the target. */
export function platformImpl<T>(options: PlatformImplOptions<T>): Impl<T> {
  return impl({
    name: options.name,
    type: options.type,
    extraDeps: options.extraDeps,
    runtimeArgs: options.runtimeArgs,
    packages: options.packages,
    connect: (context) => options.connect(targetOf(context.info), context.importValue, context.args),
  });
}

/** A device the target implements without arguments (console, clocks, random...). */
export function platformValue<T>(
  name: string,
  type: Typ<T>,
  device: "console" | "sleep" | "mclock" | "pclock" | "random" | "timers" | "kvRwMem",
  what: string,
): Impl<T> {
  return platformImpl({ name, type, connect: (t, importValue) => platformDevice(t, device, what)(importValue) });
}

/** A device the target implements from one string (a file, a directory, a name), given as a literal. */
export function platformOfString<T>(
  name: string,
  type: Typ<T>,
  device: "blockOfFile" | "ramdisk" | "directKvRo" | "directKvRw",
  text: string,
): Impl<T> {
  return platformImpl({
    name,
    type,
    connect: (t, importValue) => platformDevice(t, device, device)(importValue, JSON.stringify(text)),
  });
}

/**
 * Refuses a device that runs only on Node.js (it drives `node:http`, `node:tls`...) on a target that
 * is not Node, naming the device and the target, as a device missing from the target table is.
 */
export function requireNodeTarget(info: Info, what: string): void {
  const t = targetOf(info);
  if (t.bundle.platform !== "node")
    throw new Error(
      `${what} is not supported on the ${t.name} target (it runs on Node.js only): configure for -t unix`,
    );
}
