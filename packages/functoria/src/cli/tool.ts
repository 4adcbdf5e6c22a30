/**
 * The tool driver (upstream `Tool` and `Lib.run`): parses the command line in two stages, loads
 * the configuration through the host, merges the command line over the context cache, evaluates
 * the graph and runs the sub-command's actions on the host's file system (or on an in-memory
 * overlay with `--dry-run`, printing the trace). It returns the documented exit code.
 *
 * @packageDocumentation
 */

import { programError } from "@mirage-ts/cmdliner";
import type { App } from "../dsl/app.js";
import { Context } from "../dsl/context.js";
import type { AnyKey } from "../dsl/key.js";
import { takeNotices } from "../dsl/notices.js";
import type { Builder } from "../engine/builder.js";
import {
  type ConfigureReport,
  ENGINE_QUERIES,
  clean,
  configure,
  defaultContextFile,
  describeDot,
  describeText,
  isSvgOutput,
  query,
} from "../engine/engine.js";
import { addCommands, detectInstallSetup, installCommand } from "../engine/package-manager.js";
import { type Configuration, evaluate, preliminaryKeys } from "../graph/configuration.js";
import { Action } from "../io/action.js";
import { readContextCache } from "../io/context-cache.js";
import type { FileSystem } from "../io/file-system.js";
import { runAction } from "../io/interpret.js";
import { MemoryFileSystem } from "../io/memory-fs.js";
import { dirname, join } from "../io/path.js";
import {
  type CommandLineSettings,
  type CommonArgs,
  type Verbosity,
  cachedKeyContext,
  commandUsage,
  missingRequiredKey,
  parseCommandLine,
  peekCommandLine,
} from "./command-line.js";
import { ExitCode } from "./exit-codes.js";
import { CliError } from "./options.js";
import { checkVersion } from "./version-check.js";

/**
 * Where the tool writes its output.
 *
 * @public
 */
export interface ToolIo {
  /** Standard output. */
  stdout(text: string): void;
  /** Standard error. */
  stderr(text: string): void;
}

/**
 * What the host (mirage-cli) provides to {@link runTool}.
 *
 * @public
 */
export interface ToolOptions {
  /** The builder of the tool. */
  readonly builder: Builder;
  /** The command line without the program name. */
  readonly argv: readonly string[];
  /** The file system and processes. */
  readonly fs: FileSystem;
  /** Output streams. */
  readonly io: ToolIo;
  /** Environment variables (for keys with `env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Loads the configuration file (an absolute path) and returns the application it registered.
   * `context.command` is the sub-command about to run (`configure` may check more). A rejection
   * is reported with exit code 123.
   */
  loadApp(configPath: string, context: { readonly command: string | undefined }): Promise<App>;
  /**
   * Where in the configuration's own sources an error it threw comes from, `file:line:column`
   * (from its stack), or `undefined`: the message of a configuration error is then prefixed with it.
   */
  locateError?: ((error: unknown) => string | undefined) | undefined;
  /**
   * Loads the function drawing dot text as an SVG image, for `describe --dot -o FILE.svg` (loaded
   * only then). Without it, such an output is refused.
   */
  readonly svgRenderer?: (() => Promise<(dot: string) => string>) | undefined;
}

const LEVELS: readonly Verbosity[] = ["quiet", "error", "warning", "info", "debug"];

class ToolFailure extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
  }
}

function queryKinds(builder: Builder): string[] {
  return [...ENGINE_QUERIES, ...Object.keys(builder.queries ?? {})];
}

/**
 * Runs the tool on a command line and returns its exit code.
 *
 * @public
 */
export async function runTool(options: ToolOptions): Promise<ExitCode> {
  const { builder, io } = options;
  const settings = (keys: readonly AnyKey[]): CommandLineSettings => ({
    tool: builder,
    keys,
    queryKinds: queryKinds(builder),
    env: options.env,
    defaultConfigFile: builder.defaultConfigFile,
    commands: builder.commands,
  });
  const fail = (message: string): void => io.stderr(`${builder.name}: ${message}\n`);
  try {
    return await run(options, settings);
  } catch (e) {
    if (e instanceof ToolFailure) {
      fail(e.message);
      return e.code;
    }
    if (e instanceof CliError) {
      fail(e.message);
      return ExitCode.cliError;
    }
    fail(`internal error, please report: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return ExitCode.internalError;
  }
}

function readCache(explicit: string | undefined, path: string): Action<string[] | undefined> {
  return Action.gen(function* () {
    if (explicit !== undefined && !(yield* Action.isFile(path)))
      return yield* Action.fail(`cannot find file \`${path}'`);
    return yield* readContextCache(path);
  });
}

function asConfigError(e: unknown, locate?: ToolOptions["locateError"]): Error {
  if (e instanceof CliError || e instanceof ToolFailure) return e;
  const message = e instanceof Error ? e.message : String(e);
  const where = locate?.(e);
  return new ToolFailure(where === undefined ? message : `${where}: ${message}`, ExitCode.configError);
}

/** Runs configuration code (graph evaluation, device hooks), reporting what it throws as a configuration error. */
function guard<A>(f: () => A, locate?: ToolOptions["locateError"]): A {
  try {
    return f();
  } catch (e) {
    throw asConfigError(e, locate);
  }
}

type Logger = (level: Verbosity, message: string) => void;

/** Runs an action on the host's file system, or on an overlay printing the trace with `--dry-run`. */
async function perform<A>(options: ToolOptions, args: CommonArgs, action: Action<A>): Promise<A> {
  const fs = args.dryRun
    ? new MemoryFileSystem({ base: options.fs, cwd: options.fs.cwd(), commands: () => ({ out: "", err: "" }) })
    : options.fs;
  const trace = args.dryRun ? (line: string) => options.io.stderr(`* ${line}\n`) : undefined;
  const result = await runAction(action, fs, trace === undefined ? {} : { trace });
  if (!result.ok) throw new ToolFailure(result.error, ExitCode.actionError);
  return result.value;
}

function usageError(io: ToolIo, tool: string, message: string, usage: string): ExitCode {
  io.stderr(`${programError(tool, message)}\n${usage}\n`);
  return ExitCode.cliError;
}

/** Refuses a configuration whose first line asks for another version of the tool (upstream does it on configure). */
async function checkFirstLine(options: ToolOptions, configFile: string, log: Logger): Promise<void> {
  const { builder, fs } = options;
  const check = checkVersion(builder, await fs.readFile(join(fs.cwd(), configFile)));
  if (!check.ok) throw new ToolFailure(check.error, ExitCode.actionError);
  if (check.warning !== undefined) log("warning", check.warning);
}

/**
 * After `configure`: the exact commands, for the project's package manager, that add the
 * dependencies the user's `package.json` lacks or install those it lists.
 */
async function printInstall(options: ToolOptions, args: CommonArgs, report: ConfigureReport): Promise<void> {
  if (report.missing.length === 0 && report.notInstalled.length === 0) return;
  const dir = dirname(report.packageJson);
  const setup = await detectInstallSetup(dir, options.env?.npm_config_user_agent, (action) =>
    perform(options, { ...args, dryRun: false }, action),
  );
  const lines =
    report.missing.length > 0
      ? [
          `${report.packageJson} does not list every dependency of the unikernel; add them with:`,
          ...addCommands(setup, report.missing).map((c) => `  ${c}`),
        ]
      : ["The dependencies of the unikernel are not installed; install them with:", `  ${installCommand(setup)}`];
  options.io.stdout(`${lines.join("\n")}\n`);
}

async function run(
  options: ToolOptions,
  settings: (keys: readonly AnyKey[]) => CommandLineSettings,
): Promise<ExitCode> {
  const { builder, io, argv, fs } = options;
  const configCode = <A>(f: () => A): A => guard(f, options.locateError);
  const peeked = peekCommandLine(argv, settings([]));
  const { args } = peeked;
  const log: Logger = (level, message) => {
    if (LEVELS.indexOf(args.verbosity) >= LEVELS.indexOf(level))
      io.stderr(`${builder.name}: [${level.toUpperCase()}] ${message}\n`);
  };
  const logAll = (lines: readonly string[]): void => {
    for (const l of lines) log("info", l);
  };
  const hasConfig = await fs.isFile(join(fs.cwd(), args.configFile));
  if (hasConfig && peeked.command === "configure") await checkFirstLine(options, args.configFile, log);

  let app: App | undefined;
  if (hasConfig) {
    try {
      app = await options.loadApp(join(fs.cwd(), args.configFile), { command: peeked.command });
    } catch (e) {
      throw asConfigError(e, options.locateError);
    } finally {
      for (const line of takeNotices()) io.stdout(`${line}\n`);
    }
  }

  // Without a configuration, help and clean still work; the other commands cannot.
  if (app === undefined) {
    const line = parseCommandLine(argv, settings([]));
    if (line.kind === "print") {
      io.stdout(line.text);
      return ExitCode.ok;
    }
    if (line.kind === "error") {
      // The keys (`-t`, `--net`...) come from the configuration: without it, `configure -t unix` would
      // report an unknown `-t`, when the problem is the missing file.
      if (peeked.command !== undefined && peeked.command !== "clean" && peeked.command !== "help")
        throw new ToolFailure(`configuration file ${args.configFile} missing`, ExitCode.actionError);
      return usageError(io, builder.name, line.message, line.usage);
    }
    if (line.command.command !== "clean")
      throw new ToolFailure(`configuration file ${line.command.args.configFile} missing`, ExitCode.actionError);
    logAll(await perform(options, line.command.args, clean(builder, args.configFile)));
    return ExitCode.ok;
  }
  const loaded = app;

  const contextFile = args.contextFile ?? defaultContextFile(builder.name, args.configFile);
  const cached = await perform(options, { ...args, dryRun: false }, readCache(args.contextFile, contextFile));
  if (cached !== undefined) log("info", `reading cache ${contextFile}`);

  // Stage 1: the switch keys decide the graph, hence the full set of keys.
  const early = preliminaryKeys(loaded);
  const cachedEarly =
    cached === undefined ? Context.empty : configCode(() => peekCommandLine(cached, settings(early)).context);
  const base = configCode(() => peekCommandLine(argv, settings(early)).context).merge(cachedEarly);
  const allKeys = configCode(
    () => evaluate(loaded, { context: base, full: true, configFile: args.configFile }).info.keys,
  );

  // Stage 2: the full command line, over the cache.
  const line = configCode(() => parseCommandLine(argv, settings(allKeys)));
  if (line.kind === "print") {
    io.stdout(line.text);
    return ExitCode.ok;
  }
  if (line.kind === "error") return usageError(io, builder.name, line.message, line.usage);
  const tool = line.command;
  const cacheContext = cached === undefined ? Context.empty : cachedKeyContext(cached, settings(allKeys));
  const context = tool.context.merge(cacheContext);
  const full = tool.command === "describe" ? (tool.eval ?? cached !== undefined) : true;
  // The output name given to configure names the files of the later commands too
  // (upstream `Context_cache.peek_output`).
  const output =
    tool.args.output ?? (cached === undefined ? undefined : peekCommandLine(cached, settings([])).args.output);
  const conf: Configuration = configCode(() =>
    evaluate(loaded, { context, full, configFile: tool.args.configFile, output }),
  );
  const verbose = LEVELS.indexOf(tool.args.verbosity) >= LEVELS.indexOf("info");

  switch (tool.command) {
    case "configure": {
      const missing = missingRequiredKey(context, conf.info.keys);
      if (missing !== undefined) return usageError(io, builder.name, missing, commandUsage(builder.name, "configure"));
      log("info", describeText(conf, false).trimEnd());
      const report = await perform(
        options,
        tool.args,
        configCode(() => configure(conf, { argv, contextFile })),
      );
      logAll(report.log);
      await printInstall(options, tool.args, report);
      if (builder.configured !== undefined) io.stdout(`${builder.configured(conf.info)}\n`);
      return ExitCode.ok;
    }
    case "query":
      io.stdout(
        await query(conf, tool.kind).catch((e: unknown) => Promise.reject(asConfigError(e, options.locateError))),
      );
      return ExitCode.ok;
    case "describe": {
      io.stdout(describeText(conf, verbose));
      if (!tool.dot) return ExitCode.ok;
      const { output } = tool.args;
      const renderSvg = isSvgOutput(output) ? await options.svgRenderer?.() : undefined;
      io.stdout(
        await perform(options, tool.args, describeDot(conf, { output, dotCommand: tool.dotCommand, renderSvg })),
      );
      return ExitCode.ok;
    }
    case "clean":
      logAll(await perform(options, tool.args, clean(builder, tool.args.configFile)));
      return ExitCode.ok;
    case "tool": {
      const command = builder.commands?.find((c) => c.name === tool.name);
      if (command === undefined) throw new Error(`the command ${tool.name} has no implementation`);
      try {
        await command.run(conf, { args: tool.args, stdout: io.stdout, stderr: io.stderr, log });
      } catch (e) {
        if (e instanceof ToolFailure || !(e instanceof Error)) throw e;
        throw new ToolFailure(e.message, ExitCode.actionError);
      }
      return ExitCode.ok;
    }
  }
}
