/**
 * The extension points a tool plugs into the engine (upstream `Lib.S`): its name and version,
 * the packages and keys every application gets, the code around the generated entry, and hooks
 * for extra files and queries. mirage-cli provides the `mirage` builder; tests use small ones.
 *
 * @packageDocumentation
 */

import type { CommonArgs, Verbosity } from "../cli/command-line.js";
import type { CodeContext, ExportRef, RunContext } from "../codegen/codegen.js";
import type { Impl } from "../dsl/impl.js";
import type { Info } from "../dsl/info.js";
import type { AnyKey } from "../dsl/key.js";
import type { Package } from "../dsl/package.js";
import type { Job } from "../dsl/typ.js";
import type { Configuration } from "../graph/configuration.js";
import type { Action } from "../io/action.js";

/**
 * Directories of a configuration, for hooks.
 *
 * @public
 */
export interface BuildDirs {
  /** The directory of the configuration file (relative to the current directory). */
  readonly configDir: string;
  /** The generated directory, `<configDir>/<tool>`. */
  readonly buildDir: string;
}

/**
 * What a {@link BuilderCommand} receives besides the configuration.
 *
 * @public
 */
export interface BuilderCommandContext {
  /** The common options of the command line. */
  readonly args: CommonArgs;
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Logs a message shown at `level` or a more verbose setting (`-v` for `info`). */
  log(level: Verbosity, message: string): void;
}

/**
 * A sub-command the tool adds to `configure`, `query`, `describe`, `clean` and `help` (mirage's
 * `build`). It runs on the evaluated configuration, like `query`, and appears in the help pages.
 *
 * @public
 */
export interface BuilderCommand {
  /** The command name (lower case, distinct from the engine's commands). */
  readonly name: string;
  /** One line for the list of commands. */
  readonly doc: string;
  /** The paragraphs of its help page. */
  readonly description?: readonly string[] | undefined;
  /**
   * Runs the command. A rejection with an `Error` is reported as `<tool>: <message>` with exit
   * code 1 (an action error).
   */
  run(conf: Configuration, context: BuilderCommandContext): Promise<void>;
}

/**
 * A tool built on the engine.
 *
 * @public
 */
export interface Builder {
  /** The tool name (`mirage`): the generated directory, the file headers, the messages. */
  readonly name: string;
  /** The tool version, in the file headers and `--version`. */
  readonly version: string;
  /** The npm package of the tool, named in version-mismatch hints (default: the tool name). */
  readonly packageName?: string | undefined;
  /** The default configuration file (default `config.ts`). */
  readonly defaultConfigFile?: string | undefined;
  /** Packages every application needs (e.g. the runtime). */
  readonly packages?: readonly Package[] | undefined;
  /** Keys every application has (e.g. `-t`), even if no device reads them. */
  readonly keys?: readonly AnyKey[] | undefined;
  /** The function the generated entry calls to register each run-time argument. */
  readonly registerArg: ExportRef;
  /** Code placed after the imports of the generated entry. */
  readonly prelude?: ((context: CodeContext) => string) | undefined;
  /** The statement that runs the program from `context.start` (e.g. the platform's `Main.run`). */
  readonly run: (context: RunContext) => string;
  /**
   * The top-level job wrapping the init jobs and the application's jobs (upstream `create`);
   * by default a device without code that depends on all of them.
   */
  readonly create?: ((jobs: readonly Impl<Job>[]) => Impl<Job>) | undefined;
  /** Adjusts the generated `package.json` (e.g. scripts); receives the engine's object. */
  readonly packageJson?: ((info: Info, base: Readonly<Record<string, unknown>>) => Record<string, unknown>) | undefined;
  /** Writes the tool's own files at the end of `configure` (paths are relative to the current directory). */
  readonly configure?: ((info: Info, dirs: BuildDirs) => Action<void>) | undefined;
  /** Removes the tool's own files during `clean` (paths are relative to the current directory). */
  readonly clean?: ((dirs: BuildDirs) => Action<void>) | undefined;
  /** More files of `configure`, relative to the generated directory, for `query files`. */
  readonly files?: ((info: Info) => readonly string[]) | undefined;
  /** Extra `query` kinds, printing what they return. */
  readonly queries?: Readonly<Record<string, (info: Info) => string>> | undefined;
  /** A message printed after a successful `configure`. */
  readonly configured?: ((info: Info) => string) | undefined;
  /** Extra sub-commands (e.g. `build`). */
  readonly commands?: readonly BuilderCommand[] | undefined;
}
