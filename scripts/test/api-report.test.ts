// Proves that CI catches a stale API report: with the shared api-extractor base config, a changed
// exported signature fails in CI mode (what `pnpm api:check` runs) until the report is regenerated.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import { afterAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "mirage-api-report-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function makePackage(declarations: string): string {
  const dir = join(scratch, "pkg");
  mkdirSync(join(dir, "dist"), { recursive: true });
  mkdirSync(join(dir, "etc"), { recursive: true });
  cpSync(join(root, "api-extractor.base.json"), join(scratch, "api-extractor.base.json"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "@scratch/pkg", version: "0.1.0", types: "dist/index.d.ts" }),
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, types: [] }, include: ["dist"] }),
  );
  writeFileSync(join(dir, "api-extractor.json"), JSON.stringify({ extends: "../api-extractor.base.json" }));
  writeFileSync(join(dir, "dist", "index.d.ts"), declarations);
  return dir;
}

function run(dir: string, localBuild: boolean) {
  const config = ExtractorConfig.loadFileAndPrepare(join(dir, "api-extractor.json"));
  return Extractor.invoke(config, {
    localBuild,
    messageCallback: (m) => {
      m.handled = true;
    },
  });
}

const v1 = `/** A flow. @public */\nexport interface Flow {\n  /** Reads. */\n  read(): Promise<Uint8Array>;\n}\n`;
const v2 =
  `/** A flow. @public */\nexport interface Flow {\n  /** Reads. */\n` +
  `  read(max: number): Promise<Uint8Array>;\n}\n`;

describe("API report check", () => {
  it("passes when the committed report matches, fails after a signature change, passes once regenerated", () => {
    const dir = makePackage(v1);
    expect(run(dir, true).succeeded).toBe(true); // `api:update` writes etc/pkg.api.md
    expect(readFileSync(join(dir, "etc", "pkg.api.md"), "utf8")).toContain("read(): Promise<Uint8Array>;");
    expect(run(dir, false).succeeded).toBe(true); // `api:check` on an unchanged API

    writeFileSync(join(dir, "dist", "index.d.ts"), v2);
    const stale = run(dir, false);
    expect(stale.succeeded).toBe(false);
    expect(stale.apiReportChanged).toBe(true);

    expect(run(dir, true).succeeded).toBe(true);
    expect(run(dir, false).succeeded).toBe(true);
  }, 120_000);

  it("rejects an export without a release tag", () => {
    const dir = makePackage(`/** Untagged. */\nexport declare const x: number;\n`);
    expect(run(dir, true).succeeded).toBe(false);
  }, 60_000);
});
