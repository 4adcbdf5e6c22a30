/**
 * Configure-time keys (upstream `Functoria.Key`): named command-line arguments of the tool,
 * used to choose implementations (`ifImpl`/`matchImpl`) and to parameterise devices. They are
 * distinct from run-time arguments, which are parsed by the unikernel itself.
 *
 * @packageDocumentation
 */

import type { Converter } from "./converter.js";

/**
 * Documentation and spelling of a key on the command line (upstream `Cmdliner.Arg.info`).
 *
 * @public
 */
export interface ArgInfo {
  /** Option names: one-letter names are short options (`-t`), others long ones (`--target`). */
  readonly names: readonly string[];
  /** One-paragraph documentation shown in help. */
  readonly doc?: string;
  /** The help section (default `APPLICATION OPTIONS`). */
  readonly docs?: string;
  /** The meta-variable of the value in help (default: the converter's). */
  readonly docv?: string;
  /** An environment variable read when the option is absent from the command line. */
  readonly env?: string;
}

/**
 * How a key reads the command line (upstream `Key.Arg.t`), built by {@link opt},
 * {@link required}, {@link flag} or {@link optAll}.
 *
 * @public
 */
export interface Arg<in out T> {
  /** The argument kind. */
  readonly kind: "opt" | "required" | "flag" | "optAll";
  /** Names and documentation. */
  readonly info: ArgInfo;
  /** The value when the argument is absent. */
  readonly default: T;
  /** The converter of one occurrence, `undefined` for a flag. */
  readonly converter: Converter<unknown> | undefined;
  /** Builds the value from the parsed occurrences (in command-line order). */
  fromOccurrences(values: readonly unknown[]): T;
  /** Prints a value for describe and help; `undefined` for an absent required value. */
  print(value: T): string | undefined;
}

function makeArg<T>(
  kind: Arg<T>["kind"],
  info: ArgInfo,
  defaultValue: T,
  converter: Converter<unknown> | undefined,
  fromOccurrences: (values: readonly unknown[]) => T,
  print: (value: T) => string | undefined,
): Arg<T> {
  if (info.names.length === 0) throw new TypeError("a key argument needs at least one option name");
  for (const name of info.names) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/u.test(name)) {
      throw new TypeError(
        `invalid option name ${JSON.stringify(name)}: use letters, digits, "-", "_" or "." and no leading "-"`,
      );
    }
  }
  return { kind, info, default: defaultValue, converter, fromOccurrences, print };
}

/**
 * An optional argument with a default value (upstream `Key.Arg.opt`). Given twice, it is an
 * error.
 *
 * @public
 */
export function opt<T>(converter: Converter<T>, defaultValue: T, info: ArgInfo): Arg<T> {
  return makeArg<T>(
    "opt",
    info,
    defaultValue,
    converter as Converter<unknown>,
    (values) => (values.length === 0 ? defaultValue : (values[values.length - 1] as T)),
    (value) => converter.print(value),
  );
}

/**
 * An argument that `configure` requires (upstream `Key.Arg.required`); other commands see
 * `undefined` when it is absent.
 *
 * @public
 */
export function required<T>(converter: Converter<T>, info: ArgInfo): Arg<T | undefined> {
  return makeArg<T | undefined>(
    "required",
    info,
    undefined,
    converter as Converter<unknown>,
    (values) => (values.length === 0 ? undefined : (values[values.length - 1] as T)),
    (value) => (value === undefined ? undefined : converter.print(value)),
  );
}

/**
 * A boolean flag, false unless given (upstream `Key.Arg.flag`).
 *
 * @public
 */
export function flag(info: ArgInfo): Arg<boolean> {
  return makeArg<boolean>(
    "flag",
    info,
    false,
    undefined,
    (values) => values.length > 0,
    (value) => String(value),
  );
}

/**
 * A repeatable argument collecting every occurrence (upstream `Key.Arg.opt_all`):
 * `-d 1 -d 2 -d 3` gives `[1, 2, 3]`, no occurrence gives `[]`.
 *
 * @public
 */
export function optAll<T>(converter: Converter<T>, info: ArgInfo): Arg<readonly T[]> {
  return makeArg<readonly T[]>(
    "optAll",
    info,
    [],
    converter as Converter<unknown>,
    (values) => values as readonly T[],
    (values) => values.map((v) => converter.print(v)).join(","),
  );
}

/**
 * A configure-time key: a name (its identity in the context and in describe) and an argument.
 *
 * @public
 */
export interface Key<in out T> {
  /** The key name, unique per context. */
  readonly name: string;
  /** How the key is read from the command line. */
  readonly arg: Arg<T>;
}

/**
 * A key of any value type, as found in device `keys` lists and in graph collections.
 *
 * @public
 */
// biome-ignore lint/suspicious/noExplicitAny: the existential type: an invariant `Key<unknown>` would accept no key.
export type AnyKey = Key<any>;

/**
 * Creates a key (upstream `Key.create`).
 *
 * @throws `TypeError` `Key.create: key name cannot be the empty string`.
 * @public
 */
export function key<T>(name: string, arg: Arg<T>): Key<T> {
  if (name === "") throw new TypeError("Key.create: key name cannot be the empty string");
  return { name, arg };
}

function defaultText(k: AnyKey): string {
  return k.arg.print(k.arg.default) ?? "";
}

/**
 * Key equality (upstream `Key.equal`): same name, same argument kind and same printed default.
 * Two keys named `foo` with different defaults are different keys.
 *
 * @public
 */
export function keyEquals(a: AnyKey, b: AnyKey): boolean {
  return compareKeys(a, b) === 0;
}

/**
 * The total order of keys: by name, then kind, then printed default (upstream `Key.compare`).
 *
 * @public
 */
export function compareKeys(a: AnyKey, b: AnyKey): number {
  if (a === b) return 0;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.arg.kind !== b.arg.kind) return a.arg.kind < b.arg.kind ? -1 : 1;
  const da = a.arg.kind === "opt" ? defaultText(a) : "";
  const db = b.arg.kind === "opt" ? defaultText(b) : "";
  return da === db ? 0 : da < db ? -1 : 1;
}

/**
 * Sorts keys and removes duplicates (by {@link keyEquals}), like upstream `Key.Set`.
 *
 * @public
 */
export function keySet(keys: Iterable<AnyKey>): AnyKey[] {
  const sorted = [...keys].sort(compareKeys);
  return sorted.filter((k, i) => i === 0 || compareKeys(sorted[i - 1] as AnyKey, k) !== 0);
}
