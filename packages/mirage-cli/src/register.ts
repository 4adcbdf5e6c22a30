/**
 * `register` (upstream `Mirage.register`): what a `config.ts` calls to declare its unikernel.
 * It adds Mirage's init jobs in upstream's order and records the application for the `mirage`
 * tool, which imports `config.ts` and then reads it.
 *
 * @packageDocumentation
 */

import { type AnyKey, type App, type Impl, type Job, type Package, defineApp } from "@mirage-ts/functoria";
import { mirageBuilder } from "./builder.js";
import { defaultRandom, defaultSleep } from "./catalogue/base.js";
import { defaultArgv, defaultReporter, delayJob, nameJob, randomJob, runtimeArgsJob } from "./init-jobs.js";

/**
 * Options of {@link register}.
 *
 * @public
 */
export interface RegisterOptions {
  /** Where the run-time arguments come from (default {@link defaultArgv}; {@link noArgv} for none). */
  readonly argv?: Impl<"argv">;
  /** The sleep `--delay` waits with (default {@link defaultSleep}). */
  readonly sleep?: Impl<"sleep">;
  /** The log reporter job (default {@link defaultReporter}); `false` sets none, so logs go nowhere. */
  readonly reporter?: Impl<Job> | false;
  /** The random generator connected at boot (default {@link defaultRandom}); `false` skips it. */
  readonly random?: Impl<"random"> | false;
  /** More jobs to run after Mirage's, before the application. */
  readonly init?: readonly Impl<Job>[];
  /** Extra npm packages of the unikernel. */
  readonly packages?: readonly Package[];
  /** Extra configure-time keys, shown and accepted even if no device reads them. */
  readonly keys?: readonly AnyKey[];
}

let registered: App | undefined;

/**
 * Declares the unikernel `name` running `jobs`, after Mirage's init jobs: parse the run-time
 * arguments, `--delay`, the reporter with `-l`, the random generator, the name. A configuration
 * registers exactly one unikernel.
 *
 * @example
 * ```ts
 * const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });
 * register("hello", [apply(hello, defaultSleep)]);
 * ```
 * @throws `TypeError` for a job without arguments (upstream's message), or a second registration.
 * @public
 */
export function register(name: string, jobs: readonly Impl<Job>[], options: RegisterOptions = {}): App {
  if (registered !== undefined)
    throw new TypeError(
      `register was already called (for ${registered.name}): a configuration registers one unikernel`,
    );
  const init: Impl<Job>[] = [runtimeArgsJob(options.argv ?? defaultArgv), delayJob(options.sleep ?? defaultSleep)];
  const reporter = options.reporter ?? defaultReporter();
  if (reporter !== false) init.push(reporter);
  const random = options.random ?? defaultRandom;
  if (random !== false) init.push(randomJob(random));
  init.push(nameJob, ...(options.init ?? []));
  const app = defineApp(mirageBuilder, name, jobs, { init, packages: options.packages, keys: options.keys });
  registered = app;
  return app;
}

/**
 * Returns the application registered since the last call, and forgets it: the tool calls it
 * before and after importing a configuration.
 */
export function takeRegistered(): App | undefined {
  const app = registered;
  registered = undefined;
  return app;
}
