/**
 * The options of the tool's command line and how they are read: each option is a Cmdliner argument,
 * and `@mirage-ts/cmdliner`'s scanner splits the command line (long options with `=` or a separate
 * value, unique prefixes of long options, short options with an attached or separate value, short
 * flags grouped (`-vx`), `--` ending options) in the bare dialect. A lenient mode skips what it does
 * not understand, to peek at a few options before the full set is known (upstream `Term.eval_peek_opts`).
 *
 * @packageDocumentation
 */

import {
  type Arg,
  bareDialect,
  flag,
  flagAll,
  indexByName,
  info,
  opt,
  optAll,
  optional,
  scanWholeCommandLine,
  stringConv,
} from "@mirage-ts/cmdliner";

/**
 * One option of a command.
 *
 * @public
 */
export interface OptionSpec {
  /** Identifies the option in the parse result. */
  readonly id: string;
  /** Names without dashes: one letter for `-x`, longer for `--xyz`. */
  readonly names: readonly string[];
  /** Whether the option takes no value, a value, or an optional one (`--help[=FMT]`). */
  readonly value: "none" | "required" | "optional";
  /** Whether the option may be given several times. */
  readonly repeatable?: boolean | undefined;
  /** The help section. */
  readonly section: string;
  /** The value's meta-variable in help. */
  readonly docv?: string | undefined;
  /** The help text. */
  readonly doc?: string | undefined;
  /** Shown as `(absent=...)` in help. */
  readonly absent?: string | undefined;
  /** Shown as `(default=...)` in help, for an optional value. */
  readonly defaultValue?: string | undefined;
  /** An environment variable read when the option is absent. */
  readonly env?: string | undefined;
  /**
   * The Cmdliner argument that checks the option's occurrences (an enumeration's values, say); by
   * default a flag, a string option or a string option with an optional value, after `value` and
   * `repeatable`. Its names must be `names`.
   *
   * @beta
   */
  readonly arg?: Arg<unknown> | undefined;
}

/**
 * One option found on the command line.
 *
 * @public
 */
export interface Occurrence {
  /** The option's id. */
  readonly id: string;
  /** The name as written, with dashes (`-t`, `--target`). */
  readonly name: string;
  /** Its value, if any. */
  readonly value: string | undefined;
}

/**
 * A parsed command line.
 *
 * @public
 */
export interface ParsedOptions {
  /** Options in command-line order. */
  readonly occurrences: readonly Occurrence[];
  /** Positional arguments. */
  readonly positionals: readonly string[];
}

/**
 * A command-line error (exit code 124).
 *
 * @public
 */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** The Cmdliner argument reading an option: its own, else the plain one its `value` and `repeatable` describe. */
function argOf(spec: OptionSpec): Arg<unknown> {
  if (spec.arg !== undefined) {
    if (spec.arg.info.names.join() !== spec.names.join()) {
      throw new TypeError(`the option ${spec.id} is read by an argument named ${spec.arg.info.names.join(", ")}`);
    }
    return spec.arg;
  }
  const names = info(spec.names);
  const repeatable = spec.repeatable === true;
  if (spec.value === "none") return repeatable ? flagAll(names) : flag(names);
  if (spec.value === "optional") return opt(stringConv, "", names, { vopt: spec.defaultValue ?? "" });
  return repeatable ? optAll(stringConv, names) : optional(stringConv, names);
}

/**
 * A command line read against the options, with the complaints of each option about its own
 * occurrences (a missing value, a flag given one, an option repeated, a value its argument refuses).
 *
 * @beta
 */
export interface ScannedOptions extends ParsedOptions {
  /** One message per option that refused its occurrences, in the order of the options. */
  readonly errors: readonly string[];
  /**
   * The messages of the unknown and ambiguous options, which were skipped, in command-line order
   * (without `lenient` they are thrown instead, one line each).
   */
  readonly unknown: readonly string[];
}

/**
 * Reads `args` against `specs` through Cmdliner's scanner, to the end of the line. The occurrences
 * of an option that refuses them are left out (and its message is in `errors`).
 *
 * @throws {@link CliError} naming every unknown or ambiguous option (one line each), unless
 * `lenient` (then they are skipped, and their messages are in `unknown`).
 * @beta
 */
export function scanOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
  options: { readonly lenient?: boolean } = {},
): ScannedOptions {
  const argOfSpec = new Map(specs.map((spec) => [spec, argOf(spec)]));
  const scanned = scanWholeCommandLine(args, indexByName([...argOfSpec.values()]), bareDialect);
  if (scanned.errors.length > 0 && options.lenient !== true) throw new CliError(scanned.errors.join("\n"));
  const found: (Occurrence & { readonly position: number })[] = [];
  const errors: string[] = [];
  for (const [spec, arg] of argOfSpec) {
    const occurrences = scanned.occurrences.get(arg) ?? [];
    const checked = arg.evaluate(occurrences, undefined, bareDialect);
    if (!checked.ok) {
      errors.push(checked.error);
      continue;
    }
    for (const { name, value, position } of occurrences)
      found.push({ id: spec.id, name, value, position: position ?? 0 });
  }
  found.sort((a, b) => a.position - b.position);
  return {
    occurrences: found.map(({ id, name, value }) => ({ id, name, value })),
    positionals: scanned.positionals,
    errors,
    unknown: scanned.errors,
  };
}

/**
 * Parses `args` against `specs`: {@link scanOptions}, failing on the first option's complaint.
 *
 * @throws {@link CliError} in strict mode.
 * @public
 */
export function parseOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
  options: { readonly lenient?: boolean } = {},
): ParsedOptions {
  const { occurrences, positionals, errors } = scanOptions(args, specs, options);
  const [error] = errors;
  if (error !== undefined && options.lenient !== true) throw new CliError(error);
  return { occurrences, positionals };
}

/**
 * The occurrences of one option.
 *
 * @public
 */
export function occurrencesOf(parsed: ParsedOptions, id: string): Occurrence[] {
  return parsed.occurrences.filter((o) => o.id === id);
}

/**
 * The last value of an option, or `undefined`.
 *
 * @public
 */
export function lastValue(parsed: ParsedOptions, id: string): string | undefined {
  const all = occurrencesOf(parsed, id);
  return all[all.length - 1]?.value;
}
