/**
 * Cmdliner for mirage-ts: converters, argument specifications, the command-line scanner and
 * evaluator, Cmdliner-worded messages with typo hints, and the plain man page. One implementation
 * for both stages, as OCaml Mirage uses one Cmdliner: the `mirage` tool's configure-time keys
 * (functoria) and a unikernel's run-time arguments (mirage-runtime). Platform neutral.
 *
 * @packageDocumentation
 */

export {
  type Arg,
  type ArgKind,
  type ArgSyntax,
  type Occurrence,
  type OptOptions,
  flag,
  flagAll,
  opt,
  optAll,
  optional,
  required,
} from "./arg.js";
export { type ArgInfo, type ArgInfoOptions, checkNames, info } from "./arg-info.js";
export {
  type ScanOptions,
  type ScannedCommandLine,
  type WholeScan,
  indexByName,
  isOptionLike,
  scanCommandLine,
  scanWholeCommandLine,
} from "./command-line.js";
export {
  type Converter,
  type ConverterSpec,
  type StandardConverters,
  boolConv,
  enumConv,
  floatConv,
  intConv,
  listConv,
  makeConv,
  standardConverters,
  stringConv,
} from "./converter.js";
export { type Dialect, bareDialect, quotedDialect } from "./dialect.js";
export { type CommandLineOutcome, evaluateCommandLine } from "./evaluate.js";
export { type ExitStatus, type ManPage, renderManPage } from "./man-page.js";
export { type PrefixMatch, matchPrefix } from "./match-prefix.js";
export * from "./messages.js";
export { optionName } from "./option-name.js";
export type { ParseResult } from "./parse-result.js";
export { commonOptionsSection, helpArg, standardArgs, versionArg } from "./standard-options.js";
export { editDistance, suggest, suggestOption } from "./suggest.js";
export { fill, indent, maxLineLength } from "./text.js";
