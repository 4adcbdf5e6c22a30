// Long-running programs a test starts (a built unikernel, a local registry): started with their output
// collected, awaited until they print that they are ready (an event, not a delay), and stopped by the
// pid the test holds.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** A program started by {@link startService}. */
export interface Service {
  readonly child: ChildProcess;
  /** What it printed so far, standard output and error interleaved. */
  output(): string;
  /** Resolves with the first match of `pattern` in its output; rejects if it exits before. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends SIGTERM to this process (its pid, or the group it leads) and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * Starts `file` with `args`; see {@link Service}. With `group`, it leads a process group of its own and
 * `stop` signals that group: for a shell or a package manager whose program runs in a child of it.
 */
export function startService(
  file: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly group?: boolean },
): Service {
  const group = options.group === true;
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: "pipe",
    detached: group,
  });
  let text = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match !== null) done(() => resolve(match));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`))),
          timeoutMs,
        );
        const onExit = (): void =>
          done(() => reject(new Error(`${file} exited (${child.exitCode}) before printing ${pattern}:\n${text}`)));
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("close", onExit);
          settle();
        };
        listeners.add(check);
        child.once("close", onExit);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        if (group && child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
        else child.kill("SIGTERM");
      }
      await exited;
    },
  };
}

/** A TCP port free on 127.0.0.1 when asked (the kernel's choice for port 0). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()));
    });
  });
}
