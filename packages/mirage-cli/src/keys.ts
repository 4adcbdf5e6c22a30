/**
 * Mirage's configure-time keys (upstream `Mirage.Key`): the target `-t`, and the keys that choose
 * implementations in the catalogue (`--net`, `--no-dhcp`, `--kv_ro`, `--block`). A key given a
 * group is prefixed by it (`--data-kv_ro`), so one configuration can choose twice.
 *
 * @packageDocumentation
 */

import { type Converter, type Key, type Value, conv, flag, key, map, opt, value } from "@mirage-ts/functoria";
import { groupName } from "@mirage-ts/mirage-runtime";
import { targets } from "./targets.js";

/**
 * The help section of the tool's own keys.
 *
 * @public
 */
export const MIRAGE_SECTION = "MIRAGE PARAMETERS";

/**
 * The help section of the keys devices read.
 *
 * @public
 */
export const UNIKERNEL_SECTION = "UNIKERNEL PARAMETERS";

/**
 * The default target: `MIRAGE_DEFAULT_TARGET` when it names a target, else `unix`. The tool
 * refuses an invalid `MIRAGE_DEFAULT_TARGET` before running (see {@link defaultTargetError}).
 */
export function defaultTarget(env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env.MIRAGE_DEFAULT_TARGET;
  return fromEnv !== undefined && Object.hasOwn(targets, fromEnv) ? fromEnv : "unix";
}

/**
 * Upstream's error for an invalid `MIRAGE_DEFAULT_TARGET` (`invalid default target: "x"`), or
 * `undefined` when it is unset or valid.
 */
export function defaultTargetError(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const fromEnv = env.MIRAGE_DEFAULT_TARGET;
  if (fromEnv === undefined || Object.hasOwn(targets, fromEnv)) return undefined;
  return `invalid default target: ${JSON.stringify(fromEnv)}`;
}

const targetNames = Object.keys(targets);

/**
 * `-t TARGET`, `--target=TARGET` (environment `MODE`): the platform to configure for.
 *
 * @public
 */
export const target: Key<string> = key(
  "target",
  opt(conv.enumeration(targetNames.map((n) => [n, n] as const)), defaultTarget(process.env), {
    names: ["t", "target"],
    docs: MIRAGE_SECTION,
    docv: "TARGET",
    env: "MODE",
    doc: `Target platform to compile the unikernel for. Valid values are: ${targetNames.join(", ")}.`,
  }),
);

/**
 * Whether the target is a Unix process (upstream `Key.is_unix`).
 *
 * @public
 */
export const isUnix: Value<boolean> = map(value(target), (t) => t === "unix");

function describeGroup(group: string | undefined): string {
  return group === undefined || group === "" ? "the unikernel" : `the ${group} group`;
}

/** A converter of an optional enumeration, printed as the empty string when absent (upstream `Arg.some`). */
function optional<T>(inner: Converter<T>): Converter<T | undefined> {
  return {
    docv: inner.docv,
    parse: (text) => inner.parse(text),
    print: (v) => (v === undefined ? "" : inner.print(v)),
  };
}

/** `--<group>-<name>=a|b`: a choice between two implementations of a device, `defaultChoice` when absent. */
function implementationKey<const C extends string>(
  group: string | undefined,
  name: string,
  choices: readonly [C, C],
  defaultChoice: C,
): Key<C> {
  const option = groupName(name, group);
  const [first, second] = choices;
  return key(
    option,
    opt(conv.enumeration(choices.map((choice) => [choice, choice] as const)), defaultChoice, {
      names: [option],
      docs: UNIKERNEL_SECTION,
      docv: name.toUpperCase(),
      doc: `Use ${first} or ${second} pass-through implementation for ${describeGroup(group)}.`,
    }),
  );
}

/**
 * `--kv_ro=crunch|direct` (default `crunch`): how {@link genericKvRo} reads its directory.
 *
 * @public
 */
export function kvRoKey(group?: string): Key<"crunch" | "direct"> {
  return implementationKey(group, "kv_ro", ["crunch", "direct"], "crunch");
}

/**
 * `--block=file|ramdisk` (default `ramdisk`): how {@link genericBlock} stores its data.
 *
 * @public
 */
export function blockKey(group?: string): Key<"file" | "ramdisk"> {
  return implementationKey(group, "block", ["file", "ramdisk"], "ramdisk");
}

/**
 * `--net=host|socket|direct|ocaml` (default unset): the host's socket stack (`host`, `socket`)
 * or the TypeScript stack (`direct`, and upstream's `ocaml`), for {@link genericStackv4v6}.
 *
 * @public
 */
export function netKey(group?: string): Key<"socket" | "direct" | undefined> {
  const name = groupName("net", group);
  const cases = [
    ["host", "socket"],
    ["socket", "socket"],
    ["direct", "direct"],
    ["ocaml", "direct"],
  ] as const;
  const base = conv.enumeration<"socket" | "direct">(cases);
  // Two spellings per value: print the canonical one.
  const canonical: Converter<"socket" | "direct"> = { ...base, print: (v) => v };
  return key(
    name,
    opt(optional(canonical), undefined, {
      names: [name],
      docs: UNIKERNEL_SECTION,
      docv: "NET",
      doc: `Use host, socket, direct or ocaml group for ${describeGroup(group)}.`,
    }),
  );
}

/**
 * `--no-dhcp`: configure IPv4 statically instead of by DHCP (the default since Mirage 4.10.5),
 * for {@link genericStackv4v6}.
 *
 * @public
 */
export function noDhcpKey(group?: string): Key<boolean> {
  const name = groupName("no-dhcp", group);
  return key(name, flag({ names: [name], docs: UNIKERNEL_SECTION, doc: `Disable dhcp for ${describeGroup(group)}.` }));
}
