/**
 * The texts of command-line errors, worded as Cmdliner's plain (uncoloured) messages so a unikernel
 * reports bad arguments the way a Mirage one does.
 */

/** `'x'`: how Cmdliner quotes names and values in plain output. */
export function quote(text: string): string {
  return `'${text}'`;
}

/** `'a'`, `either 'a' or 'b'`, `one of 'a', 'b' or 'c'`. */
export function alternatives(choices: readonly string[]): string {
  const quoted = choices.map(quote);
  if (quoted.length === 1) return quoted[0] ?? "";
  if (quoted.length === 2) return `either ${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

/** A converter's complaint about one value. */
export function invalidValue(text: string, expected: string): string {
  return `invalid value ${quote(text)}, expected ${expected}`;
}

/** An enumerated value a typo away from some accepted ones, in the words of {@link unknownOption}. */
export function unknownValue(text: string, hints: readonly string[]): string {
  return `invalid value ${quote(text)}. Did you mean ${alternatives(hints)}?`;
}

export function unknownOption(name: string, hints: readonly string[]): string {
  const suffix = hints.length === 0 ? "" : `. Did you mean ${alternatives(hints)}?`;
  return `unknown option ${quote(name)}${suffix}`;
}

export function optionNeedsValue(name: string): string {
  return `option ${quote(name)} needs an argument`;
}

export function optionParse(name: string, error: string): string {
  return `option ${quote(name)}: ${error}`;
}

export function optionRepeated(first: string, second: string): string {
  return first === second
    ? `option ${quote(first)} cannot be repeated`
    : `options ${quote(first)} and ${quote(second)} cannot be present at the same time`;
}

export function flagWithValue(name: string, value: string): string {
  return `option ${quote(name)} is a flag, it cannot take the argument ${quote(value)}`;
}

export function requiredMissing(name: string): string {
  return `required option ${name} is missing`;
}

export function environmentParse(variable: string, error: string): string {
  return `environment variable ${quote(variable)}: ${error}`;
}

export function tooManyArguments(extra: readonly string[]): string {
  return `too many arguments, don't know what to do with ${extra.map(quote).join(", ")}`;
}

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

/**
 * The block written to standard error after a parsing error; the quoting hint names `hintOption`,
 * and is left out without one.
 */
export function parseErrorReport(program: string, problem: string, hintOption?: string): string {
  return (
    `${program}: ${problem}\n` +
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
