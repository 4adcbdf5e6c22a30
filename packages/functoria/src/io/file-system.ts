/**
 * The file-system and process interface that action interpreters run on. mirage-cli implements
 * it with Node's `fs` and `child_process`; {@link MemoryFileSystem} implements it in memory.
 * Every path given to it is absolute and normalised: the interpreter resolves relative paths
 * and keeps the current directory itself.
 *
 * @packageDocumentation
 */

import type { CommandOutput } from "./action.js";

/**
 * A value or a promise of it: implementations may be synchronous or asynchronous.
 *
 * @public
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * The effects the engine needs. Methods throw (or reject) with an `Error` whose message is shown
 * to the user.
 *
 * @public
 */
export interface FileSystem {
  /** The initial current directory, absolute. */
  cwd(): string;
  /** Whether `path` exists and is a regular file. */
  isFile(path: string): Awaitable<boolean>;
  /** Whether `path` exists and is a directory. */
  isDir(path: string): Awaitable<boolean>;
  /** The contents of the file `path` (UTF-8). */
  readFile(path: string): Awaitable<string>;
  /** Creates or replaces the file `path`; its directory exists. */
  writeFile(path: string, contents: string): Awaitable<void>;
  /** Removes the file `path`, which exists. */
  rm(path: string): Awaitable<void>;
  /** Creates the directory `path` and its missing parents. */
  mkdir(path: string): Awaitable<void>;
  /** Removes `path` (a directory with its contents, or a file). */
  rmdir(path: string): Awaitable<void>;
  /** The entry names of the directory `path`. */
  ls(path: string): Awaitable<readonly string[]>;
  /** Creates an empty temporary file whose name is `pattern` with `%s` replaced; returns its path. */
  tmpFile(pattern: string): Awaitable<string>;
  /**
   * Runs `argv[0]` with the other arguments and returns its output, or `undefined` if the program
   * is not found. A failing program throws.
   */
  exec(argv: readonly string[]): Awaitable<CommandOutput | undefined>;
}
