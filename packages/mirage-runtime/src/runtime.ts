/**
 * A runtime: the hooks, run-time arguments and log sources of one unikernel, plus its name.
 *
 * @packageDocumentation
 */

import { nameArg } from "./builtin-args.js";
import { Hooks } from "./hooks.js";
import { LogRegistry } from "./log-registry.js";
import { RuntimeArgs } from "./runtime-args.js";

/**
 * Everything a unikernel's runtime holds. A unikernel has one, {@link runtime}; tests create fresh
 * ones with {@link createRuntime}.
 *
 * @public
 */
export interface Runtime {
  /** Main-loop and exit hooks. */
  readonly hooks: Hooks;
  /** Run-time arguments. */
  readonly args: RuntimeArgs;
  /** Log sources, thresholds and the reporter. */
  readonly logs: LogRegistry;
  /**
   * The unikernel's name: `--name` if given, else the name set by {@link Runtime.setName}, else
   * `no-name`.
   *
   * @throws Error "Called too early…" before the command line is parsed, as upstream
   */
  name(): string;
  /** Sets the configuration-time name (the generated main's last init job). */
  setName(name: string): void;
}

/**
 * Creates a runtime with no hooks, no log sources and only `--name` registered.
 *
 * @public
 */
export function createRuntime(): Runtime {
  const args = new RuntimeArgs();
  const nameGiven = args.registerArg(nameArg);
  let configuredName: string | undefined;
  return {
    hooks: new Hooks(),
    args,
    logs: new LogRegistry(),
    name: () => nameGiven() ?? configuredName ?? "no-name",
    setName: (name) => {
      configuredName = name;
    },
  };
}
