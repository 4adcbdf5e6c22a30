// Strict mode end to end: a suite whose prerequisite is hidden from PATH fails and names it in CI as
// root, and skips with the reason in its title elsewhere.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strictMode } from "../src/index.js";

interface Assertion {
  readonly fullName: string;
  readonly status: string;
  readonly failureMessages: readonly string[];
}

const fixtures = join(import.meta.dirname, "fixtures");
const vitestBin = join(createRequire(import.meta.url).resolve("vitest/package.json"), "..", "vitest.mjs");
let bin = "";
let out = "";

beforeAll(async () => {
  // A PATH with node and sh only: socat, like every other tool, is not found.
  bin = await mkdtemp(join(tmpdir(), "strict-bin-"));
  await symlink(process.execPath, join(bin, "node"));
  await symlink("/bin/sh", join(bin, "sh"));
  out = await mkdtemp(join(tmpdir(), "strict-out-"));
});
afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

/** Runs the fixture suites in a child vitest with `env`; its exit code and its tests' outcomes. */
async function runFixtures(env: Record<string, string>): Promise<{ code: number; tests: Assertion[] }> {
  const report = join(out, `report-${Object.keys(env).join("-")}.json`);
  const { CI: _ci, MIRAGE_TEST_STRICT: _strict, ...inherited } = process.env;
  const code = await new Promise<number>((resolve) => {
    const args = [vitestBin, "run", "--config", join(fixtures, "vitest.config.ts"), "--reporter=json"];
    const options = { env: { ...inherited, ...env, PATH: bin }, cwd: fixtures, timeout: 120_000 };
    execFile(process.execPath, [...args, `--outputFile=${report}`], options, (error) =>
      resolve(error === null ? 0 : typeof error.code === "number" ? error.code : -1),
    );
  });
  const json = JSON.parse(await readFile(report, "utf8")) as { testResults: { assertionResults: Assertion[] }[] };
  return { code, tests: json.testResults.flatMap((file) => file.assertionResults) };
}

describe("strict mode", { timeout: 180_000 }, () => {
  it("is on with CI set as root, off without CI or as another user, and can be forced", () => {
    expect(strictMode({ CI: "true" }, 0)).toBe(true);
    expect(strictMode({ CI: "1" }, 0)).toBe(true);
    expect(strictMode({}, 0)).toBe(false);
    expect(strictMode({ CI: "false" }, 0)).toBe(false);
    expect(strictMode({ CI: "0" }, 0)).toBe(false);
    expect(strictMode({ CI: "true" }, 1000)).toBe(false);
    expect(strictMode({ CI: "true", MIRAGE_TEST_STRICT: "0" }, 0)).toBe(false);
    expect(strictMode({ MIRAGE_TEST_STRICT: "1" }, 1000)).toBe(true);
  });

  it("fails the run and names the missing tool with CI=true as root", async () => {
    // As root this is the CI machine's own condition; as another user only the override can say it.
    const env = process.getuid?.() === 0 ? { CI: "true" } : { MIRAGE_TEST_STRICT: "1" };
    const { code, tests } = await runFixtures(env);
    expect(code).toBe(1);
    const failed = tests.filter((t) => t.status === "failed");
    expect(failed.map((t) => t.fullName).sort()).toEqual([
      "a suite that needs socat has its prerequisites",
      "a test that needs socat",
    ]);
    for (const t of failed)
      expect(t.failureMessages.join("\n")).toContain("socat is not installed (apt-get install socat)");
    expect(tests.find((t) => t.fullName === "a test that needs nothing")?.status).toBe("passed");
  });

  it("skips with the reason in the title without CI", async () => {
    const { code, tests } = await runFixtures({});
    expect(code).toBe(0);
    const reason = "(skipped: socat is not installed (apt-get install socat))";
    expect(tests.filter((t) => t.status !== "passed").map((t) => [t.fullName, t.status])).toEqual([
      [`a suite that needs socat ${reason} runs socat`, "skipped"],
      [`a test that needs socat ${reason}`, "skipped"],
    ]);
  });
});
