/**
 * Plain-text manual pages in the layout of Cmdliner's `--help=plain`: section titles flush
 * left, paragraphs indented by 7 columns, option labels by 7 and their documentation by 11,
 * wrapped at 80 columns.
 *
 * @packageDocumentation
 */

import { fill, indent, optionName } from "@mirage-ts/cmdliner";
import type { OptionSpec } from "./options.js";

/**
 * A block of a manual section.
 *
 * @public
 */
export type ManBlock =
  | { readonly kind: "paragraph"; readonly text: string }
  | { readonly kind: "item"; readonly label: string; readonly text: string };

/**
 * A manual section.
 *
 * @public
 */
export interface ManSection {
  /** The title, e.g. `DESCRIPTION`. */
  readonly title: string;
  /** Its blocks. */
  readonly blocks: readonly ManBlock[];
}

const WIDTH = 80;

function wrap(text: string, columns: number): string[] {
  return text.trim() === "" ? [] : fill(text, indent(columns), indent(columns), WIDTH);
}

/**
 * Renders sections as plain text.
 *
 * @public
 */
export function renderMan(sections: readonly ManSection[]): string {
  const out: string[] = [];
  for (const section of sections) {
    if (section.blocks.length === 0) continue;
    out.push(section.title);
    section.blocks.forEach((block, i) => {
      if (i > 0) out.push("");
      if (block.kind === "paragraph") out.push(...wrap(block.text, 7));
      else {
        out.push(...wrap(block.label, 7));
        if (block.text !== "") out.push(...wrap(block.text, 11));
      }
    });
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

function optionLabel(spec: OptionSpec): string {
  const docv = spec.docv ?? "VAL";
  const names = spec.names.map((n) => {
    const dashed = optionName(n);
    if (spec.value === "none") return dashed;
    if (spec.value === "optional") return `${dashed}[=${docv}]`;
    return n.length === 1 ? `${dashed} ${docv}` : `${dashed}=${docv}`;
  });
  const notes: string[] = [];
  if (spec.defaultValue !== undefined) notes.push(`default=${spec.defaultValue}`);
  if (spec.absent !== undefined && spec.env !== undefined) notes.push(`absent=${spec.absent} or ${spec.env} env`);
  else if (spec.absent !== undefined) notes.push(`absent=${spec.absent}`);
  else if (spec.env !== undefined) notes.push(`absent ${spec.env} env`);
  return `${names.join(", ")}${notes.length === 0 ? "" : ` (${notes.join(", ")})`}`;
}

/**
 * The option items of one help section, sorted by name.
 *
 * @public
 */
export function optionItems(specs: readonly OptionSpec[]): ManBlock[] {
  const sortKey = (s: OptionSpec): string => (s.names[0] ?? "").toLowerCase();
  return [...specs]
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
    .map((spec) => ({ kind: "item", label: optionLabel(spec), text: spec.doc ?? "" }));
}
