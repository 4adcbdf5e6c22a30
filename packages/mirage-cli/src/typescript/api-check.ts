/**
 * The type-check through the TypeScript 6 compiler API, in-process: the path taken where
 * TypeScript 7's native compiler is not installed (a platform without its binary).
 */

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import type ts from "typescript";
import { type TsDiagnostic, formatDiagnostics } from "./diagnostic.js";
import { type CheckRequest, type CheckResult, DEFAULT_OPTIONS, EMIT_ONLY } from "./request.js";

type Compiler = typeof ts;

/** The version of the TypeScript 6 compiler, without loading it. */
export function apiCompilerVersion(): string {
  const manifest = createRequire(import.meta.url)("typescript/package.json") as { version: string };
  return manifest.version;
}

function userOptions(
  ts: Compiler,
  configDir: string,
): { options: ts.CompilerOptions; errors: readonly ts.Diagnostic[] } {
  const file = join(configDir, "tsconfig.json");
  if (!existsSync(file)) return { options: {}, errors: [] };
  const read = ts.readConfigFile(file, (path) => ts.sys.readFile(path));
  if (read.error !== undefined) return { options: {}, errors: [read.error] };
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, configDir, undefined, file);
  const options: ts.CompilerOptions = { ...parsed.options };
  for (const name of EMIT_ONLY) delete options[name];
  // "No inputs were found" only concerns the project's own `include`, which the check replaces.
  return { options, errors: parsed.errors.filter((d) => d.code !== 18003) };
}

function located(ts: Compiler, d: ts.Diagnostic): TsDiagnostic {
  const category =
    d.category === ts.DiagnosticCategory.Error
      ? "error"
      : d.category === ts.DiagnosticCategory.Warning
        ? "warning"
        : "message";
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (d.file === undefined || d.start === undefined)
    return { file: undefined, line: 0, column: 0, category, code: d.code, message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const file = relative(process.cwd(), d.file.fileName);
  return { file, line: line + 1, column: character + 1, category, code: d.code, message };
}

// The file a `lib` name stands for, as the compiler's own options hold them.
const libFile = (name: string): string => `lib.${name.toLowerCase()}.d.ts`;

/** Type-checks with the TypeScript 6 API. */
export function apiCheck(request: CheckRequest): CheckResult {
  // Loaded on demand, and through require: as an ES module import, Node would first scan the
  // compiler's 9 MB for its export names, which takes longer than every other command.
  const ts = createRequire(import.meta.url)("typescript") as Compiler;
  const defaults = ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, request.configDir).options;
  const user = userOptions(ts, request.configDir);
  const options: ts.CompilerOptions = {
    ...defaults,
    ...user.options,
    noEmit: true,
    types: [...new Set([...(user.options.types ?? []), ...request.types])],
    ...((request.libs ?? []).length === 0
      ? {}
      : { lib: [...new Set([...(user.options.lib ?? defaults.lib ?? []), ...(request.libs ?? []).map(libFile)])] }),
    ...(request.paths === undefined
      ? {}
      : { paths: Object.fromEntries(Object.entries(request.paths).map(([k, v]) => [k, [...v]])) }),
  };
  const program = ts.createProgram({ rootNames: [request.root], options });
  const diagnostics = [...user.errors, ...ts.getPreEmitDiagnostics(program)];
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  if (diagnostics.length === 0) return { errors, report: "" };
  if (!request.pretty) return { errors, report: formatDiagnostics(diagnostics.map((d) => located(ts, d))) };
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  };
  return { errors, report: ts.formatDiagnosticsWithColorAndContext(diagnostics, host) };
}
