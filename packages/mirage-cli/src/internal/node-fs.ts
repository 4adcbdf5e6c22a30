/**
 * functoria's `FileSystem` on Node: `node:fs` for files and `child_process` for commands.
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandOutput, FileSystem } from "@mirage-ts/functoria";

async function kind(path: string): Promise<"file" | "dir" | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? "file" : info.isDirectory() ? "dir" : undefined;
  } catch {
    return undefined;
  }
}

// Temporary files live until the tool exits, as upstream's (Bos removes them at exit), whether the
// action that made them succeeded or not.
const temporaries = new Set<string>();

function removeTemporaries(): void {
  for (const path of temporaries) rmSync(path, { force: true });
  temporaries.clear();
}

/** The host's file system, with `cwd` as the tool's current directory. */
export class NodeFileSystem implements FileSystem {
  constructor(private readonly directory: string) {}

  cwd(): string {
    return this.directory;
  }

  async isFile(path: string): Promise<boolean> {
    return (await kind(path)) === "file";
  }

  async isDir(path: string): Promise<boolean> {
    return (await kind(path)) === "dir";
  }

  readFile(path: string): Promise<string> {
    return readFile(path, "utf8");
  }

  writeFile(path: string, contents: string): Promise<void> {
    return writeFile(path, contents);
  }

  rm(path: string): Promise<void> {
    return rm(path);
  }

  async mkdir(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
  }

  rmdir(path: string): Promise<void> {
    return rm(path, { recursive: true, force: true });
  }

  async ls(path: string): Promise<readonly string[]> {
    return (await readdir(path)).sort();
  }

  /** A new file in the system's temporary directory (`TMPDIR`), removed when the process exits. */
  async tmpFile(pattern: string): Promise<string> {
    const path = join(tmpdir(), pattern.replace("%s", `-${process.pid}-${randomBytes(6).toString("hex")}`));
    await writeFile(path, "", { flag: "wx" });
    if (temporaries.size === 0) process.once("exit", removeTemporaries);
    temporaries.add(path);
    return path;
  }

  exec(argv: readonly string[]): Promise<CommandOutput | undefined> {
    const [program = "", ...args] = argv;
    return new Promise((resolvePromise, reject) => {
      execFile(program, args, { encoding: "utf8" }, (error, out, err) => {
        if (error === null) resolvePromise({ out, err });
        else if ((error as NodeJS.ErrnoException).code === "ENOENT") resolvePromise(undefined);
        else reject(new Error(`'${argv.join(" ")}' failed: ${err.trim() || error.message}`));
      });
    });
  }
}
