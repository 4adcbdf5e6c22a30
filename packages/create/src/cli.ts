/**
 * The `create` command: reads the directory and template from the command line or, on a terminal,
 * asks for what is missing; then writes the project and says what to run next.
 */
import { basename, relative, resolve } from "node:path";
import { UsageError, parseCreateArgs, usage } from "./args.js";
import { type PackageManager, runScript } from "./package-manager.js";
import { projectFiles, projectName } from "./project.js";
import { TEMPLATES, type Template, findTemplate } from "./templates/index.js";
import { templateVersions } from "./versions.js";
import { unusableDirectory, writeProject } from "./write-project.js";

/**
 * What `create` needs from its host.
 *
 * @beta
 */
export interface CreateHost {
  /** Where a relative directory is resolved. */
  readonly cwd: string;
  readonly packageManager: PackageManager;
  /** Whether questions can be asked (a terminal, not CI). */
  readonly interactive: boolean;
  /** Asks a question and returns the answer (only called when `interactive`). */
  ask(question: string): Promise<string>;
  out(text: string): void;
  err(text: string): void;
  /** The `@mirage-ts` version ranges; this package's own by default. */
  readonly versions?: ReadonlyMap<string, string>;
}

const DEFAULT_DIRECTORY = "mirage-app";

async function askDirectory(host: CreateHost): Promise<string> {
  const answer = (await host.ask(`Project directory (${DEFAULT_DIRECTORY}): `)).trim();
  return answer === "" ? DEFAULT_DIRECTORY : answer;
}

async function askTemplate(host: CreateHost): Promise<Template> {
  const menu = TEMPLATES.map((t, i) => `  ${i + 1}. ${t.name}: ${t.summary}`).join("\n");
  for (;;) {
    const answer = (await host.ask(`Template:\n${menu}\nChoose 1-${TEMPLATES.length} or a name (1): `)).trim();
    const chosen = answer === "" ? TEMPLATES[0] : (TEMPLATES[Number(answer) - 1] ?? findTemplate(answer));
    if (chosen !== undefined) return chosen;
    host.err(`${JSON.stringify(answer)} is not a template\n`);
  }
}

/**
 * Runs `create` with the arguments after the command name; returns the exit status (0 done, 1 the
 * directory cannot be used, 2 a bad command line).
 *
 * @beta
 */
export async function runCreate(argv: readonly string[], host: CreateHost): Promise<number> {
  let args: ReturnType<typeof parseCreateArgs>;
  try {
    args = parseCreateArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    host.err(`create: ${error.message}\nRun with --help for the usage.\n`);
    return 2;
  }
  if (args.help) {
    host.out(usage());
    return 0;
  }
  let directory = args.directory;
  if (directory === undefined) {
    if (!host.interactive) {
      host.err("create: name the project's directory, e.g. npm create @mirage-ts my-unikernel -- --template hello\n");
      return 2;
    }
    directory = await askDirectory(host);
  }
  const target = resolve(host.cwd, directory);
  const unusable = unusableDirectory(target);
  if (unusable !== undefined) {
    host.err(`create: ${unusable}\n`);
    return 1;
  }
  const template =
    args.template !== undefined
      ? findTemplate(args.template)!
      : host.interactive
        ? await askTemplate(host)
        : TEMPLATES[0]!;
  const name = projectName(basename(target));
  const files = projectFiles({
    name,
    template,
    versions: host.versions ?? templateVersions(),
    packageManager: host.packageManager,
  });
  try {
    writeProject(target, files);
  } catch (error) {
    host.err(`create: cannot write the project into ${target}: ${(error as Error).message}\n`);
    return 1;
  }
  const shown = relative(host.cwd, target) || ".";
  const pm = host.packageManager;
  host.out(
    [
      `Created ${name} (template ${template.name}) in ${shown}: ${Object.keys(files).join(", ")}`,
      "",
      "Next:",
      ...(shown === "." ? [] : [`  cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`]),
      `  ${runScript(pm, "install")}`,
      `  ${runScript(pm, "configure", template.firstConfigure)}`,
      `  ${runScript(pm, "build")}`,
      `  ${runScript(pm, "start")}`,
      "",
    ].join("\n"),
  );
  return 0;
}
