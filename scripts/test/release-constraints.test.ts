// scripts/release-constraints.mjs on scratch trees: after a release bumps mirage-cli, it moves the
// examples' first-line constraint (and the README's) to the new release series, and `--check` (run by
// `pnpm run checks`) fails, naming the files, until it has; on this repository the constraints are current.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without declarations
import { constraintFor } from "../release-constraints.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const script = join(root, "scripts", "release-constraints.mjs");
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const BODY = 'import { register } from "@mirage-ts/mirage-cli";\n';

function scratch(version: string, examples: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "release-constraints-"));
  made.push(dir);
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write("packages/mirage-cli/package.json", JSON.stringify({ name: "@mirage-ts/mirage-cli", version }));
  write("packages/mirage-cli/README.md", "```ts\n// mirage >= 0.1.0 & < 0.2.0\nimport x;\n```\n");
  for (const [name, config] of Object.entries(examples)) write(`examples/${name}/config.ts`, config);
  return dir;
}

function run(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [script, "--root", dir, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("release-constraints", () => {
  it("names the release series of a version: the minor while 0.x, the major from 1.0", () => {
    expect(constraintFor("0.2.0")).toBe("// mirage >= 0.2.0 & < 0.3.0");
    expect(constraintFor("0.2.7")).toBe("// mirage >= 0.2.0 & < 0.3.0");
    expect(constraintFor("0.10.1")).toBe("// mirage >= 0.10.0 & < 0.11.0");
    expect(constraintFor("1.4.2")).toBe("// mirage >= 1.0.0 & < 2.0.0");
    expect(() => constraintFor("next")).toThrow('mirage-cli\'s version "next" is not semver');
  });

  it("fails --check after a release, then moves the constraints to the new series", () => {
    const dir = scratch("0.2.0", {
      hello: `// mirage >= 0.1.0 & < 0.2.0\n${BODY}`,
      current: `// mirage >= 0.2.0 & < 0.3.0\n${BODY}`,
      free: BODY,
      lower: `// mirage >= 0.1.0\n${BODY}`,
    });
    const checked = run(dir, "--check");
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe(
      "examples/hello/config.ts: // mirage >= 0.1.0 & < 0.2.0 -> // mirage >= 0.2.0 & < 0.3.0\n" +
        "packages/mirage-cli/README.md: // mirage >= 0.1.0 & < 0.2.0 -> // mirage >= 0.2.0 & < 0.3.0\n",
    );
    expect(checked.stderr).toContain("2 constraint(s) are not the release series of mirage-cli 0.2.0");
    expect(readFileSync(join(dir, "examples/hello/config.ts"), "utf8")).toBe(`// mirage >= 0.1.0 & < 0.2.0\n${BODY}`);

    const updated = run(dir);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain(
      "constraints: // mirage >= 0.2.0 & < 0.3.0 (mirage-cli 0.2.0), 2 file(s) updated\n",
    );
    expect(readFileSync(join(dir, "examples/hello/config.ts"), "utf8")).toBe(`// mirage >= 0.2.0 & < 0.3.0\n${BODY}`);
    expect(readFileSync(join(dir, "packages/mirage-cli/README.md"), "utf8")).toBe(
      "```ts\n// mirage >= 0.2.0 & < 0.3.0\nimport x;\n```\n",
    );
    // No constraint, or a one-sided one the author chose, stays as written.
    expect(readFileSync(join(dir, "examples/free/config.ts"), "utf8")).toBe(BODY);
    expect(readFileSync(join(dir, "examples/lower/config.ts"), "utf8")).toBe(`// mirage >= 0.1.0\n${BODY}`);
    expect(run(dir, "--check")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("reports a bad argument with exit 2", () => {
    expect(run(root, "--frobnicate")).toMatchObject({
      code: 2,
      stderr: 'release-constraints: unknown argument "--frobnicate" (expected --check or --root DIR)\n',
    });
  });

  it("finds this repository's constraints current, and `pnpm release:version` runs it after changeset version", () => {
    const current = constraintFor(
      (JSON.parse(readFileSync(join(root, "packages/mirage-cli/package.json"), "utf8")) as { version: string }).version,
    );
    expect(readFileSync(join(root, "examples/hello/config.ts"), "utf8").split("\n")[0]).toBe(current);
    expect(run(root, "--check")).toEqual({ code: 0, stdout: "", stderr: "" });
    const scripts = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts["release:version"]).toBe(
      "changeset version && node scripts/release-constraints.mjs && pnpm install --lockfile-only",
    );
    expect(scripts.checks).toContain("node scripts/release-constraints.mjs --check");
  });
});
