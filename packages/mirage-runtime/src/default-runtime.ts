/**
 * The unikernel's runtime and the functions that use it, Mirage_runtime's API: a unikernel has one
 * runtime, which modules reach at load time (`registerArg`, `logSource`) and the platform drives
 * (`withArgv`, the hook runners).
 *
 * @packageDocumentation
 */

import type { Arg } from "@mirage-ts/cmdliner";
import type { ExitHook } from "./hooks.js";
import type { LogLevel } from "./log-level.js";
import type { LogSource, Reporter } from "./log-source.js";
import type { LogThreshold } from "./log-threshold.js";
import type { Output } from "./output.js";
import { type Runtime, createRuntime } from "./runtime.js";
import type { WithArgvOptions } from "./runtime-args.js";

/**
 * The unikernel's runtime, used by every function below.
 *
 * @public
 */
export const runtime: Runtime = createRuntime();

/**
 * Registers `hook` to run at the start of every main-loop iteration; see {@link Hooks.atEnterIter}.
 *
 * @public
 */
export function atEnterIter(hook: () => void): void {
  runtime.hooks.atEnterIter(hook);
}

/**
 * Registers `hook` to run at the end of every main-loop iteration; see {@link Hooks.atLeaveIter}.
 *
 * @public
 */
export function atLeaveIter(hook: () => void): void {
  runtime.hooks.atLeaveIter(hook);
}

/**
 * Registers `hook` to run when the unikernel exits; see {@link Hooks.atExit}.
 *
 * @public
 */
export function atExit(hook: ExitHook): void {
  runtime.hooks.atExit(hook);
}

/**
 * Runs the enter-iteration hooks, newest first; see {@link Hooks.runEnterIterHooks}.
 *
 * @public
 */
export function runEnterIterHooks(): void {
  runtime.hooks.runEnterIterHooks();
}

/**
 * Runs the leave-iteration hooks, newest first; see {@link Hooks.runLeaveIterHooks}.
 *
 * @public
 */
export function runLeaveIterHooks(): void {
  runtime.hooks.runLeaveIterHooks();
}

/**
 * Runs the exit hooks, newest first, reporting failures to `onError`; see {@link Hooks.runExitHooks}.
 *
 * @public
 */
export function runExitHooks(onError?: (error: unknown) => void): Promise<void> {
  return runtime.hooks.runExitHooks(onError);
}

/**
 * Registers a run-time argument and returns the getter of its value; see
 * {@link RuntimeArgs.registerArg}.
 *
 * @example
 * ```ts
 * const hello = registerArg(opt(stringConv, "Hello World!", info(["hello"], { doc: "How to say hello." })));
 * // in start(): hello() is the parsed value
 * ```
 *
 * @public
 */
export function registerArg<T>(arg: Arg<T>): () => T {
  return runtime.args.registerArg(arg);
}

/**
 * Parses the command line once for every registered argument; see {@link RuntimeArgs.withArgv}.
 *
 * @public
 */
export function withArgv(program: string, argv: readonly string[], output: Output, options?: WithArgvOptions): void {
  runtime.args.withArgv(program, argv, output, options);
}

/**
 * The log source named `name`, created on first use; see {@link LogRegistry.source}.
 *
 * @public
 */
export function logSource(name: string, doc?: string): LogSource {
  return runtime.logs.source(name, doc);
}

/**
 * Applies `-l` thresholds over `defaultLevel`; see {@link LogRegistry.setLevel}.
 *
 * @public
 */
export function setLevel(defaultLevel: LogLevel, thresholds: readonly LogThreshold[], output: Output): void {
  runtime.logs.setLevel(defaultLevel, thresholds, output);
}

/**
 * Sets the reporter receiving every message that passes its source's threshold.
 *
 * @public
 */
export function setReporter(reporter: Reporter): void {
  runtime.logs.reporter = reporter;
}

/**
 * The unikernel's name; see {@link Runtime.name}.
 *
 * @public
 */
export function name(): string {
  return runtime.name();
}

/**
 * Sets the configuration-time name of the unikernel; see {@link Runtime.setName}.
 *
 * @public
 */
export function setName(configuredName: string): void {
  runtime.setName(configuredName);
}
