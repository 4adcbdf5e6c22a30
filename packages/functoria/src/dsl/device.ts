/**
 * Devices (upstream `Functoria.Device`): the leaves of a configuration. A device names the
 * implementation to import (a module specifier and an export), its module type, the packages
 * it needs, the code that connects it, the keys and run-time arguments it reads, extra
 * dependencies, and hooks run by `configure`.
 *
 * @packageDocumentation
 */

import { Action } from "../io/action.js";
import { identify } from "./identifier.js";
import type { AbstractImpl } from "./impl.js";
import type { Info } from "./info.js";
import type { AnyKey } from "./key.js";
import type { Package } from "./package.js";
import type { RuntimeArg } from "./runtime-arg.js";
import type { Typ } from "./typ.js";
import { type Value, map, pure } from "./value.js";

/**
 * What a device's `connect` receives to produce its code.
 *
 * @public
 */
export interface ConnectContext {
  /** Build information. */
  readonly info: Info;
  /** The expression naming the implementation (the imported binding, e.g. `Console` or `Tcp.Flow`). */
  readonly impl: string;
  /**
   * Variables holding, in order: the functor arguments, the extra dependencies, then the values of
   * the device's run-time arguments (upstream order).
   */
  readonly args: readonly string[];
  /** Imports `name` from `module` into the generated file and returns the expression to use. */
  importValue(module: string, name: string): string;
}

/**
 * The options of a device constructor ({@link impl}).
 *
 * @public
 */
export interface DeviceOptions<T> {
  /**
   * The module to import the implementation from: a package (`@mirage-ts/mirage-unix`) or a path
   * relative to the configuration file (`./unikernel.js`). Omitted, `name` is a global or a
   * device without code of its own.
   */
  readonly module?: string | undefined;
  /** The exported name, possibly dotted (`Tcp.Flow`); it also names the device's variables. */
  readonly name: string;
  /** The module type. */
  readonly type: Typ<T>;
  /** npm packages needed. */
  readonly packages?: readonly Package[] | undefined;
  /** npm packages that depend on keys (added to `packages`). */
  readonly packagesV?: Value<readonly Package[]> | undefined;
  /** Configure-time keys the device reads (they appear in help and describe). */
  readonly keys?: readonly AnyKey[] | undefined;
  /** Run-time arguments whose values are passed to `connect` after the other arguments. */
  readonly runtimeArgs?: readonly RuntimeArg[] | undefined;
  /** Devices to connect before this one, passed to `connect` after the functor arguments. */
  readonly extraDeps?: readonly AbstractImpl[] | undefined;
  /**
   * The connect expression (awaited). Default: `<impl>.connect(<args>)`.
   */
  readonly connect?: ((context: ConnectContext) => string) | undefined;
  /** A hook run by `configure`, in the generated directory, in dependency order. */
  readonly configure?: ((info: Info) => Action<void>) | undefined;
  /** Extra files the device produces, for `query files` and `clean`. */
  readonly files?: ((info: Info) => readonly string[]) | undefined;
}

/**
 * A device: the data behind an {@link impl} leaf. Each constructor call makes a device with a
 * fresh `id`, so two constructions are two instances, while reusing one value shares it.
 *
 * @public
 */
export interface Device {
  /** Unique per constructor call. */
  readonly id: number;
  /** The module specifier to import from, if any. */
  readonly module: string | undefined;
  /** The exported name. */
  readonly name: string;
  /** The module type. */
  readonly type: Typ<unknown>;
  /** The packages needed. */
  readonly packages: Value<readonly Package[]>;
  /** The configure-time keys read. */
  readonly keys: readonly AnyKey[];
  /** The run-time arguments read. */
  readonly runtimeArgs: readonly RuntimeArg[];
  /** Extra dependencies. */
  readonly extraDeps: readonly AbstractImpl[];
  /** Produces the connect expression. */
  connect(context: ConnectContext): string;
  /** The configure hook. */
  configure(info: Info): Action<void>;
  /** Extra produced files. */
  files(info: Info): readonly string[];
}

let lastDeviceId = 0;

/**
 * The default connect code: `<impl>.connect(<args>)`.
 *
 * @public
 */
export function defaultConnect(context: ConnectContext): string {
  return `${context.impl}.connect(${context.args.join(", ")})`;
}

/**
 * Makes a device from its options (use {@link impl} to get an implementation).
 *
 * @public
 */
export function makeDevice<T>(options: DeviceOptions<T>): Device {
  if (options.name === "") throw new TypeError("a device needs a non-empty name");
  const fixed = options.packages ?? [];
  const packages = options.packagesV === undefined ? pure(fixed) : map(options.packagesV, (ps) => [...fixed, ...ps]);
  lastDeviceId += 1;
  return {
    id: lastDeviceId,
    module: options.module,
    name: options.name,
    type: options.type as Typ<unknown>,
    packages,
    keys: options.keys ?? [],
    runtimeArgs: options.runtimeArgs ?? [],
    extraDeps: options.extraDeps ?? [],
    connect: options.connect ?? defaultConnect,
    configure: options.configure ?? (() => Action.ok(undefined)),
    files: options.files ?? (() => []),
  };
}

/**
 * The device's name for variables (upstream `Device.nice_name`): `Foo.Bar` gives `foo_bar`.
 *
 * @public
 */
export function niceName(device: Device): string {
  return identify(device.name.split(".").join("_").toLowerCase());
}
