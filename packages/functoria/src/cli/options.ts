/**
 * The command-line parser of the tool, with Cmdliner's rules: long options with `=` or a
 * separate value, unique prefixes of long options, short options with an attached or separate
 * value, `--` ending options; messages in Cmdliner's words. A lenient mode skips what it does
 * not understand, to peek at a few options before the full set is known (upstream
 * `Term.eval_peek_opts`).
 *
 * @packageDocumentation
 */

import {
  ambiguousName,
  bareDialect,
  flagWithValue,
  isOptionLike,
  matchPrefix,
  optionName,
  optionNeedsValue,
  optionRepeated,
  suggestOption,
  unknownOption,
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
  /** The separate values an optional-value option accepts (`--help plain`). */
  readonly optionalValues?: readonly string[] | undefined;
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

/**
 * Parses `args` against `specs`.
 *
 * @throws {@link CliError} in strict mode.
 * @public
 */
export function parseOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
  options: { readonly lenient?: boolean } = {},
): ParsedOptions {
  const lenient = options.lenient === true;
  const byName = new Map<string, OptionSpec>();
  for (const spec of specs) for (const name of spec.names) byName.set(name, spec);
  const longNames = [...byName.keys()].filter((n) => n.length > 1);
  const occurrences: Occurrence[] = [];
  const positionals: string[] = [];
  const fail = (message: string): void => {
    if (!lenient) throw new CliError(message);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!isOptionLike(arg)) {
      positionals.push(arg);
      continue;
    }
    let written: string;
    let inline: string | undefined;
    let spec: OptionSpec | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      written = `--${name}`;
      const found = matchPrefix(name, longNames);
      if (found.kind === "ambiguous") {
        fail(ambiguousName("option", written, found.candidates.map(optionName), bareDialect));
        continue;
      }
      spec = found.kind === "found" ? byName.get(found.name) : undefined;
    } else {
      written = arg.slice(0, 2);
      inline = arg.length > 2 ? arg.slice(2) : undefined;
      spec = byName.get(arg.slice(1, 2));
    }
    if (spec === undefined) {
      fail(unknownOption(written, suggestOption(arg, [...byName.keys()].map(optionName)), bareDialect));
      continue;
    }
    let value = inline;
    if (spec.value === "none" && inline !== undefined) {
      fail(flagWithValue(written, inline, bareDialect));
      continue;
    }
    if (spec.value === "required" && value === undefined) {
      const next = args[i + 1];
      if (next === undefined || isOptionLike(next)) {
        fail(optionNeedsValue(written, bareDialect));
        continue;
      }
      value = next;
      i += 1;
    }
    if (spec.value === "optional" && value === undefined) {
      const next = args[i + 1];
      if (next !== undefined && spec.optionalValues?.includes(next) === true) {
        value = next;
        i += 1;
      }
    }
    if (spec.repeatable !== true) {
      const previous = occurrences.find((o) => o.id === spec.id);
      if (previous !== undefined) {
        fail(optionRepeated(previous.name, written, bareDialect));
        continue;
      }
    }
    occurrences.push({ id: spec.id, name: written, value });
  }
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
