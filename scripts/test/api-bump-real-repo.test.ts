// The semver gate on a scratch clone of this repository: after a release commit (the last one in the
// history, or, while none exists yet, one made in the clone as CONTRIBUTING.md describes), a breaking
// change to a mirage-types interface (a new required member of `Flow`, which other packages implement)
// with its API report regenerated and only a patch changeset fails `node scripts/check-api-bump.mjs`,
// which `pnpm test` runs through `pnpm run checks`; a minor changeset passes.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = (name: string): string => join(root, "node_modules", ".bin", name);
let scratch: string;

function git(...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=ci@example.invalid", "-c", "user.name=ci", ...args], {
    cwd: scratch,
    encoding: "utf8",
  });
}

function check(): { code: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [join(scratch, "scripts", "check-api-bump.mjs"), "--root", scratch, "--changeset", bin("changeset")],
    { encoding: "utf8" },
  );
  return { code: r.status, out: r.stdout + r.stderr };
}

const pending = (): string[] =>
  readdirSync(join(scratch, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
const FLOW = join("packages", "mirage-types", "src", "flow.ts");
const REPORT = join("packages", "mirage-types", "etc", "mirage-types.api.md");

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "api-bump-real-"));
  // A clone has the history the gate reads its baselines from; the working tree's own edits are not
  // in it, which is right: the gate judges commits.
  execFileSync("git", ["clone", "--quiet", "--no-hardlinks", root, scratch]);
  // changesets compares with the base branch of .changeset/config.json, whatever branch was cloned.
  git("checkout", "-q", "-B", "main");
  if (pending().length > 0) {
    execFileSync(bin("changeset"), ["version"], { cwd: scratch, stdio: "pipe" });
    git("add", "-A");
    git("commit", "-qm", "release: the scratch copy's first release");
  }
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("check-api-bump on a scratch clone of this repository, after a release", () => {
  it("is run by pnpm test (through pnpm run checks)", () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.test).toContain("pnpm run checks");
    expect(scripts.checks).toContain("node scripts/check-api-bump.mjs");
  });

  it("passes on the release commit itself", () => {
    expect(pending()).toEqual([]);
    const r = check();
    expect(r.out).toContain("@mirage-ts/mirage-types: api none, pending none -> ok");
    expect(r.code, r.out).toBe(0);
  }, 120_000);

  it("fails a new required Flow member with a patch changeset, passes it with minor", () => {
    const flow = readFileSync(join(scratch, FLOW), "utf8");
    const member = "  read(): Promise<Result<ReadResult, E>>;\n";
    expect(flow).toContain(member);
    writeFileSync(
      join(scratch, FLOW),
      flow.replace(member, `${member}  /** Bytes read so far. */\n  bytesRead(): number;\n`),
    );
    // The report as a developer regenerates it: build the package, then api-extractor --local.
    const pkg = join(scratch, "packages", "mirage-types");
    execFileSync(process.execPath, [join(root, "node_modules", "typescript-7", "bin", "tsc"), "-b", pkg], {
      stdio: "pipe",
    });
    execFileSync(bin("api-extractor"), ["run", "--local"], { cwd: pkg, stdio: "pipe" });
    expect(existsSync(join(scratch, REPORT))).toBe(true);
    expect(readFileSync(join(scratch, REPORT), "utf8")).toContain("bytesRead(): number;");

    const changeset = (level: string) =>
      writeFileSync(
        join(scratch, ".changeset", "flow-bytes-read.md"),
        `---\n"@mirage-ts/mirage-types": ${level}\n---\n\nFlow gains bytesRead().\n`,
      );
    changeset("patch");
    let r = check();
    expect(r.out).toContain("@mirage-ts/mirage-types: api breaking; needs minor, changeset gives patch -> FAIL");
    expect(r.code).toBe(1);
    changeset("minor");
    r = check();
    expect(r.out).toContain("@mirage-ts/mirage-types: api breaking, pending minor -> ok");
    expect(r.code, r.out).toBe(0);
  }, 300_000);
});
