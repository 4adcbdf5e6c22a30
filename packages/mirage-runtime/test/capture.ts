import { type Arg, ExitRequest, type Output, RuntimeArgs, type WithArgvOptions } from "@mirage-ts/mirage-runtime";

/** An `Output` that records what is written to each stream. */
export function captureOutput(): Output & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** What one `withArgv` call did: the exit status it requested (if any) and what it wrote. */
export interface ArgvRun {
  readonly exit: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `withArgv` on `args`, turning an `ExitRequest` into `exit`; other exceptions propagate. */
export function runArgv(
  args: RuntimeArgs,
  argv: readonly string[],
  options?: WithArgvOptions,
  program = "noop",
): ArgvRun {
  const output = captureOutput();
  let exit: number | undefined;
  try {
    args.withArgv(program, argv, output, options);
  } catch (error) {
    if (!(error instanceof ExitRequest)) throw error;
    exit = error.code;
  }
  return { exit, stdout: output.stdout(), stderr: output.stderr() };
}

/** Parses `argv` with `arg` alone: its value, or the exit status and what was written to stderr. */
export function parseArg<T>(arg: Arg<unknown>, argv: string[]): { value?: T; code?: number; err: string } {
  const args = new RuntimeArgs();
  const get = args.registerArg(arg);
  const run = runArgv(args, argv);
  return run.exit === undefined ? { value: get() as T, err: run.stderr } : { code: run.exit, err: run.stderr };
}
