/**
 * The plain-text man page printed by `--help`: NAME, SYNOPSIS, the arguments grouped by section in
 * the program's order, then EXIT STATUS.
 *
 * @packageDocumentation
 */

import type { Arg } from "./arg.js";
import { optionName } from "./option-name.js";
import { commonOptionsSection } from "./standard-options.js";
import { fill, indent } from "./text.js";

/**
 * One documented exit status, as listed in the EXIT STATUS section of `--help` (Cmdliner's
 * `Cmd.Exit.info`).
 *
 * @public
 */
export interface ExitStatus {
  /** The process exit code. */
  readonly code: number;
  /** What the code means, completing "<name> exits with: <code> …". */
  readonly doc: string;
}

/**
 * What {@link renderManPage} documents.
 *
 * @beta
 */
export interface ManPage {
  /** The program's name. */
  readonly program: string;
  /** Its arguments, the standard options included. */
  readonly args: readonly Arg<unknown>[];
  /** Its exit statuses, in the order listed. */
  readonly exitStatuses: readonly ExitStatus[];
  /**
   * The order of the sections of arguments; sections not listed follow in the order of their first
   * argument, then COMMON OPTIONS.
   */
  readonly sectionOrder: readonly string[];
  /** The section of an argument whose `info.docs` is absent; `OPTIONS` by default. */
  readonly defaultSection?: string;
}

// Cmdliner's layout: paragraphs and labels at column 7, item text 4 columns further.
const paragraphIndent = 7;
const labelIndent = 4;

function paragraph(text: string): string[] {
  return [...fill(text, indent(paragraphIndent), indent(paragraphIndent)), ""];
}

/** A labelled item; a label shorter than the item indent shares its line with the text. */
function item(label: string, text: string): string[] {
  const textPrefix = indent(paragraphIndent + labelIndent);
  const labelLine = indent(paragraphIndent) + label;
  if (text === "") return [labelLine, ""];
  if (label.length < labelIndent) {
    return [...fill(text, labelLine.padEnd(textPrefix.length), textPrefix), ""];
  }
  return [labelLine, ...fill(text, textPrefix, textPrefix), ""];
}

function nameWithValue(name: string, arg: Arg<unknown>): string {
  const written = optionName(name);
  const short = name.length === 1;
  switch (arg.syntax) {
    case "flag":
      return written;
    case "value":
      return short ? `${written} ${arg.docv}` : `${written}=${arg.docv}`;
    case "optional-value":
      return short ? `${written}[${arg.docv}]` : `${written}[=${arg.docv}]`;
  }
}

/** `-l LEVEL, --logs=LEVEL (absent=)`: short names first, as Cmdliner lists them. */
function label(arg: Arg<unknown>): string {
  const names = [...arg.info.names].sort((a, b) => Number(a.length > 1) - Number(b.length > 1));
  const written = names.map((name) => nameWithValue(name, arg)).join(", ");
  return arg.note === "" ? written : `${written} (${arg.note})`;
}

function sortKey(arg: Arg<unknown>): string {
  const names = arg.info.names;
  return (names.find((name) => name.length > 1) ?? names[0] ?? "").toLowerCase();
}

/** Section titles in display order: the given order, then the others as first used, then COMMON OPTIONS. */
function orderedSections(used: ReadonlySet<string>, order: readonly string[]): string[] {
  const known = new Set([...order, commonOptionsSection]);
  return [
    ...order.filter((section) => used.has(section)),
    ...[...used].filter((section) => !known.has(section)),
    ...(used.has(commonOptionsSection) ? [commonOptionsSection] : []),
  ];
}

/**
 * Renders a program's man page in Cmdliner's plain layout.
 *
 * @beta
 */
export function renderManPage(page: ManPage): string {
  const { program, args } = page;
  const sectionOf = (arg: Arg<unknown>) => arg.info.docs ?? page.defaultSection ?? "OPTIONS";
  const lines = ["NAME", ...paragraph(program), "SYNOPSIS", ...paragraph(`${program} [OPTION]…`)];
  for (const section of orderedSections(new Set(args.map(sectionOf)), page.sectionOrder)) {
    const members = args
      .filter((arg) => sectionOf(arg) === section)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    lines.push(section);
    for (const arg of members) lines.push(...item(label(arg), arg.info.doc ?? ""));
  }
  lines.push("EXIT STATUS", ...paragraph(`${program} exits with:`));
  for (const status of page.exitStatuses) lines.push(...item(String(status.code), status.doc));
  return `${lines.join("\n")}\n`;
}
