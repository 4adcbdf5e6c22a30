/**
 * What a unikernel writes to standard error after a bad command line or a converter that threw:
 * Cmdliner's report with Mirage's quoting hint.
 */

import { programError, quotedDialect } from "@mirage-ts/cmdliner";
import type { ArgumentSyntax } from "../runtime-args.js";

const quote = quotedDialect.quote;

/**
 * Mirage's hint after a bad argument: boot parameters reach a unikernel through a second shell-like
 * split (the Solo5 and Xen command lines), so spaces need two levels of quoting. Upstream always
 * shows it with `--hello`; here it shows `option` (written `--name`), one the unikernel has.
 */
export function spaceHint(option: string): string {
  return (
    `Hint: To pass a space, it needs to be escaped twice: ${option}='Hello,\\ world!'\n` +
    `      Another possibility is: ${option}='"Hello, world!"'\n`
  );
}

// A page's arguments are its query string (mirage-browser's queryArgv: `?hello=Hi` is `--hello=Hi`): the
// help is `?help`, and a space is written `%20` (no shell splits the words twice).
function queryHint(option: string): string {
  return `Hint: To pass a space, write it %20: ?${option.replace(/^-+/u, "")}=Hello,%20world!\n`;
}

/**
 * The block written to standard error after a parsing error; the quoting hint names `hintOption`,
 * and is left out without one. In a page (`query-string`) the usage and the help are in query terms.
 */
export function parseErrorReport(
  program: string,
  problem: string,
  hintOption?: string,
  syntax: ArgumentSyntax = "command-line",
): string {
  if (syntax === "query-string") {
    const example =
      hintOption === undefined ? "" : ` (?${hintOption.replace(/^-+/u, "")}=VALUE is ${hintOption}=VALUE)`;
    return (
      `${programError(program, problem)}\n` +
      `Usage: the page's query string, ?OPTION=VALUE&OPTION…${example}\n` +
      `Try ${quote("?help")} for more information.\n` +
      (hintOption === undefined ? "" : queryHint(hintOption))
    );
  }
  return (
    `${programError(program, problem)}\n` +
    `Usage: ${program} [OPTION]…\n` +
    `Try ${quote(`${program} --help`)} for more information.\n` +
    (hintOption === undefined ? "" : spaceHint(hintOption))
  );
}

/** The block written to standard error when a converter or argument threw instead of reporting. */
export function internalErrorReport(program: string, error: unknown): string {
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return `${program}: internal error, uncaught exception:\n${detail}\n`;
}
