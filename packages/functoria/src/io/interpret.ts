/**
 * The action interpreter. It gives every command upstream's semantics and trace line (the lines
 * `--dry-run` prints, e.g. `Mkdir path (created)`), whatever file system it runs on, so the
 * real run and the dry run cannot drift apart.
 *
 * @packageDocumentation
 */

import { type Action, type Command, type Step, stepOf } from "./action.js";
import type { FileSystem } from "./file-system.js";
import { MemoryFileSystem, type MemoryFileSystemOptions, type MemorySnapshot } from "./memory-fs.js";
import { join } from "./path.js";
import { utf8Length } from "./utf8.js";

/**
 * The outcome of running an action.
 *
 * @public
 */
export type ActionResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: string };

/**
 * Options of {@link runAction}.
 *
 * @public
 */
export interface RunOptions {
  /** Receives one trace line per top-level command, as `--dry-run` prints them. */
  readonly trace?: (line: string) => void;
}

interface Outcome {
  readonly result: ActionResult<unknown>;
  readonly line: string;
}

const ok = (value: unknown, line: string): Outcome => ({ result: { ok: true, value }, line });
const err = (error: string, line: string): Outcome => ({ result: { ok: false, error }, line });

function entries(n: number): string {
  return n <= 1 ? `${n} entry` : `${n} entries`;
}

async function perform(fs: FileSystem, cwd: string, command: Command): Promise<Outcome> {
  if (command.op === "pwd") return ok(cwd, `Pwd -> ${cwd}`);
  if (command.op === "tmpFile") {
    const path = await fs.tmpFile(command.pattern);
    return ok(path, `Tmp_file -> ${path}`);
  }
  if (command.op === "runCmd") {
    const shown = `'${command.argv.join(" ")}'`;
    const output = await fs.exec(command.argv);
    if (output === undefined) return err(`${shown} not found`, `Run_cmd ${shown} (error)`);
    return ok(output, `Run_cmd ${shown} (ok: out=${JSON.stringify(output.out)} err=${JSON.stringify(output.err)})`);
  }
  const shown = command.path;
  const path = join(cwd, command.path);
  switch (command.op) {
    case "rm":
      if (await fs.isFile(path)) {
        await fs.rm(path);
        return ok(undefined, `Rm ${shown} (removed)`);
      }
      if (await fs.isDir(path)) return err(`${shown} is a directory`, `Rm ${shown} (error)`);
      return ok(undefined, `Rm ${shown} (no-op)`);
    case "rmdir":
      if ((await fs.isDir(path)) || (await fs.isFile(path))) {
        await fs.rmdir(path);
        return ok(undefined, `Rmdir ${shown} (removed)`);
      }
      return ok(undefined, `Rmdir ${shown} (no-op)`);
    case "mkdir":
      if (await fs.isDir(path)) return ok(false, `Mkdir ${shown} (already exists)`);
      if (await fs.isFile(path)) return err(`a file named '${shown}' already exists`, `Mkdir ${shown} (error)`);
      await fs.mkdir(path);
      return ok(true, `Mkdir ${shown} (created)`);
    case "ls": {
      if (await fs.isFile(path)) return ok([shown], `Ls ${shown} (${entries(1)})`);
      if (!(await fs.isDir(path))) return err(`${shown}: no such file or directory`, `Ls ${shown} (error)`);
      const names = [...(await fs.ls(path))].sort();
      return ok(names, `Ls ${shown} (${entries(names.length)})`);
    }
    case "isFile": {
      const r = await fs.isFile(path);
      return ok(r, `Is_file? ${shown} -> ${r}`);
    }
    case "isDir": {
      const r = await fs.isDir(path);
      return ok(r, `Is_dir? ${shown} -> ${r}`);
    }
    case "readFile": {
      if (!(await fs.isFile(path))) return err(`${shown}: no such file`, `Read ${shown} (error)`);
      const contents = await fs.readFile(path);
      return ok(contents, `Read ${shown} (${utf8Length(contents)} bytes)`);
    }
    case "writeFile":
      await fs.writeFile(path, command.contents);
      return ok(undefined, `Write to ${shown} (${utf8Length(command.contents)} bytes)`);
    case "withDir": {
      const lines: string[] = [];
      const result = await interpret(command.body(), fs, path, (l) => lines.push(l));
      return { result, line: `With_dir ${shown} [${lines.join("\n  ")}]` };
    }
  }
}

async function interpret<A>(
  action: Action<A>,
  fs: FileSystem,
  cwd: string,
  trace: (line: string) => void,
): Promise<ActionResult<A>> {
  let step: Step<unknown> = stepOf(action);
  for (;;) {
    switch (step.tag) {
      case "done":
        return { ok: true, value: step.value as A };
      case "fail":
        return { ok: false, error: step.message };
      case "defer":
        step = stepOf(step.thunk());
        break;
      case "run": {
        const command: Command = step.command;
        let outcome: Outcome;
        try {
          outcome = await perform(fs, cwd, command);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          const path = "path" in command ? `${command.path} ` : "";
          outcome = err(message, `${command.op} ${path}(error)`);
        }
        trace(outcome.line);
        if (!outcome.result.ok) return outcome.result;
        step = stepOf(step.next(outcome.result.value));
        break;
      }
    }
  }
}

/**
 * Runs an action on a file system, from its current directory.
 *
 * @public
 */
export function runAction<A>(action: Action<A>, fs: FileSystem, options: RunOptions = {}): Promise<ActionResult<A>> {
  return interpret(action, fs, fs.cwd(), options.trace ?? (() => undefined));
}

/**
 * The outcome of {@link dryRun}.
 *
 * @public
 */
export interface DryRunResult<A> {
  /** The action's result. */
  readonly result: ActionResult<A>;
  /** The in-memory files and directories afterwards. */
  readonly env: MemorySnapshot;
  /** One line per command, as `--dry-run` prints them. */
  readonly trace: readonly string[];
}

/**
 * Runs an action on a fresh {@link MemoryFileSystem} and returns its result, the final
 * environment and the trace (upstream `Action.dry_run`).
 *
 * @public
 */
export async function dryRun<A>(action: Action<A>, env: MemoryFileSystemOptions = {}): Promise<DryRunResult<A>> {
  const fs = new MemoryFileSystem(env);
  const trace: string[] = [];
  const result = await runAction(action, fs, { trace: (line) => trace.push(line) });
  return { result, env: fs.snapshot(), trace };
}

/**
 * The files an action writes, relative to the directory it starts in (upstream
 * `Action.generated_files`, used for `query files`). Computed by a dry run on an empty
 * file system.
 *
 * @public
 */
export async function generatedFiles(action: Action<unknown>): Promise<string[]> {
  const { env } = await dryRun(action, { cwd: "/" });
  return Object.keys(env.files).map((p) => p.slice(1));
}
