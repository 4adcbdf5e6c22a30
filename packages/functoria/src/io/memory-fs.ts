/**
 * An in-memory {@link FileSystem} (upstream's dry-run environment). With a `base` it is an
 * overlay: reads fall through to the base, while writes and removals stay in memory. The tool
 * uses the overlay for `--dry-run`, and tests use it alone, so they need no disk.
 *
 * @packageDocumentation
 */

import type { CommandOutput } from "./action.js";
import type { FileSystem } from "./file-system.js";
import { isPrefix, join, normalize } from "./path.js";

/**
 * Options of {@link MemoryFileSystem}.
 *
 * @public
 */
export interface MemoryFileSystemOptions {
  /** Initial files, by path (relative paths are taken from `cwd`). */
  readonly files?: Readonly<Record<string, string>>;
  /** Initial (empty) directories. */
  readonly dirs?: readonly string[];
  /** The current directory (default `/`). */
  readonly cwd?: string;
  /** A file system read through for entries not written or removed in memory. */
  readonly base?: FileSystem;
  /** Simulated programs: the output of a command line, or `undefined` if it is not found. */
  readonly commands?: (argv: readonly string[]) => CommandOutput | undefined;
}

/**
 * The local state of a {@link MemoryFileSystem}.
 *
 * @public
 */
export interface MemorySnapshot {
  /** Files by absolute path, sorted. */
  readonly files: Readonly<Record<string, string>>;
  /** Explicitly created directories, sorted. */
  readonly dirs: readonly string[];
}

/**
 * A file system held in memory, optionally over a base file system.
 *
 * @public
 */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Set<string>();
  /** Paths removed in memory: they and their descendants hide the base. */
  private readonly removed = new Set<string>();
  private readonly root: string;
  private readonly base: FileSystem | undefined;
  private readonly commands: (argv: readonly string[]) => CommandOutput | undefined;
  private tmpCounter = 0;

  constructor(options: MemoryFileSystemOptions = {}) {
    this.root = normalize(join("/", options.cwd ?? "/"));
    this.base = options.base;
    this.commands = options.commands ?? (() => undefined);
    for (const [path, contents] of Object.entries(options.files ?? {})) this.files.set(this.abs(path), contents);
    for (const dir of options.dirs ?? []) this.dirs.add(this.abs(dir));
  }

  private abs(path: string): string {
    return join(this.root, path);
  }

  private hidden(path: string): boolean {
    for (const r of this.removed) if (isPrefix(r, path)) return true;
    return false;
  }

  private localDir(path: string): boolean {
    if (path === "/" || this.dirs.has(path)) return true;
    for (const p of [...this.files.keys(), ...this.dirs]) if (p !== path && isPrefix(path, p)) return true;
    return false;
  }

  /** The local (in-memory) files and directories. */
  snapshot(): MemorySnapshot {
    const files: Record<string, string> = {};
    for (const path of [...this.files.keys()].sort()) files[path] = this.files.get(path) ?? "";
    return { files, dirs: [...this.dirs].sort() };
  }

  cwd(): string {
    return this.root;
  }

  async isFile(path: string): Promise<boolean> {
    if (this.files.has(path)) return true;
    if (this.localDir(path) || this.hidden(path) || this.base === undefined) return false;
    return this.base.isFile(path);
  }

  async isDir(path: string): Promise<boolean> {
    if (this.localDir(path)) return true;
    if (this.files.has(path) || this.hidden(path) || this.base === undefined) return false;
    return this.base.isDir(path);
  }

  async readFile(path: string): Promise<string> {
    const local = this.files.get(path);
    if (local !== undefined) return local;
    if (this.hidden(path) || this.base === undefined) throw new Error(`${path}: no such file`);
    return this.base.readFile(path);
  }

  writeFile(path: string, contents: string): void {
    this.files.set(path, contents);
  }

  rm(path: string): void {
    this.files.delete(path);
    this.removed.add(path);
  }

  mkdir(path: string): void {
    for (let p = path; p !== "/"; p = p.slice(0, p.lastIndexOf("/")) || "/") this.dirs.add(p);
  }

  rmdir(path: string): void {
    for (const p of [...this.files.keys()]) if (isPrefix(path, p)) this.files.delete(p);
    for (const p of [...this.dirs]) if (isPrefix(path, p)) this.dirs.delete(p);
    this.removed.add(path);
  }

  async ls(path: string): Promise<readonly string[]> {
    const names = new Set<string>();
    const prefix = path === "/" ? "/" : `${path}/`;
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split("/")[0] ?? "");
    }
    if (this.base !== undefined && !this.hidden(path) && (await this.base.isDir(path))) {
      for (const name of await this.base.ls(path)) if (!this.hidden(join(path, name))) names.add(name);
    }
    return [...names].sort();
  }

  tmpFile(pattern: string): string {
    if (!pattern.includes("%s")) throw new Error(`temporary file pattern ${JSON.stringify(pattern)} lacks %s`);
    for (;;) {
      const path = join("/tmp", pattern.replace("%s", String(this.tmpCounter)));
      this.tmpCounter++;
      if (!this.files.has(path)) return path;
    }
  }

  exec(argv: readonly string[]): CommandOutput | undefined {
    return this.commands(argv);
  }
}
