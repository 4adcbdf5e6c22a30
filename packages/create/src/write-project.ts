/**
 * Writing the files of a new project into its directory, which must be new or empty: a project is
 * never mixed into existing files.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Why a directory cannot take a new project (it is a file, or holds something), or `undefined`.
 *
 * @beta
 */
export function unusableDirectory(directory: string): string | undefined {
  let entries: string[];
  try {
    if (!statSync(directory).isDirectory()) return `${directory} exists and is not a directory`;
    entries = readdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return `${directory} cannot be read: ${(error as Error).message}`;
  }
  if (entries.length === 0) return undefined;
  const shown = entries.sort().slice(0, 3).join(", ");
  const more = entries.length > 3 ? ` and ${entries.length - 3} more` : "";
  return `${directory} is not empty (it holds ${shown}${more}): name a new directory, or empty this one first`;
}

/**
 * Writes `files` (relative paths) below `directory`, making the directories on the way.
 *
 * @beta
 */
export function writeProject(directory: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    const target = join(directory, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text, { flag: "wx" });
  }
}
