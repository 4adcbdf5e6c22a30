// The project's rule: no line of the tracked TypeScript and JavaScript is over 120 columns. Biome formats
// with lineWidth 120 but breaks no string, template or regex literal and no comment; those are wrapped by
// hand, and this test keeps them so. JSON (package.json descriptions and scripts cannot wrap) and Markdown
// are not code and are left out.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const MAX_COLUMNS = 120;
const EXTENSIONS = [".ts", ".mts", ".cts", ".mjs", ".js", ".cjs"];

/** The tracked files with one of `EXTENSIONS`, relative to the root, that exist in the work tree. */
function trackedSources(): string[] {
  const pathspecs = EXTENSIONS.map((extension) => `*${extension}`);
  const stdout = execFileSync("git", ["ls-files", "-z", "--", ...pathspecs], { cwd: root, encoding: "utf8" });
  // A file deleted but not yet staged is still listed: there is nothing left to measure.
  return stdout.split("\0").filter((path) => path !== "" && existsSync(join(root, path)));
}

/** `file:line (N columns)` for every line of `path` over `MAX_COLUMNS`, columns counted in code points. */
function longLines(path: string): string[] {
  return readFileSync(join(root, path), "utf8")
    .split("\n")
    .flatMap((text, index) => {
      const columns = [...text.replace(/\r$/, "")].length;
      return columns > MAX_COLUMNS ? [`${path}:${index + 1} (${columns} columns)`] : [];
    });
}

describe("line length", () => {
  it(`keeps every line of the tracked ${EXTENSIONS.join(" ")} files at most ${MAX_COLUMNS} columns`, () => {
    const files = trackedSources();
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap(longLines)).toEqual([]);
  });
});
