// Proves the platform-neutrality rule of docs/architecture.md: the neutral packages compile with
// `types: []` and an ES-only lib, so Node's globals and `node:` modules are type errors there.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const neutral = [
  "mirage-types",
  "cmdliner",
  "mirage-runtime",
  "functoria",
  "tcpip",
  "dns",
  "http",
  "tls",
  "mirage-sim",
  "mirage-browser",
];
const nodePackages = ["mirage-unix", "mirage-cli", "http-unix"];

function compilerOptions(pkg: string): ts.CompilerOptions {
  const configPath = join(root, "packages", pkg, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  return { ...parsed.options, noEmit: true, composite: false, incremental: false };
}

/** Type-checks one in-memory source file placed in the package's `src/` with its compiler options. */
function diagnosticsFor(pkg: string, source: string): string[] {
  const options = compilerOptions(pkg);
  const fileName = join(root, "packages", pkg, "src", "__neutrality_probe__.ts");
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

const probes = {
  buffer: `export const b = Buffer.from("x");\n`,
  process: `export const p = process.argv;\n`,
  nodeFs: `import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n`,
};

// Each probe is a full type-check with the package's options: seconds on a loaded 2-core machine.
describe.each(neutral)("platform-neutral package %s", { timeout: 60_000 }, (pkg) => {
  it("declares no Node types in its tsconfig", () => {
    expect(compilerOptions(pkg).types).toEqual([]);
  });

  it.each(Object.entries(probes))("rejects %s at type-check time", (_name, source) => {
    expect(diagnosticsFor(pkg, source).length).toBeGreaterThan(0);
  });

  it("accepts plain ECMAScript (the probe harness itself is sound)", () => {
    expect(diagnosticsFor(pkg, `export const u = new Uint8Array(4).subarray(1);\n`)).toEqual([]);
  });

  it("imports no node: module anywhere in src/", () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.ts$/.test(entry.name) && /from\s+["']node:|import\(\s*["']node:/.test(readFileSync(path, "utf8")))
          offenders.push(path);
      }
    };
    walk(join(root, "packages", pkg, "src"));
    expect(offenders).toEqual([]);
  });
});

describe.each(nodePackages)("Node package %s", { timeout: 60_000 }, (pkg) => {
  it("may use Node's types", () => {
    expect(diagnosticsFor(pkg, probes.nodeFs)).toEqual([]);
  });
});
