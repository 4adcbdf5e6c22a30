/**
 * The type-check through TypeScript 7, the native compiler (`typescript@7`, installed as
 * `typescript-7`, with its platform binary `@typescript/typescript-<os>-<arch>`): several times
 * faster than TypeScript 6 on the same files. Its binary is run on a temporary `tsconfig.json`
 * next to the project's, which extends the defaults and the project's own and lists the one
 * root file, so paths in the project's options keep their meaning.
 */

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, parse } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { formatDiagnostics, parseTscOutput } from "./diagnostic.js";
import { type CheckRequest, type CheckResult, DEFAULT_OPTIONS, type EMIT_ONLY } from "./request.js";

/** The native compiler: its binary and version. */
export interface NativeCompiler {
  readonly exe: string;
  readonly version: string;
}

/**
 * Finds TypeScript 7's binary for this platform, or `undefined` when it is not installed (the
 * `typescript-7` alias or its optional platform package is missing).
 */
export function findNativeCompiler(): NativeCompiler | undefined {
  try {
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve("typescript-7/package.json");
    const manifest = require(manifestPath) as { version: string };
    const platform = `@typescript/typescript-${process.platform}-${process.arch}`;
    const binary = createRequire(manifestPath).resolve(`${platform}/package.json`);
    const exe = join(dirname(binary), "lib", process.platform === "win32" ? "tsc.exe" : "tsc");
    return existsSync(exe) ? { exe, version: manifest.version } : undefined;
  } catch {
    return undefined;
  }
}

function run(exe: string, args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(exe, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) return resolvePromise({ code: 0, out: stdout });
      if (typeof error.code === "number") return resolvePromise({ code: error.code, out: stdout + stderr });
      reject(new Error(`${exe} failed: ${stderr.trim() || error.message}`));
    });
  });
}

// The project's own `types` or `lib`, which the check's must include (`extends` would replace them).
async function projectList(exe: string, tsconfig: string, option: "types" | "lib"): Promise<string[] | undefined> {
  const shown = await run(exe, ["--showConfig", "-p", tsconfig]);
  try {
    const list = (JSON.parse(shown.out) as { compilerOptions?: Record<string, unknown> }).compilerOptions?.[option];
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === "string") : undefined;
  } catch {
    return undefined;
  }
}

// Emit-only options set to values that cannot reject the check (`null` resets the others).
const EMIT_OFF: Record<(typeof EMIT_ONLY)[number], unknown> = {
  composite: false,
  declaration: false,
  declarationMap: false,
  emitDeclarationOnly: false,
  incremental: false,
  outDir: null,
  outFile: null,
  rootDir: null,
  sourceMap: false,
  tsBuildInfoFile: null,
};

/** Type-checks with the native compiler. */
export async function nativeCheck(compiler: NativeCompiler, request: CheckRequest): Promise<CheckResult> {
  const project = join(request.configDir, "tsconfig.json");
  const hasProject = existsSync(project);
  const stem = join(request.configDir, `.mirage-check.${process.pid}.${Date.now()}`);
  const defaults = `${stem}.defaults.json`;
  const config = `${stem}.tsconfig.json`;
  const types =
    request.types.length === 0
      ? {}
      : {
          types: [
            ...new Set([
              ...((hasProject ? await projectList(compiler.exe, project, "types") : undefined) ?? []),
              ...request.types,
            ]),
          ],
        };
  const libs = request.libs ?? [];
  const lib =
    libs.length === 0
      ? {}
      : {
          lib: [
            ...new Set([
              ...((hasProject ? await projectList(compiler.exe, project, "lib") : undefined) ?? DEFAULT_OPTIONS.lib),
              ...libs,
            ]),
          ],
        };
  const check = {
    extends: hasProject ? [defaults, project] : defaults,
    compilerOptions: {
      ...EMIT_OFF,
      rootDir: parse(request.root).root,
      noEmit: true,
      ...types,
      ...lib,
      ...(request.paths === undefined ? {} : { paths: request.paths }),
    },
    files: [request.root],
    include: [],
  };
  try {
    await writeFile(defaults, JSON.stringify({ compilerOptions: DEFAULT_OPTIONS }));
    await writeFile(config, JSON.stringify(check));
    const { out } = await run(compiler.exe, ["-p", config, "--pretty", String(request.pretty)]);
    const visible = stripVTControlCharacters(out);
    if (request.pretty) {
      const errors = visible.match(/^\s*\S.*?:\d+:\d+ - error TS\d+:|^error TS\d+:/gmu)?.length ?? 0;
      return { errors, report: out.trim() === "" ? "" : out };
    }
    const diagnostics = parseTscOutput(out);
    return { errors: diagnostics.filter((d) => d.category === "error").length, report: formatDiagnostics(diagnostics) };
  } finally {
    await Promise.all([rm(defaults, { force: true }), rm(config, { force: true })]);
  }
}
