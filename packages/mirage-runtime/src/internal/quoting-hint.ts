/**
 * Whether, and with which option, the quoting hint follows a bad command line. Upstream prints it
 * after every error and always names `--hello`, an option of its hello-key example that most
 * unikernels lack. The hint is about a value cut in two by a space, or quotes the shell took away,
 * so it is shown only where that can be the cause (a stray word, or a word holding a space or a
 * quote) and names an option that takes a value and that this unikernel has.
 */

import { type Arg, optionName } from "@mirage-ts/cmdliner";
import { delayArg, logsArg, nameArg } from "../builtin-args.js";

// The runtime's own options are in every unikernel: naming one says nothing about this one.
const runtimeOwn: ReadonlySet<Arg<unknown>> = new Set<Arg<unknown>>([delayArg, logsArg, nameArg]);

function longName(arg: Arg<unknown>): string {
  const names = arg.info.names;
  return optionName(names.find((name) => name.length > 1) ?? names[0] ?? "");
}

/** The value-taking option written just before the word `stray` (`--hello=Hello, world!` split in two). */
function optionBefore(args: readonly Arg<unknown>[], argv: readonly string[], stray: string): Arg<unknown> | undefined {
  const previous = argv[argv.indexOf(stray) - 1];
  if (previous === undefined || !previous.startsWith("-") || previous === "--") return undefined;
  const name = previous.startsWith("--") ? previous.split("=")[0] : previous.slice(0, 2);
  return args.find((arg) => arg.syntax !== "flag" && arg.info.names.some((n) => optionName(n) === name));
}

// A space or a quote left in a word: what the second split of the boot parameters would cut or eat.
const QUOTING = /[\s'"]/u;

/**
 * The option the hint names (`--hello`), or none when the hint does not apply: it applies to a stray
 * word (a value a space cut in two) and to a command line with a space or a quote in a word. The
 * option is the one whose value a space cut when the problem is a stray word, else the first option
 * taking a value that the unikernel registered besides the runtime's own, else none.
 *
 * @param args - the registered arguments, in registration order
 * @param stray - the first word that is not an option, if the problem is one
 */
export function quotingHintOption(
  args: readonly Arg<unknown>[],
  argv: readonly string[],
  stray: string | undefined,
): string | undefined {
  if (stray === undefined && !argv.some((word) => QUOTING.test(word))) return undefined;
  const cut = stray === undefined ? undefined : optionBefore(args, argv, stray);
  const chosen = cut ?? args.find((arg) => arg.syntax !== "flag" && !runtimeOwn.has(arg));
  return chosen === undefined ? undefined : longName(chosen);
}
