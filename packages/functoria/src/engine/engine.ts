/**
 * The actions of the sub-commands on an evaluated configuration (upstream `Lib.Make`):
 * `configure` writes the generated entry, runs the devices' configure hooks in dependency order
 * and writes `package.json` where there is none; `query` renders one artefact; `describe` renders the text and the
 * Graphviz views; `clean` removes what `configure` produced. Files without the generated header
 * are left alone.
 *
 * @packageDocumentation
 */

import { generateMain } from "../codegen/codegen.js";
import { writeGenerated } from "../codegen/filegen.js";
import type { Device } from "../dsl/device.js";
import { formatInfo } from "../dsl/info.js";
import { type Package, formatPackage, packageRange } from "../dsl/package.js";
import type { Configuration } from "../graph/configuration.js";
import { toDot } from "../graph/dot.js";
import { Action } from "../io/action.js";
import { writeContextCache } from "../io/context-cache.js";
import { generatedFiles } from "../io/interpret.js";
import { dirname, join } from "../io/path.js";
import type { BuildDirs } from "./builder.js";
import { notInstalled } from "./package-manager.js";

/**
 * The directories of a configuration file.
 *
 * @public
 */
export function buildDirs(tool: string, configFile: string): BuildDirs {
  const configDir = dirname(configFile);
  return { configDir, buildDir: join(configDir, tool) };
}

/**
 * The default context cache file, `<config dir>/<tool>/context`.
 *
 * @public
 */
export function defaultContextFile(tool: string, configFile: string): string {
  return join(buildDirs(tool, configFile).buildDir, "context");
}

/**
 * The query kinds of the engine, the default first.
 *
 * @public
 */
export const ENGINE_QUERIES: readonly string[] = ["packages", "name", "files", "main", "package.json"];

function npmName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/gu, "-")
    .replace(/^[._-]+/u, "");
  return cleaned === "" ? "unikernel" : cleaned;
}

/**
 * The `package.json` of the application: its dependencies (and build-only `devDependencies`),
 * adjusted by the builder.
 *
 * @public
 */
export function packageJson(conf: Configuration): string {
  const { info } = conf;
  const entries = (build: boolean): Record<string, string> =>
    Object.fromEntries(info.packages.filter((p) => p.build === build).map((p) => [p.name, packageRange(p)]));
  const dependencies = entries(false);
  const devDependencies = entries(true);
  const base: Record<string, unknown> = {
    name: npmName(info.name),
    version: "0.0.0",
    private: true,
    type: "module",
    dependencies,
    ...(Object.keys(devDependencies).length === 0 ? {} : { devDependencies }),
  };
  const adjusted = conf.app.builder.packageJson?.(info, base) ?? base;
  return `${JSON.stringify(adjusted, null, 2)}\n`;
}

/**
 * The generated entry file's contents (without header).
 *
 * @public
 */
export function mainFile(conf: Configuration): string {
  const { builder } = conf.app;
  return generateMain({
    info: conf.info,
    graph: conf.graph,
    init: conf.app.init,
    registerArg: builder.registerArg,
    prelude: builder.prelude,
    run: builder.run,
  });
}

function uniqueDevices(conf: Configuration): Device[] {
  return [...new Set(conf.graph.nodes.map((n) => n.device))];
}

/**
 * The files `configure` generates in the generated directory (upstream `query files`).
 *
 * @public
 */
export async function configureFiles(conf: Configuration): Promise<string[]> {
  const files = new Set<string>([conf.info.mainFile]);
  for (const device of uniqueDevices(conf)) {
    for (const f of await generatedFiles(device.configure(conf.info))) files.add(f);
    for (const f of device.files(conf.info)) files.add(f);
  }
  for (const f of conf.app.builder.files?.(conf.info) ?? []) files.add(f);
  return [...files].sort();
}

/**
 * What `query <kind>` prints.
 *
 * @public
 */
export async function query(conf: Configuration, kind: string): Promise<string> {
  const { info } = conf;
  switch (kind) {
    case "name":
      return `${info.name}\n`;
    case "packages":
      return info.packages.map((p) => `${formatPackage(p)}\n`).join("");
    case "files":
      return `${(await configureFiles(conf)).join(" ")}\n`;
    case "main":
      return mainFile(conf);
    case "package.json":
      return packageJson(conf);
    default: {
      const custom = conf.app.builder.queries?.[kind];
      if (custom === undefined) throw new Error(`unknown query kind ${kind}`);
      return custom(info);
    }
  }
}

/**
 * What {@link configure} reports.
 *
 * @public
 */
export interface ConfigureReport {
  /** Log lines, shown with `-v`. */
  readonly log: readonly string[];
  /** The path of the application's `package.json`. */
  readonly packageJson: string;
  /** Whether `configure` wrote `package.json`, there being none. */
  readonly created: boolean;
  /**
   * The packages the user's own `package.json` does not list in `dependencies` or
   * `devDependencies` (none when `configure` created it).
   */
  readonly missing: readonly Package[];
  /** The packages it lists that are not installed (no `node_modules/<name>` up from its folder). */
  readonly notInstalled: readonly Package[];
}

/** The packages a user's `package.json` lacks (all of them if it is not a JSON object). */
function missingFrom(text: string, packages: readonly Package[]): Package[] {
  let listed: Set<string>;
  try {
    const parsed = JSON.parse(text) as { dependencies?: unknown; devDependencies?: unknown } | null;
    const names = (field: unknown): string[] => (field !== null && typeof field === "object" ? Object.keys(field) : []);
    listed = new Set([...names(parsed?.dependencies), ...names(parsed?.devDependencies)]);
  } catch {
    listed = new Set();
  }
  return packages.filter((p) => !listed.has(p.name));
}

/**
 * The `configure` action: saves the command line in the context cache, writes the entry file
 * and runs the device hooks in the generated directory, then writes `package.json` if there is
 * none (an existing one belongs to the user and is never rewritten: the report says what it
 * lacks), finds the dependencies not installed, and runs the builder's hook.
 *
 * @public
 */
export function configure(
  conf: Configuration,
  options: { readonly argv: readonly string[]; readonly contextFile: string },
): Action<ConfigureReport> {
  const { info } = conf;
  const { builder } = conf.app;
  const dirs = buildDirs(builder.name, info.configFile);
  // Generated eagerly so that errors of device code surface before any file is touched.
  const code = mainFile(conf);
  const pkg = packageJson(conf);
  return Action.gen(function* () {
    const log: string[] = [];
    yield* Action.mkdir(dirs.buildDir);
    log.push(`Preserving arguments in ${options.contextFile}`);
    yield* writeContextCache(options.contextFile, options.argv);
    yield* Action.withDir(dirs.buildDir, () =>
      Action.gen(function* () {
        log.push(`Generating: ${info.mainFile} (main file)`);
        if (!(yield* writeGenerated(builder, info.mainFile, code)))
          log.push(`Skipped ${info.mainFile} (not generated by ${builder.name})`);
        for (const device of uniqueDevices(conf)) yield* device.configure(info);
      }),
    );
    const pkgPath = join(dirs.configDir, "package.json");
    const created = !(yield* Action.isFile(pkgPath));
    let missing: Package[] = [];
    if (created) {
      log.push(`Generating: ${pkgPath} (package.json)`);
      yield* Action.writeFile(pkgPath, pkg);
    } else {
      log.push(`Keeping ${pkgPath} (the user's own)`);
      missing = missingFrom(yield* Action.readFile(pkgPath), info.packages);
    }
    const listed = info.packages.filter((p) => !missing.includes(p));
    const notInstalledYet = yield* notInstalled(dirs.configDir, listed);
    if (builder.configure !== undefined) yield* builder.configure(info, dirs);
    return { log, packageJson: pkgPath, created, missing, notInstalled: notInstalledYet };
  });
}

/**
 * The `clean` action: removes the generated directory, then runs the builder's hook. The
 * `package.json` is the user's and stays. Works without a configuration.
 *
 * @public
 */
export function clean(
  tool: { readonly name: string; readonly clean?: ((dirs: BuildDirs) => Action<void>) | undefined },
  configFile: string,
): Action<string[]> {
  const dirs = buildDirs(tool.name, configFile);
  return Action.gen(function* () {
    yield* Action.rmdir(dirs.buildDir);
    if (tool.clean !== undefined) yield* tool.clean(dirs);
    return [];
  });
}

/**
 * What `describe` prints first (upstream `Info.pp`).
 *
 * @public
 */
export function describeText(conf: Configuration, verbose: boolean): string {
  return formatInfo(conf.info, { verbose });
}

/**
 * Options of {@link describeDot}.
 *
 * @public
 */
export interface DescribeDotOptions {
  /** `-o`: a file (`.svg` for an image, dot text otherwise), `-` for the returned string, or none. */
  readonly output: string | undefined;
  /** `--dot-command`: the viewer run on a temporary dot file when there is no `output`. */
  readonly dotCommand: string | undefined;
  /**
   * Draws dot text as an SVG image, for an `output` ending in `.svg` (the tool host brings it:
   * mirage-cli's runs Graphviz compiled to WebAssembly). Without it such an output fails.
   */
  readonly renderSvg?: ((dot: string) => string) | undefined;
}

/**
 * Whether `describe --dot` draws the graph as SVG for the output `path` (it ends in `.svg`).
 *
 * @beta
 */
export function isSvgOutput(path: string | undefined): path is string {
  return path?.toLowerCase().endsWith(".svg") === true;
}

function drawSvg(path: string, dot: string, renderSvg: ((dot: string) => string) | undefined): Action<string> {
  if (renderSvg === undefined)
    return Action.fail(`cannot draw ${path}: this tool has no SVG renderer; write the dot text with -o graph.dot`);
  return Action.defer(() => {
    let svg: string;
    try {
      svg = renderSvg(dot);
    } catch (e) {
      return Action.fail(`cannot draw ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return Action.writeFile(path, svg).map(() => "");
  });
}

/**
 * The `describe --dot` action: draws the graph as SVG into an `output` ending in `.svg`, writes its
 * dot text to another `output` (returns it for `-`), shows a temporary dot file with `dotCommand`,
 * or returns the dot text when there is neither. Returns what to print.
 *
 * @public
 */
export function describeDot(conf: Configuration, options: DescribeDotOptions): Action<string> {
  const dot = toDot(conf.impl);
  const { output, dotCommand, renderSvg } = options;
  if (output === "-" || (output === undefined && dotCommand === undefined)) return Action.ok(dot);
  if (isSvgOutput(output)) return drawSvg(output, dot, renderSvg);
  if (output !== undefined) return Action.writeFile(output, dot).map(() => "");
  return Action.gen(function* () {
    const tmp = yield* Action.tmpFile("graph%s.dot");
    yield* Action.writeFile(tmp, dot);
    const { out } = yield* Action.runCmd([dotCommand ?? "", tmp]);
    yield* Action.rm(tmp);
    return out;
  });
}
