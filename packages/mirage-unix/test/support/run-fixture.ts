/**
 * Runs a fixture script (test/fixtures/*.fixture.ts) in a child Node process against the package's
 * TypeScript sources, with no build: the `mirage-source` export condition resolves the workspace
 * packages to their `src/`, and test-support's TypeScript loader transpiles `.ts` files as they load.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { registerTypeScript as register } from "@mirage-ts/test-support";
import { FIXTURE_MS } from "./limits.js";

/** The path of `test/fixtures/<name>.fixture.ts`. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}.fixture.ts`, import.meta.url));
}

/**
 * How to start a fixture: spawn options, and a command that runs Node (`ip netns exec NS`). A child
 * that runs as another user may not read the checkout: see unprivileged.ts.
 */
export interface FixtureOptions extends SpawnOptions {
  readonly command?: readonly string[];
}

/** Starts the fixture `name` with `args`. */
export function startFixture(name: string, args: readonly string[] = [], options: FixtureOptions = {}): ChildProcess {
  const { command = [], ...spawnOptions } = options;
  const node = [process.execPath, "--conditions=mirage-source", "--import", register, fixturePath(name), ...args];
  const [program, ...rest] = [...command, ...node] as [string, ...string[]];
  return spawn(program, rest, { stdio: ["pipe", "pipe", "pipe"], ...spawnOptions });
}

/** What a finished fixture did. */
export interface FixtureOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a started fixture's output until it exits (killed after `timeoutMs`). */
export function finished(child: ChildProcess, timeoutMs = FIXTURE_MS): Promise<FixtureOutcome> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      // 'exit' may come before the pipes are drained: wait for them to close.
      let open = [child.stdout, child.stderr].filter((s) => s !== null && !s.closed).length;
      const done = (): void => resolve({ code, signal, stdout, stderr });
      if (open === 0) done();
      for (const stream of [child.stdout, child.stderr]) stream?.once("close", () => --open === 0 && done());
    });
  });
}

/** Runs the fixture `name` to completion. */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  options: FixtureOptions = {},
): Promise<FixtureOutcome> {
  return finished(startFixture(name, args, options));
}

/** Resolves once the child printed `line` on its standard output. */
export function waitForLine(child: ChildProcess, line: string, timeoutMs = FIXTURE_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`fixture did not print "${line}" within ${timeoutMs} ms; got: ${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (seen.split("\n").includes(line)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
  });
}
