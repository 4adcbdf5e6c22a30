/**
 * Evaluates a program's arguments against a command line, without side effects: the caller
 * decides what to print and which exit status to request.
 *
 * @packageDocumentation
 */

import type { Arg } from "./arg.js";
import { indexByName, scanWholeCommandLine } from "./command-line.js";
import { tooManyArguments } from "./messages.js";
import { helpArg, standardArgs, versionArg } from "./standard-options.js";

/**
 * What the command line asks for.
 *
 * @beta
 */
export type CommandLineOutcome =
  | {
      readonly kind: "values";
      readonly values: readonly unknown[];
      /** For each argument, whether the command line gave it (a default is not given). */
      readonly given: readonly boolean[];
    }
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "error"; readonly message: string; readonly stray?: string | undefined };

/**
 * Evaluates `args` on `argv`. The order of checks is Cmdliner's: `--help` and `--version` anywhere
 * on the line first (they win over unknown options and bad values elsewhere; a bad `--help=FMT` is
 * the error), then every unknown or ambiguous option (one per line), then stray words, then each
 * argument in registration order, the first of these errors being reported.
 *
 * Converters that throw are bugs: the exception propagates.
 *
 * @beta
 */
export function evaluateCommandLine(
  args: readonly Arg<unknown>[],
  argv: readonly string[],
  environment: (variable: string) => string | undefined,
): CommandLineOutcome {
  // Cmdliner scans the whole line, then looks for the standard options before reporting what it skipped.
  const { occurrences, positionals, errors } = scanWholeCommandLine(argv, indexByName([...standardArgs, ...args]));
  const evaluate = <T>(arg: Arg<T>) =>
    arg.evaluate(occurrences.get(arg) ?? [], arg.info.env === undefined ? undefined : environment(arg.info.env));

  for (const [standard, kind] of [
    [helpArg, "help"],
    [versionArg, "version"],
  ] as const) {
    const wanted = evaluate(standard);
    if (!wanted.ok) return { kind: "error", message: wanted.error };
    if (wanted.value) return { kind };
  }
  // Every unknown or ambiguous option, one per line, as Cmdliner reports them.
  if (errors.length > 0) return { kind: "error", message: errors.join("\n") };
  const [stray] = positionals;
  if (stray !== undefined) return { kind: "error", message: tooManyArguments(positionals), stray };

  const values: unknown[] = [];
  for (const arg of args) {
    const value = evaluate(arg);
    if (!value.ok) return { kind: "error", message: value.error };
    values.push(value.value);
  }
  return { kind: "values", values, given: args.map((arg) => (occurrences.get(arg)?.length ?? 0) > 0) };
}
