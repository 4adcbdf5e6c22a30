/**
 * The plain-text man page printed by `--help`: NAME, SYNOPSIS, the arguments grouped by section in
 * Mirage's order, then EXIT STATUS.
 */

import type { Arg } from "../arg.js";
import { manSectionOrder, sections } from "../arg-info.js";
import type { ExitStatus } from "../exit.js";
import { optionName } from "./option-name.js";
import { fill, indent } from "./text.js";

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

/** Section titles in display order: Mirage's, then the others as first used, then COMMON OPTIONS. */
function orderedSections(args: readonly Arg<unknown>[]): string[] {
  const used = new Set(args.map((arg) => arg.info.docs));
  const known = new Set([...manSectionOrder, sections.common]);
  return [
    ...manSectionOrder.filter((section) => used.has(section)),
    ...[...used].filter((section) => !known.has(section)),
    ...(used.has(sections.common) ? [sections.common] : []),
  ];
}

/** Renders the man page of `program` documenting `args` (the standard options included) and `statuses`. */
export function renderManPage(program: string, args: readonly Arg<unknown>[], statuses: readonly ExitStatus[]): string {
  const lines = ["NAME", ...paragraph(program), "SYNOPSIS", ...paragraph(`${program} [OPTION]…`)];
  for (const section of orderedSections(args)) {
    const members = args
      .filter((arg) => arg.info.docs === section)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    lines.push(section);
    for (const arg of members) lines.push(...item(label(arg), arg.info.doc));
  }
  lines.push("EXIT STATUS", ...paragraph(`${program} exits with:`));
  for (const status of statuses) lines.push(...item(String(status.code), status.doc));
  return `${lines.join("\n")}\n`;
}
