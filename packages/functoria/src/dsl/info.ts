/**
 * Build information (upstream `Functoria.Info`), handed to every device hook and to the builder:
 * the application name, the evaluated keys and context, the merged packages, the run-time
 * arguments and where the files go.
 *
 * @packageDocumentation
 */

import type { Context } from "./context.js";
import { type AnyKey, type Key, printKeyValue } from "./key.js";
import { type Package, formatPackage } from "./package.js";
import type { RuntimeArg } from "./runtime-arg.js";

/**
 * What a configuration evaluates to.
 *
 * @public
 */
export interface Info {
  /** The application name given to `register`. */
  readonly name: string;
  /** The tool name (upstream `project_name`, e.g. `mirage`); also the generated directory name. */
  readonly projectName: string;
  /** The configuration file, as given on the command line. */
  readonly configFile: string;
  /** The generated entry file name, `main.ts` (or `<output>.ts` with `-o`). */
  readonly mainFile: string;
  /** The `-o` output name, if given. */
  readonly output: string | undefined;
  /** Every package needed, merged by name and sorted. */
  readonly packages: readonly Package[];
  /** Every configure-time key of the configuration, sorted by name. */
  readonly keys: readonly AnyKey[];
  /** Every run-time argument registered by the generated entry, sorted by name. */
  readonly runtimeArgs: readonly RuntimeArg[];
  /** The configure-time context (command line over cache). */
  readonly context: Context;
  /** The value of a key in the context (upstream `Info.get`). */
  get<T>(key: Key<T>): T;
}

/**
 * Fields of {@link makeInfo}.
 *
 * @public
 */
export type InfoFields = Omit<Info, "get" | "mainFile">;

/**
 * Builds an {@link Info}.
 *
 * @public
 */
export function makeInfo(fields: InfoFields): Info {
  return {
    ...fields,
    mainFile: `${fields.output ?? "main"}.ts`,
    get: (key) => fields.context.get(key),
  };
}

/**
 * Lists keys as describe does: `name=value`, with ` (default)` when the key is not in the
 * context, and only `name` for an absent required key (upstream `Key.pps`).
 *
 * @public
 */
export function formatKeys(context: Context, keys: readonly AnyKey[]): string[] {
  return keys.map((k) => {
    const printed = printKeyValue(k, context.get(k));
    if (printed === undefined) return k.name;
    return `${k.name}=${printed}${context.mem(k) ? "" : " (default)"}`;
  });
}

/**
 * The text of `describe` (upstream `Info.pp`):
 *
 * ```
 * Name       noop
 * Keys       vote=cat (default),
 *            warn_error=false (default)
 * ```
 *
 * With `verbose`, the packages follow.
 *
 * @public
 */
export function formatInfo(info: Info, options: { readonly verbose?: boolean } = {}): string {
  const lines: string[] = [];
  const show = (label: string, items: readonly string[], sep: string): void => {
    const pad = " ".repeat(11);
    const body = items.join(`${sep}\n${pad}`);
    lines.push(`${label.padEnd(10)} ${body}`.trimEnd());
  };
  show("Name", [info.name], "");
  show("Keys", formatKeys(info.context, info.keys), ",");
  if (info.output !== undefined) show("Output", [info.output], "");
  if (options.verbose === true)
    lines.push(`${"Packages".padEnd(10)} ${info.packages.map(formatPackage).join(", ")}`.trimEnd());
  return `${lines.join("\n")}\n`;
}
