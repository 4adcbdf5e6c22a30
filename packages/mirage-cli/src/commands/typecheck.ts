/**
 * The type-check of `mirage build`: the generated entry is checked with the unikernel by the
 * TypeScript compiler, so a device graph that does not fit the application's `start` is a
 * compile error located in `mirage/main.ts`, as upstream's `main.ml` fails to compile.
 *
 * @packageDocumentation
 */

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type ts from "typescript";

/**
 * The outcome of {@link typecheck}.
 */
export interface TypecheckResult {
  /** The number of errors. */
  readonly errors: number;
  /** The compiler's diagnostics, formatted (empty when there are none). */
  readonly report: string;
}

/**
 * Options of {@link typecheck}.
 */
export interface TypecheckOptions {
  /** The generated entry, absolute. */
  readonly entry: string;
  /** The directory of `config.ts`, absolute: its `tsconfig.json`, if any, gives the compiler options. */
  readonly configDir: string;
  /** Ambient type packages the target needs (`node`). */
  readonly types: readonly string[];
  /** Format for a terminal: colours and the source line under each error. */
  readonly pretty: boolean;
}

// Options that only matter when emitting, which the check never does, and that would make the
// compiler reject the generated entry (outside `rootDir`, not listed by a `composite` project).
const EMIT_ONLY = [
  "composite",
  "declaration",
  "declarationMap",
  "emitDeclarationOnly",
  "incremental",
  "outDir",
  "outFile",
  "rootDir",
  "sourceMap",
  "tsBuildInfoFile",
];

type Compiler = typeof ts;

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

/**
 * Type-checks the generated entry and everything it imports.
 */
export function typecheck(options: TypecheckOptions): TypecheckResult {
  // Loaded on demand, and through require: as an ES module import, Node would first scan the
  // compiler's 9 MB for its export names, which takes longer than every other command.
  const ts = createRequire(import.meta.url)("typescript") as Compiler;
  const user = userOptions(ts, options.configDir);
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    // Without `lib`, the target brings the DOM's declarations, which a unikernel has no use for.
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    ...user.options,
    noEmit: true,
    types: [...new Set([...(user.options.types ?? []), ...options.types])],
  };
  const program = ts.createProgram({ rootNames: [options.entry], options: compilerOptions });
  const diagnostics = [...user.errors, ...ts.getPreEmitDiagnostics(program)];
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  };
  const report =
    diagnostics.length === 0
      ? ""
      : options.pretty
        ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host)
        : ts.formatDiagnostics(diagnostics, host);
  return { errors, report };
}
