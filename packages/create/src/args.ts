/**
 * The command line of `create`: `[DIRECTORY] [--template NAME] [--help]`, parsed without side
 * effects so that every mistake is reported before anything is written.
 */
import { TEMPLATES, type TemplateName, findTemplate } from "./templates/index.js";

/**
 * What the command line asked for.
 *
 * @beta
 */
export interface CreateArgs {
  readonly directory?: string;
  readonly template?: TemplateName;
  readonly help: boolean;
}

/**
 * A mistake on the command line; the message says what was wrong and what is accepted.
 *
 * @beta
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const OPTIONS = ["--template", "--help"];
const NAMES = TEMPLATES.map((t) => t.name);

/** The edit distance of two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** `, did you mean X?` for the closest candidate within two edits, or nothing. */
function suggestion(word: string, candidates: readonly string[]): string {
  const best = candidates
    .map((c) => ({ c, d: distance(word, c) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return best === undefined ? "" : `, did you mean ${best.c}?`;
}

function templateNamed(value: string): TemplateName {
  const template = findTemplate(value);
  if (template === undefined)
    throw new UsageError(
      `unknown template ${JSON.stringify(value)}${suggestion(value, NAMES)} (expected one of ${NAMES.join(", ")})`,
    );
  return template.name;
}

/**
 * Parses the arguments after the command name; throws {@link UsageError}.
 *
 * @beta
 */
export function parseCreateArgs(argv: readonly string[]): CreateArgs {
  let directory: string | undefined;
  let template: TemplateName | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [option, inline] = arg.startsWith("--") ? (arg.split(/=(.*)/s, 2) as [string, string?]) : [arg];
    if (option === "-h" || option === "--help") help = true;
    else if (option === "-t" || option === "--template") {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${option} needs a value: one of ${NAMES.join(", ")}`);
      template = templateNamed(value);
    } else if (arg.startsWith("-") && arg !== "-")
      throw new UsageError(`unknown option ${option}${suggestion(option, OPTIONS)}`);
    else if (directory === undefined) directory = arg;
    else throw new UsageError(`one directory only: got ${JSON.stringify(directory)} and ${JSON.stringify(arg)}`);
  }
  return { help, ...(directory === undefined ? {} : { directory }), ...(template === undefined ? {} : { template }) };
}

/**
 * The `--help` text.
 *
 * @beta
 */
export function usage(): string {
  const width = Math.max(...NAMES.map((n) => n.length)) + 2;
  return [
    "Usage: npm create @mirage-ts [DIRECTORY] -- [--template NAME]",
    "       (also pnpm create @mirage-ts, yarn create @mirage-ts)",
    "",
    "Writes a new mirage-ts unikernel project into DIRECTORY, which must not exist or be empty.",
    "Without DIRECTORY or --template, asks for them on a terminal; elsewhere (a pipe, CI) the directory",
    "is required and the template defaults to hello.",
    "",
    "Templates:",
    ...TEMPLATES.map((t) => `  ${t.name.padEnd(width)}${t.summary}`),
    "",
    "Options:",
    "  -t, --template NAME  the template to start from",
    "  -h, --help           show this help",
    "",
    "Exit status: 0 on success, 1 when the directory cannot be used, 2 on a bad command line.",
    "",
  ].join("\n");
}
