/**
 * The registry of run-time arguments: `registerArg` at module load, `withArgv` once at boot, then the
 * getters return the parsed values (Functoria_runtime's `register_arg` and `with_argv`).
 *
 * @packageDocumentation
 */

import {
  type Arg,
  type CommandLineOutcome,
  type ExitStatus,
  evaluateCommandLine,
  optionName,
  renderManPage,
  standardArgs,
} from "@mirage-ts/cmdliner";
import { manSectionOrder } from "./arg-info.js";
import { ExitRequest, argumentError, exitStatuses, helpVersion, internalError } from "./exit.js";
import { unmetRequirement } from "./internal/given-requirements.js";
import { internalErrorReport, parseErrorReport } from "./internal/messages.js";
import { quotingHintOption } from "./internal/quoting-hint.js";
import type { Output } from "./output.js";

/**
 * Upstream's message when a getter is read before {@link RuntimeArgs.withArgv} parsed the command line.
 *
 * @public
 */
export const calledTooEarly = "Called too early. Please delay this call to after the start function of the unikernel.";

/**
 * Upstream's message (spelling included) when {@link RuntimeArgs.registerArg} is called after parsing.
 *
 * @public
 */
// One literal continued with `\` at the line end (which adds nothing to the value), not a concatenation: the export
// keeps its literal type.
export const calledTooLate =
  "The function register_arg was called to late. Please call register_arg before the start function is executed \
(e.g. in a top-level binding).";

/**
 * How a unikernel's user passes its arguments, which the report of a bad one speaks of: a command line,
 * or a page's query string (`?hello=Hi` for `--hello=Hi`).
 *
 * @public
 */
export type ArgumentSyntax = "command-line" | "query-string";

/**
 * Options of {@link RuntimeArgs.withArgv}.
 *
 * @public
 */
export interface WithArgvOptions {
  /** What `--version` prints (mirage-cli passes the version of the unikernel's package.json); `unknown` by default. */
  readonly version?: string | undefined;
  /**
   * The exit statuses `--help` lists: those the platform can return (mirage-unix's
   * `unixExitStatuses`); {@link exitStatuses} by default.
   */
  readonly exitStatuses?: readonly ExitStatus[] | undefined;
  /** Reads an environment variable, for arguments whose `info.env` is set; none are read by default. */
  readonly env?: (variable: string) => string | undefined;
  /**
   * How the user passes the arguments, for the report of a bad one: `command-line` (the default:
   * `Try 'hello --help'`, and how to quote a space), or `query-string`, a page's URL whose query is the
   * command line (mirage-browser's `queryArgv`): `Try '?help'`, and a space written `%20`.
   */
  readonly argumentSyntax?: ArgumentSyntax | undefined;
}

interface Slot {
  value: unknown;
}

/**
 * Registered run-time arguments and their values once parsed. Each {@link Runtime} has one; a
 * unikernel uses the default runtime's through {@link registerArg} and {@link withArgv}.
 *
 * @public
 */
export class RuntimeArgs {
  readonly #slots = new Map<Arg<unknown>, Slot>();
  readonly #names = new Map<string, Arg<unknown>>(
    standardArgs.flatMap((arg) => arg.info.names.map((name) => [name, arg] as const)),
  );
  #parsed = false;

  /** Whether {@link RuntimeArgs.withArgv} has parsed the command line. */
  get parsed(): boolean {
    return this.#parsed;
  }

  /** The registered arguments, in registration order. */
  registered(): readonly Arg<unknown>[] {
    return [...this.#slots.keys()];
  }

  /**
   * Registers `arg` and returns the getter of its value. Registering the same `arg` object again
   * returns a getter of the same value, so a shared argument (like `--delay`) may be registered by
   * each module that needs it.
   *
   * @returns a getter that throws {@link calledTooEarly} until the command line is parsed
   * @throws Error with {@link calledTooLate} once the command line is parsed, or if another argument
   * already uses one of `arg`'s names
   */
  registerArg<T>(arg: Arg<T>): () => T {
    if (this.#parsed) throw new Error(calledTooLate);
    let slot = this.#slots.get(arg);
    if (slot === undefined) {
      for (const name of arg.info.names) {
        if (this.#names.has(name)) {
          throw new Error(`Duplicate run-time argument name: ${optionName(name)}`);
        }
      }
      for (const name of arg.info.names) this.#names.set(name, arg);
      slot = { value: undefined };
      this.#slots.set(arg, slot);
    }
    const registered = slot;
    return () => {
      if (!this.#parsed) throw new Error(calledTooEarly);
      return registered.value as T;
    };
  }

  /**
   * Parses `argv` (the arguments without the program name, `process.argv.slice(2)` on Node) for every
   * registered argument, once: later calls do nothing.
   *
   * On `--help` or `--version` it writes the page to `output.out` and throws
   * `ExitRequest(helpVersion)`. On a bad command line it writes `<program>: <problem>`, the usage line
   * and the quoting hint (naming one of the registered options that take a value, or left out if
   * none does) to `output.err` and throws `ExitRequest(argumentError)`; if a converter
   * throws, it reports the exception and throws `ExitRequest(internalError)`.
   *
   * @param program - the unikernel's name, used in messages and the man page
   */
  withArgv(program: string, argv: readonly string[], output: Output, options: WithArgvOptions = {}): void {
    if (this.#parsed) return;
    const args = this.registered();
    let outcome: CommandLineOutcome;
    try {
      outcome = evaluateCommandLine(args, argv, options.env ?? (() => undefined));
    } catch (error) {
      output.err(internalErrorReport(program, error));
      throw new ExitRequest(internalError);
    }
    switch (outcome.kind) {
      case "help":
        output.out(
          renderManPage({
            program,
            args: [...args, ...standardArgs],
            exitStatuses: options.exitStatuses ?? exitStatuses,
            sectionOrder: manSectionOrder,
          }),
        );
        throw new ExitRequest(helpVersion);
      case "version":
        output.out(`${options.version ?? "unknown"}\n`);
        throw new ExitRequest(helpVersion);
      case "error":
        output.err(
          parseErrorReport(
            program,
            outcome.message,
            quotingHintOption(args, argv, outcome.stray),
            options.argumentSyntax,
          ),
        );
        throw new ExitRequest(argumentError);
      case "values": {
        const conflict = unmetRequirement(args, outcome.values, outcome.given);
        if (conflict !== undefined) {
          output.err(`${program}: ${conflict}\n`); // a whole command line that parsed: no usage to recall
          throw new ExitRequest(argumentError);
        }
        args.forEach((arg, i) => {
          const slot = this.#slots.get(arg);
          if (slot !== undefined) slot.value = outcome.values[i];
        });
        this.#parsed = true;
      }
    }
  }
}
