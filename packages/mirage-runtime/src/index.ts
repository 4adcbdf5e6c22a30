/**
 * The mirage-ts runtime (Mirage_runtime): main-loop and exit hooks, run-time arguments parsed once at
 * boot with Mirage's exit statuses, log sources with thresholds and the `-l` syntax, and the default
 * reporter. Platform neutral: output, clocks and the exit itself are injected or requested.
 *
 * @packageDocumentation
 */

export {
  type Arg,
  type ArgInfo,
  type ArgInfoOptions,
  type ArgSyntax,
  type Converter,
  type ConverterSpec,
  type ExitStatus,
  type Occurrence,
  type ParseResult,
  boolConv,
  enumConv,
  flag,
  floatConv,
  info,
  intConv,
  listConv,
  makeConv,
  opt,
  optAll,
  optional,
  required,
  stringConv,
} from "@mirage-ts/cmdliner";
export { manSectionOrder, sections } from "./arg-info.js";
export { delayArg, logsArg, nameArg } from "./builtin-args.js";
export { httpPortArg, httpsPortArg, portConv, tlsArg } from "./http-args.js";
export {
  acceptRouterAdvertisementsArg,
  interfaceArg,
  ipv4AddrConv,
  ipv4Arg,
  ipv4GatewayArg,
  ipv4OnlyArg,
  ipv4PrefixConv,
  ipv6AddrConv,
  ipv6Arg,
  ipv6GatewayArg,
  ipv6OnlyArg,
  ipv6PrefixConv,
  type NetworkArgOptions,
} from "./network-args.js";
export {
  atEnterIter,
  atExit,
  atLeaveIter,
  logSource,
  name,
  registerArg,
  runEnterIterHooks,
  runExitHooks,
  runLeaveIterHooks,
  runtime,
  setLevel,
  setName,
  setReporter,
  withArgv,
} from "./default-runtime.js";
export {
  argumentError,
  exitStatuses,
  exitSuccess,
  StartupError,
  ExitRequest,
  helpVersion,
  internalError,
} from "./exit.js";
export { groupName } from "./group-name.js";
export { Hooks, type ExitHook } from "./hooks.js";
export { MainExit, type MainExitHost, checkExitCode } from "./main-exit.js";
export { type IterationHooks, type Iterations, iterations } from "./iterations.js";
export {
  levelEnabled,
  logLevels,
  parseLogLevel,
  type LogLevel,
  type MessageLevel,
} from "./log-level.js";
export { LogRegistry } from "./log-registry.js";
export type {
  LogEvent,
  LogMessage,
  LogOptions,
  LogSource,
  LogTags,
  Reporter,
} from "./log-source.js";
export {
  logThresholdConv,
  logThresholdsConv,
  parseLogThreshold,
  printLogThreshold,
  type LogThreshold,
} from "./log-threshold.js";
export type { Output } from "./output.js";
export {
  createDefaultReporter,
  formatLogLine,
  formatRfc3339,
  type DefaultReporterOptions,
  type LogClock,
} from "./reporter.js";
export { createRuntime, type Runtime } from "./runtime.js";
export { datePClock } from "./date-pclock.js";
export {
  calledTooEarly,
  calledTooLate,
  RuntimeArgs,
  type WithArgvOptions,
  type ArgumentSyntax,
} from "./runtime-args.js";
