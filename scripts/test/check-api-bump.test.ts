// The semver gate on scratch git repositories: it must fail for a changed export with a patch
// changeset, a required member added to an implemented interface with a patch changeset, and a
// changed src/ with no changeset; and pass with the right levels.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without declarations
import { classify, requiredLevel } from "../check-api-bump.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const script = join(root, "scripts", "check-api-bump.mjs");
const changesetBin = join(root, "node_modules", ".bin", "changeset");
let scratch: string;
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const report = (body: string): string => `## API Report File for "x"\n\n\`\`\`ts\n\n${body}\n\`\`\`\n`;
const flowV1 = report(`// @public\nexport interface Flow {\n    read(): Promise<Uint8Array>;\n}\n`);

function git(...args: string[]): void {
  execFileSync("git", ["-c", "user.email=ci@example.invalid", "-c", "user.name=ci", ...args], { cwd: scratch });
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(scratch, path)), { recursive: true });
  writeFileSync(join(scratch, path), text);
}

/** A released two-package workspace: `types` (implemented interfaces) and `lib`. */
function releasedWorkspace(): void {
  scratch = mkdtempSync(join(tmpdir(), "api-bump-"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: scratch });
  write("package.json", JSON.stringify({ name: "root", private: true }));
  write("pnpm-workspace.yaml", 'packages:\n  - "packages/*"\n');
  cpSync(join(root, ".changeset", "config.json"), join(scratch, ".changeset", "config.json"), { recursive: true });
  for (const [dir, extra] of [
    ["types", { mirage: { api: "implemented" } }],
    ["lib", {}],
  ] as const) {
    write(`packages/${dir}/package.json`, JSON.stringify({ name: `@s/${dir}`, version: "0.3.0", ...extra }, null, 2));
    write(`packages/${dir}/etc/${dir}.api.md`, flowV1);
    write(`packages/${dir}/src/index.ts`, "export {};\n");
  }
  git("add", "-A");
  git("commit", "-qm", "release");
}

function changeset(id: string, releases: Record<string, string>, summary = "change"): void {
  const front = Object.entries(releases)
    .map(([name, type]) => `"${name}": ${type}\n`)
    .join("");
  write(`.changeset/${id}.md`, `---\n${front}---\n\n${summary}\n`);
}

function runCheck(): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, "--root", scratch, "--changeset", changesetBin], { encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("check-api-bump on scratch repositories", () => {
  it("passes when nothing changed", () => {
    releasedWorkspace();
    const { code, out } = runCheck();
    expect(out).toContain("@s/lib: api none, pending none -> ok");
    expect(code).toBe(0);
  }, 60_000);

  it("fails a changed public export with a patch changeset, passes with minor (0.x)", () => {
    releasedWorkspace();
    write(
      "packages/lib/etc/lib.api.md",
      flowV1.replace("read(): Promise<Uint8Array>;", "read(n: number): Promise<Uint8Array>;"),
    );
    write("packages/lib/src/index.ts", "export const changed = 1;\n");
    changeset("lib-change", { "@s/lib": "patch" });
    let r = runCheck();
    expect(r.out).toContain("@s/lib: api breaking; needs minor, changeset gives patch -> FAIL");
    expect(r.code).toBe(1);
    changeset("lib-change", { "@s/lib": "minor" });
    r = runCheck();
    expect(r.out).toContain("@s/lib: api breaking, pending minor -> ok");
    expect(r.code).toBe(0);
  }, 60_000);

  it("fails a required member added to an implemented interface with a patch changeset", () => {
    releasedWorkspace();
    const grown = flowV1.replace(
      "    read(): Promise<Uint8Array>;\n",
      "    read(): Promise<Uint8Array>;\n    close(): Promise<void>;\n",
    );
    write("packages/types/etc/types.api.md", grown);
    write("packages/types/src/index.ts", "export const grown = 1;\n");
    changeset("types-change", { "@s/types": "patch" });
    let r = runCheck();
    expect(r.out).toContain("@s/types: api breaking; needs minor, changeset gives patch -> FAIL");
    expect(r.code).toBe(1);
    changeset("types-change", { "@s/types": "minor" });
    r = runCheck();
    expect(r.code).toBe(0);
  }, 60_000);

  it("treats the same added member as additive where interfaces are not implemented downstream", () => {
    releasedWorkspace();
    const grown = flowV1.replace(
      "    read(): Promise<Uint8Array>;\n",
      "    read(): Promise<Uint8Array>;\n    close(): Promise<void>;\n",
    );
    write("packages/lib/etc/lib.api.md", grown);
    changeset("lib-add", { "@s/lib": "patch" });
    const r = runCheck();
    expect(r.out).toContain("@s/lib: api additive, pending patch -> ok");
    expect(r.code).toBe(0);
  }, 60_000);

  it("fails a changed src/ with no changeset, passes with an empty changeset naming the package", () => {
    releasedWorkspace();
    write("packages/lib/src/index.ts", "export {}; // refactor\n");
    let r = runCheck();
    expect(r.out).toMatch(/@s\/lib: src\/ changed since \w+ but no changeset names it/);
    expect(r.code).toBe(1);
    changeset("lib-internal", {}, "@s/lib: internal refactor, no release");
    r = runCheck();
    expect(r.code).toBe(0);
  }, 60_000);

  it("counts a release commit (version bump) as the new baseline", () => {
    releasedWorkspace();
    write("packages/lib/etc/lib.api.md", flowV1.replace("read()", "read(n: number)"));
    write("packages/lib/package.json", JSON.stringify({ name: "@s/lib", version: "0.4.0" }, null, 2));
    git("add", "-A");
    git("commit", "-qm", "release lib 0.4.0");
    const r = runCheck();
    expect(r.out).toContain("@s/lib: api none, pending none -> ok");
    expect(r.code).toBe(0);
  }, 60_000);
});

describe("classify and requiredLevel", () => {
  it.each([
    ["unchanged", flowV1, flowV1, false, "none"],
    ["comment-only change", flowV1, flowV1.replace("// @public", "// @beta"), false, "none"],
    ["new export", flowV1, flowV1.replace("```\n", "// @public\nexport const x = 1;\n```\n"), true, "additive"],
    [
      "new optional member of implemented interface",
      flowV1,
      flowV1.replace("    read()", "    size?: number;\n    read()"),
      true,
      "additive",
    ],
    [
      "new required member of implemented interface",
      flowV1,
      flowV1.replace("    read()", "    size: number;\n    read()"),
      true,
      "breaking",
    ],
    ["removed export", flowV1, report(""), false, "breaking"],
    [
      "an import of the report spelled `import type`",
      report(`import { Readable } from 'node:stream';\n\n// @public\nexport function f(r: Readable): void;\n`),
      report(`import type { Readable } from 'node:stream';\n\n// @public\nexport function f(r: Readable): void;\n`),
      false,
      "none",
    ],
    ["no earlier report", undefined, flowV1, false, "additive"],
  ])("%s", (_name, before, after, implemented, expected) => {
    expect(classify(before, after, implemented)).toBe(expected);
  });

  it.each([
    ["breaking", "0.4.0", "minor"],
    ["breaking", "1.2.0", "major"],
    ["additive", "0.4.0", "patch"],
    ["additive", "1.2.0", "minor"],
    ["none", "1.2.0", "none"],
  ])("%s at %s needs %s", (change, version, level) => {
    expect(requiredLevel(change, version)).toBe(level);
  });
});
