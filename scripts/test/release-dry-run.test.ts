// Release dry run: on a scratch copy of the workspace manifests and changesets config,
// `changeset version` must produce the expected versions, changelogs and dependent bumps.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const changesetBin = join(root, "node_modules", ".bin", "changeset");
const dirs = readdirSync(join(root, "packages")).filter((d) => existsSync(join(root, "packages", d, "package.json")));
let scratch: string;

type Manifest = { name: string; version: string; dependencies?: Record<string, string> };
const manifest = (base: string, dir: string): Manifest =>
  JSON.parse(readFileSync(join(base, "packages", dir, "package.json"), "utf8")) as Manifest;
const nameToDir = new Map(dirs.map((d) => [manifest(root, d).name, d]));

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "release-dry-run-"));
  cpSync(join(root, "package.json"), join(scratch, "package.json"));
  cpSync(join(root, "pnpm-workspace.yaml"), join(scratch, "pnpm-workspace.yaml"));
  mkdirSync(join(scratch, ".changeset"));
  cpSync(join(root, ".changeset", "config.json"), join(scratch, ".changeset", "config.json"));
  for (const dir of dirs) {
    mkdirSync(join(scratch, "packages", dir), { recursive: true });
    cpSync(join(root, "packages", dir, "package.json"), join(scratch, "packages", dir, "package.json"));
  }
  writeFileSync(
    join(scratch, ".changeset", "types-break.md"),
    `---\n"@mirage-ts/mirage-types": minor\n---\n\nFlow gains a required method.\n`,
  );
  writeFileSync(join(scratch, ".changeset", "cli-fix.md"), `---\n"@mirage-ts/mirage-cli": patch\n---\n\nFix a typo.\n`);
  execFileSync(changesetBin, ["version"], { cwd: scratch, stdio: "pipe" });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Packages that depend (directly) on `name`. */
function dependents(name: string): string[] {
  return dirs.filter((d) => manifest(root, d).dependencies?.[name] !== undefined).map((d) => manifest(root, d).name);
}

describe("changeset version on a scratch copy", () => {
  it("bumps a breaking 0.x change to the next minor", () => {
    const before = manifest(root, "mirage-types").version;
    const [major, minor] = before.split(".").map(Number);
    expect(manifest(scratch, "mirage-types").version).toBe(`${major}.${minor! + 1}.0`);
  });

  it("applies a patch changeset as a patch", () => {
    const [major, minor, patch] = manifest(root, "mirage-cli").version.split(".").map(Number);
    expect(manifest(scratch, "mirage-cli").version).toBe(`${major}.${minor}.${patch! + 1}`);
  });

  it("patch-bumps every direct dependent of mirage-types and notes the dependency in its changelog", () => {
    const deps = dependents("@mirage-ts/mirage-types");
    expect(deps.length).toBeGreaterThan(0);
    for (const name of deps) {
      const dir = nameToDir.get(name)!;
      const [major, minor, patch] = manifest(root, dir).version.split(".").map(Number);
      expect(manifest(scratch, dir).version, name).toBe(`${major}.${minor}.${patch! + 1}`);
      const changelog = readFileSync(join(scratch, "packages", dir, "CHANGELOG.md"), "utf8");
      expect(changelog).toContain("Updated dependencies");
      expect(changelog).toContain(`@mirage-ts/mirage-types@${manifest(scratch, "mirage-types").version}`);
    }
  });

  it("keeps internal ranges as workspace:^ (pnpm pack rewrites them on publish)", () => {
    for (const dir of dirs)
      for (const [name, range] of Object.entries(manifest(scratch, dir).dependencies ?? {}))
        if (name.startsWith("@mirage-ts/")) expect(range, `${dir} -> ${name}`).toBe("workspace:^");
  });

  it("writes the changeset summary into the changelog and consumes the changesets", () => {
    const changelog = readFileSync(join(scratch, "packages", "mirage-types", "CHANGELOG.md"), "utf8");
    expect(changelog).toContain("## Minor Changes");
    expect(changelog).toContain("Flow gains a required method.");
    expect(readdirSync(join(scratch, ".changeset")).filter((f) => f.endsWith(".md"))).toEqual([]);
  });

  it("leaves packages untouched by any changeset at their version", () => {
    const touched = new Set([
      "@mirage-ts/mirage-types",
      "@mirage-ts/mirage-cli",
      ...dependents("@mirage-ts/mirage-types"),
    ]);
    for (const dir of dirs) {
      const m = manifest(root, dir);
      if (!touched.has(m.name)) expect(manifest(scratch, dir).version, m.name).toBe(m.version);
    }
  });
});
