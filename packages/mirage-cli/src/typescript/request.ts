/**
 * What a type-check is asked to do, whichever compiler runs it, and the compiler options it
 * starts from: the project's `tsconfig.json` when there is one (without the options that only
 * matter when emitting), over defaults that suit a unikernel.
 */

/** A type-check of one root file and everything it imports. */
export interface CheckRequest {
  /** The root file, absolute (`mirage/main.ts`, `config.ts`). */
  readonly root: string;
  /** The project's folder, absolute: its `tsconfig.json`, if any, gives the compiler options. */
  readonly configDir: string;
  /** Ambient type packages to add (the target's, e.g. `node`). */
  readonly types: readonly string[];
  /** Libraries to add to the project's `lib` (the target's, e.g. `dom` for the web's globals). */
  readonly libs?: readonly string[] | undefined;
  /** Module names to resolve to given files (`paths`), replacing the project's. */
  readonly paths?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Format for a terminal: colours and the source line under each error. */
  readonly pretty: boolean;
}

/** The outcome of a type-check. */
export interface CheckResult {
  /** The number of errors. */
  readonly errors: number;
  /** The diagnostics, formatted (empty when there are none). */
  readonly report: string;
}

/** The defaults, as `tsconfig.json` writes them: without `lib`, the target would bring the DOM. */
export const DEFAULT_OPTIONS = {
  target: "es2023",
  lib: ["es2023"],
  module: "esnext",
  moduleResolution: "bundler",
  strict: true,
  skipLibCheck: true,
  types: [] as string[],
} as const;

/**
 * Options that only matter when emitting, which the check never does, and that would make the
 * compiler reject the root file (outside `rootDir`, not listed by a `composite` project).
 */
export const EMIT_ONLY = [
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
] as const;
