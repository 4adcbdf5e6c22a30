// The project's rule: no source file of a package is over 600 lines, so that a module stays one concept
// a reader can hold. The files still over it are listed with the work that splits them; a listed file
// that has come under the limit fails too, so the list only shrinks.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const MAX_LINES = 600;

/** Files over the limit today, each with what will split it. */
const KNOWN_OVER: Readonly<Record<string, string>> = {};

function sourceFiles(): string[] {
  const stdout = execFileSync("git", ["ls-files", "-z", "--", "packages/*/src/*.ts", "packages/*/src/**/*.ts"], {
    cwd: root,
    encoding: "utf8",
  });
  return stdout.split("\0").filter((path) => path !== "" && existsSync(join(root, path)));
}

function lineCount(path: string): number {
  return readFileSync(join(root, path), "utf8").replace(/\n$/u, "").split("\n").length;
}

describe("source size", () => {
  it(`keeps every source file of packages/*/src at most ${MAX_LINES} lines`, () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(0);
    const over = files.filter((path) => lineCount(path) > MAX_LINES && KNOWN_OVER[path] === undefined);
    expect(over.map((path) => `${path} (${lineCount(path)} lines)`)).toEqual([]);
  });

  it("lists only files still over the limit", () => {
    const done = Object.keys(KNOWN_OVER).filter(
      (path) => !existsSync(join(root, path)) || lineCount(path) <= MAX_LINES,
    );
    expect(done, "remove these from KNOWN_OVER").toEqual([]);
  });
});
