/**
 * The tool's command line (upstream `Cli`): the sub-commands `configure`, `query`, `describe`,
 * `clean` and `help`, plus those the tool adds (unique prefixes accepted), the common options,
 * and the configure-time keys of the configuration as extra options. Parsing yields a {@link ToolCommand}, a text to
 * print (help pages, `help topics`, `--version`) or an error.
 *
 * @packageDocumentation
 */

import {
  alternatives,
  ambiguousName,
  ambiguousValue,
  bareDialect,
  matchPrefix,
  optionName,
  requiredMissing,
  suggest,
  tooManyArguments,
  unknownValue,
} from "@mirage-ts/cmdliner";
import type { Generator } from "../codegen/filegen.js";
import { Context } from "../dsl/context.js";
import { conv } from "../dsl/converter.js";
import type { AnyKey } from "../dsl/key.js";
import { commandPage, mainPage } from "./help-pages.js";
import {
  CliError,
  type OptionSpec,
  type ParsedOptions,
  lastValue,
  occurrencesOf,
  parseOptions,
  scanOptions,
} from "./options.js";
import {
  COLORS,
  COMMANDS,
  DOT_SPECS,
  EVAL_SPECS,
  type Parser,
  S_COMMON,
  S_OPTIONS,
  VERBOSITIES,
  keyId,
  makeParser,
  specsFor,
} from "./specs.js";

/**
 * The sub-commands of the engine.
 *
 * @public
 */
export type CommandName = "clean" | "configure" | "describe" | "help" | "query";

/**
 * The documentation of a sub-command the tool adds (see `Builder.commands`).
 *
 * @public
 */
export interface CommandDoc {
  /** The command name. */
  readonly name: string;
  /** One line for the list of commands. */
  readonly doc: string;
  /** The paragraphs of its help page. */
  readonly description?: readonly string[] | undefined;
}

/**
 * Logging verbosity (`-q`, `-v`, `-v -v`, `--verbosity`).
 *
 * @public
 */
export type Verbosity = "quiet" | "error" | "warning" | "info" | "debug";

/**
 * Options common to every sub-command (upstream `Cli.args`).
 *
 * @public
 */
export interface CommonArgs {
  /** `-f`, `--file`, `--config-file` (default `config.ts`). */
  readonly configFile: string;
  /** `--context-file`, when given (default: `<config dir>/<tool>/context`). */
  readonly contextFile: string | undefined;
  /** `-o`, `--output`. */
  readonly output: string | undefined;
  /** `--dry-run`. */
  readonly dryRun: boolean;
  /** From `-q`, `-v` and `--verbosity`. */
  readonly verbosity: Verbosity;
  /** `--color`. */
  readonly color: "auto" | "always" | "never";
}

/**
 * A parsed sub-command with its arguments and the context of the keys given.
 *
 * @public
 */
export type ToolCommand =
  | { readonly command: "configure"; readonly args: CommonArgs; readonly context: Context }
  | { readonly command: "query"; readonly args: CommonArgs; readonly context: Context; readonly kind: string }
  | {
      readonly command: "describe";
      readonly args: CommonArgs;
      readonly context: Context;
      /** `--eval` (true) or `--no-eval` (false); the last given wins. */
      readonly eval: boolean | undefined;
      /** `--dot`. */
      readonly dot: boolean;
      /** `--dot-command`: the viewer of the graph when no `-o` is given; none by default (the dot text is printed). */
      readonly dotCommand: string | undefined;
    }
  | { readonly command: "clean"; readonly args: CommonArgs; readonly context: Context }
  | {
      readonly command: "tool";
      /** The name of the tool's command (see `Builder.commands`). */
      readonly name: string;
      readonly args: CommonArgs;
      readonly context: Context;
    };

/**
 * The outcome of parsing a command line.
 *
 * @public
 */
export type CommandLine =
  | { readonly kind: "run"; readonly command: ToolCommand }
  | { readonly kind: "print"; readonly text: string }
  | { readonly kind: "error"; readonly message: string; readonly usage: string };

/**
 * Settings of {@link parseCommandLine}.
 *
 * @public
 */
export interface CommandLineSettings {
  /** The tool's name and version. */
  readonly tool: Generator;
  /** The keys of the configuration (none when there is no configuration file). */
  readonly keys?: readonly AnyKey[] | undefined;
  /** The accepted `query` kinds; the first is the default. */
  readonly queryKinds: readonly string[];
  /** Environment variables, for keys declaring one. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The default configuration file name (`config.ts`). */
  readonly defaultConfigFile?: string | undefined;
  /** The sub-commands the tool adds. */
  readonly commands?: readonly CommandDoc[] | undefined;
}

/**
 * The usage lines printed after a command-line error.
 *
 * @public
 */
export function commandUsage(tool: string, command: string | undefined): string {
  if (command === undefined) return `Usage: ${tool} COMMAND …\nTry '${tool} --help' for more information.`;
  return (
    `Usage: ${tool} ${command} [OPTION]…\n` +
    `Try '${tool} ${command} --help' or '${tool} --help' for more information.`
  );
}

/** The word given to the option `--<id>`, one of `words`; `undefined` when absent or (in a lenient read) invalid. */
function wordOf<const W extends string>(parsed: ParsedOptions, id: string, words: readonly W[]): W | undefined {
  const text = lastValue(parsed, id);
  if (text === undefined) return undefined;
  const found = conv.enumeration(words.map((word) => [word, word] as const)).parse(text);
  return found.ok ? found.value : undefined;
}

function verbosityOf(parsed: ParsedOptions): Verbosity {
  if (occurrencesOf(parsed, "quiet").length > 0) return "quiet";
  const level = wordOf(parsed, "verbosity", VERBOSITIES);
  if (level !== undefined) return level;
  const v = occurrencesOf(parsed, "verbose").length;
  return v === 0 ? "warning" : v === 1 ? "info" : "debug";
}

/** The common options; their values were checked by {@link scanOptions} (or are read leniently). */
function commonArgs(parsed: ParsedOptions, defaultConfigFile: string): CommonArgs {
  return {
    configFile: lastValue(parsed, "config-file") ?? defaultConfigFile,
    contextFile: lastValue(parsed, "context-file"),
    output: lastValue(parsed, "output"),
    dryRun: occurrencesOf(parsed, "dry-run").length > 0,
    verbosity: verbosityOf(parsed),
    color: wordOf(parsed, "color", COLORS) ?? "auto",
  };
}

/**
 * Builds the context of the keys found on a command line (and in the environment).
 *
 * @throws {@link CliError} for an invalid value, unless `lenient`.
 * @public
 */
export function keyContext(
  parsed: ParsedOptions,
  keys: readonly AnyKey[],
  options: {
    readonly env?: Readonly<Record<string, string | undefined>> | undefined;
    readonly lenient?: boolean | undefined;
  } = {},
): Context {
  let context = Context.empty;
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.name)) continue;
    seen.add(k.name);
    const occurrences = occurrencesOf(parsed, keyId(k));
    const envVar = k.arg.info.env;
    const fromEnv = envVar === undefined ? undefined : options.env?.[envVar];
    // A key neither given nor in the environment stays out of the context: it takes its default.
    if (occurrences.length === 0 && fromEnv === undefined) continue;
    const evaluated = k.arg.evaluate(occurrences, fromEnv, bareDialect);
    if (evaluated.ok) context = context.add(k, evaluated.value);
    else if (options.lenient !== true) throw new CliError(evaluated.error);
  }
  return context;
}

/**
 * The error for the first required key absent from a context, if any:
 * `required option --name is missing`.
 *
 * @public
 */
export function missingRequiredKey(context: Context, keys: readonly AnyKey[]): string | undefined {
  const missing = keys.find((k) => k.arg.kind === "required" && !context.mem(k));
  if (missing === undefined) return undefined;
  const names = missing.arg.info.names;
  return requiredMissing(optionName(names.find((n) => n.length > 1) ?? names[0] ?? missing.name));
}

/**
 * Finds the sub-command named by the first argument (a unique prefix is enough) among the
 * engine's commands and `extra` ones.
 *
 * @returns `undefined` when the first argument is an option (the default command).
 * @throws {@link CliError} for an unknown or ambiguous command.
 * @public
 */
export function findCommand(argv: readonly string[], extra: readonly string[] = []): string | undefined {
  const first = argv[0];
  if (first === undefined || first.startsWith("-")) return undefined;
  const names = [...COMMANDS, ...extra].sort();
  const found = matchPrefix(first, names);
  if (found.kind === "found") return found.name;
  if (found.kind === "ambiguous") throw new CliError(ambiguousName("command", first, found.candidates, bareDialect));
  const hints = suggest(first, names);
  const hint =
    hints.length > 0
      ? bareDialect.didYouMean(alternatives(hints, bareDialect))
      : `, must be ${alternatives(names, bareDialect)}`;
  throw new CliError(`unknown command ${first}${hint}`);
}

/** The name among `names` that a positional argument (`what`, e.g. `TOPIC`) gives, a unique prefix accepted. */
function positionalChoice(positional: string, names: readonly string[], what: string): string {
  const found = matchPrefix(positional, names);
  if (found.kind === "found") return found.name;
  const why =
    found.kind === "ambiguous"
      ? ambiguousValue(positional, found.candidates, bareDialect)
      : unknownValue(positional, suggest(positional, names), alternatives(names, bareDialect), bareDialect);
  throw new CliError(`${what} argument: ${why}`);
}

function extraNames(settings: CommandLineSettings): string[] {
  return (settings.commands ?? []).map((c) => c.name);
}

/**
 * Parses the common options and the keys without failing on anything else (upstream
 * `Cli.peek_args`): what the tool needs before it can load the configuration.
 *
 * @public
 */
export function peekCommandLine(
  argv: readonly string[],
  settings: CommandLineSettings,
): {
  readonly command: string | undefined;
  readonly args: CommonArgs;
  readonly eval: boolean | undefined;
  readonly context: Context;
} {
  let command: string | undefined;
  try {
    command = findCommand(argv, extraNames(settings));
  } catch {
    command = undefined;
  }
  const p = makeParser(settings);
  const rest = command === undefined ? argv : argv.slice(1);
  const parsed = parseOptions(rest, [...p.common, ...EVAL_SPECS, ...DOT_SPECS, ...p.keys], { lenient: true });
  const args = commonArgs(parsed, settings.defaultConfigFile ?? "config.ts");
  const evals = parsed.occurrences.filter((o) => o.id === "eval" || o.id === "no-eval");
  const last = evals[evals.length - 1];
  return {
    command,
    args,
    eval: last === undefined ? undefined : last.id === "eval",
    context: keyContext(parsed, settings.keys ?? [], { env: settings.env, lenient: true }),
  };
}

/**
 * The key values saved in a context cache (a command line starting with its sub-command): other
 * options are skipped, but an invalid key value is an error, like upstream's
 * `option -t: invalid value nonexistent, expected either y or x`.
 *
 * @throws {@link CliError} for an invalid value.
 * @public
 */
export function cachedKeyContext(argv: readonly string[], settings: CommandLineSettings): Context {
  const p = makeParser(settings);
  let rest = argv;
  try {
    if (findCommand(argv, extraNames(settings)) !== undefined) rest = argv.slice(1);
  } catch {
    rest = argv.slice(1);
  }
  const parsed = parseOptions(rest, [...p.common, ...EVAL_SPECS, ...DOT_SPECS, ...p.keys], { lenient: true });
  return keyContext(parsed, settings.keys ?? [], {});
}

function tooMany(extra: readonly string[]): CliError {
  return new CliError(tooManyArguments(extra, bareDialect));
}

/**
 * Reads a command line against `specs` in Cmdliner's order: `--help` and `--version` anywhere on the
 * line win, else the unknown options are the error (one line each), else stray words beyond `maxPositionals`,
 * else the first option that refuses its occurrences.
 */
function readOptions(
  rest: readonly string[],
  specs: readonly OptionSpec[],
  maxPositionals: number,
): ParsedOptions | "help" | "version" {
  const { errors, unknown, ...parsed } = scanOptions(rest, specs, { lenient: true });
  if (occurrencesOf(parsed, "help").length > 0) return "help";
  if (occurrencesOf(parsed, "version").length > 0) return "version";
  if (unknown.length > 0) throw new CliError(unknown.join("\n"));
  if (parsed.positionals.length > maxPositionals) throw tooMany(parsed.positionals.slice(maxPositionals));
  const [error] = errors;
  if (error !== undefined) throw new CliError(error);
  return parsed;
}

function parseCommand(p: Parser, settings: CommandLineSettings, command: string, rest: readonly string[]): CommandLine {
  const parsed = readOptions(rest, specsFor(p, command), p.defs[command]?.positional === undefined ? 0 : 1);
  if (parsed === "help") return { kind: "print", text: commandPage(p, command) };
  if (parsed === "version") return { kind: "print", text: `${p.tool.version}\n` };
  const args = commonArgs(parsed, settings.defaultConfigFile ?? "config.ts");
  const positional = parsed.positionals[0];
  if (command === "help") {
    if (positional === undefined) return { kind: "print", text: mainPage(p) };
    const topic = positionalChoice(positional, [...p.commands, "topics"], "TOPIC");
    if (topic === "topics") return { kind: "print", text: `${p.commands.join("\n")}\n` };
    return { kind: "print", text: commandPage(p, topic) };
  }
  const context = keyContext(parsed, settings.keys ?? [], { env: settings.env });
  switch (command) {
    case "query": {
      const kind =
        positional === undefined
          ? (settings.queryKinds[0] ?? "")
          : positionalChoice(positional, settings.queryKinds, "INFO");
      return { kind: "run", command: { command, args, context, kind } };
    }
    case "describe": {
      const evals = parsed.occurrences.filter((o) => o.id === "eval" || o.id === "no-eval");
      const last = evals[evals.length - 1];
      return {
        kind: "run",
        command: {
          command,
          args,
          context,
          eval: last === undefined ? undefined : last.id === "eval",
          dot: occurrencesOf(parsed, "dot").length > 0,
          dotCommand: lastValue(parsed, "dot-command"),
        },
      };
    }
    case "configure":
    case "clean":
      return { kind: "run", command: { command, args, context } };
    default:
      return { kind: "run", command: { command: "tool", name: command, args, context } };
  }
}

/**
 * Parses a command line (without the tool name).
 *
 * @public
 */
export function parseCommandLine(argv: readonly string[], settings: CommandLineSettings): CommandLine {
  let command: string | undefined;
  try {
    command = findCommand(argv, extraNames(settings));
    const p = makeParser(settings);
    if (command !== undefined) return parseCommand(p, settings, command, argv.slice(1));
    const common = p.common.filter((s) => s.section === S_COMMON || s.section === S_OPTIONS);
    const parsed = readOptions(argv, common, 0);
    if (parsed === "version") return { kind: "print", text: `${p.tool.version}\n` };
    return { kind: "print", text: mainPage(p) };
  } catch (e) {
    if (e instanceof CliError)
      return { kind: "error", message: e.message, usage: commandUsage(settings.tool.name, command) };
    throw e;
  }
}
