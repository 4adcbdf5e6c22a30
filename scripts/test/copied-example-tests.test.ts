// The examples' tests are written to be copied into a project of one's own (examples/sim-tcp-echo-bug's
// README), where this repository's vitest.config.ts, and its 60 s test limit, do not follow: vitest's
// default of 5 s then stops a seed search midway. So each of their tests states its own time limit.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const files = readdirSync(join(root, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => {
    const dir = join(root, "examples", d.name, "test");
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => join("examples", d.name, "test", f));
    } catch {
      return [];
    }
  });

describe("the examples' tests", () => {
  it("include sim-tcp-echo-bug's", () => {
    expect(files).toContain(join("examples", "sim-tcp-echo-bug", "test", "planted-bug.test.ts"));
  });

  it.each(files)("%s gives each test its own time limit", (file) => {
    const text = readFileSync(join(root, file), "utf8");
    const tests = [...text.matchAll(/^\s*(?:it|test)\((?:[^\n]*)$/gmu)].map((m) => m[0].trim());
    expect(tests.length).toBeGreaterThan(0);
    expect(tests.filter((line) => !/\{ timeout: [\w.]+ \}/u.test(line))).toEqual([]);
  });
});
