/**
 * Parsing a unikernel's run-time arguments in the simulator. The runtime of mirage-runtime is one
 * per process and parses its command line once, so every simulated unikernel of a process shares
 * one parse: the first call decides, and a later call with other arguments fails loudly instead of
 * being silently ignored.
 *
 * @packageDocumentation
 */

import { runtime, withArgv } from "@mirage-ts/mirage-runtime";

let parsedWith: string | undefined;

/**
 * Parses `argv` (without the program name) for every argument registered by the loaded unikernel
 * modules, as the unix platform does at boot. Import the unikernel's module before calling this.
 *
 * @throws Error when the arguments were already parsed with different values, or are invalid.
 * @beta
 */
export function parseRuntimeArgs(argv: readonly string[] = []): void {
  const key = JSON.stringify(argv);
  if (runtime.args.parsed) {
    if (parsedWith !== undefined && parsedWith !== key) {
      throw new Error(
        `run-time arguments were already parsed as ${parsedWith}; got ${key}: the runtime parses once per ` +
          "process, so give every simulated unikernel the same arguments (or run them in separate test files)",
      );
    }
    return;
  }
  const errors: string[] = [];
  try {
    withArgv("mirage-sim", argv, { out: () => {}, err: (text) => errors.push(text) });
  } catch (error) {
    throw new Error(`invalid run-time arguments ${key}: ${errors.join("").trim() || String(error)}`);
  }
  parsedWith = key;
}
