/**
 * The jobs Mirage runs before the application (upstream `Mirage.register`'s init list), in
 * upstream's order: parse the run-time arguments, wait `--delay` seconds, set up the log reporter
 * with the `-l` thresholds, connect the random generator, record the unikernel's name.
 *
 * @packageDocumentation
 */

import { type Impl, type Job, impl, job, runtimeArg } from "@mirage-ts/functoria";
import type { LogLevel } from "@mirage-ts/mirage-runtime";
import { defaultPClock } from "./catalogue/base.js";
import { argv } from "./catalogue/types.js";
import { platformImpl, targetOf } from "./internal/platform.js";
import { versionExpression } from "./internal/unikernel-version.js";

const RUNTIME = "@mirage-ts/mirage-runtime";

/**
 * The unikernel's command line as the platform gives it (upstream `default_argv`).
 *
 * @public
 */
export const defaultArgv: Impl<"argv"> = platformImpl({
  name: "Argv",
  type: argv,
  connect: (t, importValue) => t.argv(importValue),
});

/**
 * An empty command line: run-time arguments keep their defaults (upstream `no_argv`).
 *
 * @public
 */
export const noArgv: Impl<"argv"> = impl({ name: "No_argv", type: argv, connect: () => "[]" });

/**
 * Parses the command line once for every registered run-time argument (upstream `runtime_args`),
 * with the version `mirage build` puts in the bundle and the exit statuses of the target.
 */
export function runtimeArgsJob(commandLine: Impl<"argv">): Impl<Job> {
  return impl({
    name: "Runtime_args",
    type: job,
    extraDeps: [commandLine],
    connect: ({ info, importValue, args: [line = ""] }) => {
      const t = targetOf(info);
      const statuses = t.exitStatuses === undefined ? "" : `, exitStatuses: ${t.exitStatuses(importValue)}`;
      const syntax = t.argumentSyntax === undefined ? "" : `, argumentSyntax: ${JSON.stringify(t.argumentSyntax)}`;
      return (
        `${importValue(RUNTIME, "withArgv")}(${JSON.stringify(info.name)}, ` +
        `${line}, ${t.output(importValue)}, { version: ${versionExpression}${statuses}${syntax} })`
      );
    },
  });
}

/** Waits `--delay` seconds before starting up (upstream `delay_startup`). */
export function delayJob(sleepImpl: Impl<"sleep">): Impl<Job> {
  return impl({
    name: "Delay",
    type: job,
    extraDeps: [sleepImpl],
    runtimeArgs: [runtimeArg({ module: RUNTIME, name: "delayArg", key: "delay" })],
    connect: ({ args: [sleeper = "", seconds = ""] }) => `${sleeper}.sleepNs(BigInt(${seconds}) * 1000000000n)`,
  });
}

/**
 * The default log reporter (upstream `default_reporter`): one line per message on standard error,
 * stamped by the wall clock, with the thresholds of `-l`/`--logs` over `level` (default `info`).
 *
 * @public
 */
export function defaultReporter(options: { readonly level?: LogLevel } = {}): Impl<Job> {
  const level = options.level ?? "info";
  return impl({
    name: "Reporter",
    type: job,
    extraDeps: [defaultPClock],
    runtimeArgs: [runtimeArg({ module: RUNTIME, name: "logsArg", key: "logs" })],
    connect: ({ info, importValue, args: [clock = "", thresholds = ""] }) => {
      const t = targetOf(info);
      const reporter =
        `${importValue(RUNTIME, "createDefaultReporter")}({ sink: ${t.logSink(importValue)}, ` + `clock: ${clock} })`;
      return (
        `(${importValue(RUNTIME, "setReporter")}(${reporter}), ` +
        `${importValue(RUNTIME, "setLevel")}(${JSON.stringify(level)}, ${thresholds}, ${t.output(importValue)}))`
      );
    },
  });
}

/**
 * Connects the random generator before the application starts, so that a generator that needs
 * seeding is ready (upstream `default_random`, which initialises Mirage_crypto_rng).
 */
export function randomJob(generator: Impl<"random">): Impl<Job> {
  return impl({ name: "Random_init", type: job, extraDeps: [generator], connect: () => "undefined" });
}

/** Records the configured name, which `name()` returns unless `--name` is given (upstream `unikernel_name`). */
export const nameJob: Impl<Job> = impl({
  name: "Unikernel_name",
  type: job,
  connect: ({ info, importValue }) => `${importValue(RUNTIME, "setName")}(${JSON.stringify(info.name)})`,
});
