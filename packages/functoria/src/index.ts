/**
 * The `@mirage-ts/functoria` package: see its README.
 *
 * @packageDocumentation
 */
export { type Fn, type Job, type Typ, fn, job, typ } from "./dsl/typ.js";
export {
  type Package,
  type PackageOptions,
  formatPackage,
  mergePackage,
  mergePackages,
  packageRange,
  pkg,
} from "./dsl/package.js";
export {
  type Arg,
  type ArgInfo,
  type Converter,
  type ParseResult,
  flag,
  matchPrefix,
  opt,
  optAll,
  required,
} from "@mirage-ts/cmdliner";
export { conv, formatAlternatives } from "./dsl/converter.js";
export { type AnyKey, type Key, compareKeys, key, keyEquals, keySet } from "./dsl/key.js";
export { Context } from "./dsl/context.js";
export {
  type Value,
  all,
  ap,
  defaultValue,
  ifValue,
  isDetermined,
  map,
  matchValue,
  ofDeps,
  pure,
  value,
} from "./dsl/value.js";
export { type RuntimeArg, type RuntimeArgOptions, runtimeArg, runtimeArgSet } from "./dsl/runtime-arg.js";
export {
  type ConnectContext,
  type Device,
  type DeviceOptions,
  defaultConnect,
  makeDevice,
  niceName,
} from "./dsl/device.js";
export {
  type AbstractImpl,
  type Applied,
  type Impl,
  type ImplArgs,
  type MainOptions,
  apply,
  dep,
  ifImpl,
  impl,
  main,
  matchImpl,
  noop,
} from "./dsl/impl.js";
export { notice, takeNotices } from "./dsl/notices.js";
export { type Info, type InfoFields, formatInfo, formatKeys, makeInfo } from "./dsl/info.js";
export { Action, type Command, type CommandOutput } from "./io/action.js";
export type { Awaitable, FileSystem } from "./io/file-system.js";
export { MemoryFileSystem, type MemoryFileSystemOptions, type MemorySnapshot } from "./io/memory-fs.js";
export {
  type ActionResult,
  type DryRunResult,
  type RunOptions,
  dryRun,
  generatedFiles,
  runAction,
} from "./io/interpret.js";
export {
  type Generator,
  canOverwrite,
  hasHeader,
  headerLine,
  removeGenerated,
  withHeader,
  writeGenerated,
} from "./codegen/filegen.js";
export {
  decodeContextCache,
  encodeContextCache,
  escapeArg,
  readContextCache,
  unescapeArg,
  writeContextCache,
} from "./io/context-cache.js";
export {
  type DeviceGraph,
  type GraphNode,
  devices,
  evalGraph,
  implKeys,
  implPackages,
  implRuntimeArgs,
  simplify,
  switchKeys,
} from "./graph/graph.js";
export { toDot } from "./graph/dot.js";
export {
  type CodeContext,
  type ExportRef,
  type MainFileOptions,
  type RunContext,
  generateMain,
} from "./codegen/codegen.js";
export type { BuildDirs, Builder, BuilderCommand, BuilderCommandContext } from "./engine/builder.js";
export { type App, type AppOptions, JOB_WITHOUT_ARGUMENTS, defineApp } from "./dsl/app.js";
export { type Configuration, type EvaluateOptions, evaluate, preliminaryKeys } from "./graph/configuration.js";
export {
  type ConfigureReport,
  ENGINE_QUERIES,
  buildDirs,
  clean,
  configure,
  configureFiles,
  defaultContextFile,
  describeDot,
  type DescribeDotOptions,
  isSvgOutput,
  describeText,
  mainFile,
  packageJson,
  query,
} from "./engine/engine.js";
export { ExitCode } from "./cli/exit-codes.js";
export {
  CliError,
  type Occurrence,
  type OptionSpec,
  type ParsedOptions,
  type ScannedOptions,
  lastValue,
  occurrencesOf,
  parseOptions,
  scanOptions,
} from "./cli/options.js";
export { type ManBlock, type ManSection, optionItems, renderMan } from "./cli/man.js";
export {
  type CommandDoc,
  type CommandLine,
  type CommandLineSettings,
  type CommandName,
  type CommonArgs,
  type ToolCommand,
  type Verbosity,
  cachedKeyContext,
  commandUsage,
  findCommand,
  keyContext,
  missingRequiredKey,
  parseCommandLine,
  peekCommandLine,
} from "./cli/command-line.js";
export { type ToolIo, type ToolOptions, runTool } from "./cli/tool.js";
export { type VersionCheck, type VersionedTool, checkVersion } from "./cli/version-check.js";
