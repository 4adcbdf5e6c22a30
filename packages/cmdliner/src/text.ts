/**
 * Filling words into indented lines, as Cmdliner's plain man pages do (Format's 78-column margin).
 *
 * @packageDocumentation
 */

/**
 * The longest line a filled paragraph may have by default.
 *
 * @beta
 */
export const maxLineLength = 77;

/**
 * Fills the words of `text` into lines of at most `width` characters: the first starts with
 * `firstPrefix`, the others with `restPrefix`. A word longer than a line gets a line of its own.
 *
 * @beta
 */
export function fill(text: string, firstPrefix: string, restPrefix: string, width = maxLineLength): string[] {
  const lines: string[] = [];
  let line = firstPrefix;
  let empty = true;
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = restPrefix;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * `n` spaces.
 *
 * @beta
 */
export function indent(n: number): string {
  return " ".repeat(n);
}
