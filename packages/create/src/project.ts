/**
 * The files of a new project: the template's own, and around them a `package.json`, a strict
 * `tsconfig.json` for editors, a `.gitignore` and a README, all of them the user's to edit (none
 * carries mirage's generated header, so `mirage configure` and `mirage clean` leave them alone).
 */
import { type PackageManager, type ScriptRunner, runScript } from "./package-manager.js";
import type { Template } from "./templates/index.js";

/** The package that provides the `mirage` command; a build-time dependency of every project. */
const TOOL = "@mirage-ts/mirage-cli";

/**
 * What {@link projectFiles} needs.
 *
 * @beta
 */
export interface ProjectOptions {
  /** The package and unikernel name (see {@link projectName}). */
  readonly name: string;
  readonly template: Template;
  /** The version range of each `@mirage-ts` package. */
  readonly versions: ReadonlyMap<string, string>;
  /** The package manager whose commands the README shows. */
  readonly packageManager: PackageManager;
}

/**
 * A package and unikernel name made from a directory name: lower case, with what npm refuses in a
 * name (and in a file name: the bundle is `dist/<name>.mjs`) replaced by `-`.
 *
 * @beta
 */
export function projectName(directory: string): string {
  const name = directory
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|-+$/g, "")
    .slice(0, 214);
  return name === "" ? "unikernel" : name;
}

function range(versions: ReadonlyMap<string, string>, name: string): string {
  const found = versions.get(name);
  if (found === undefined)
    throw new Error(`no version known for ${name} (it is missing from @mirage-ts/create's package.json)`);
  return found;
}

const sorted = (entries: readonly (readonly [string, string])[]): Record<string, string> =>
  Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));

function packageJson({ name, template, versions }: ProjectOptions): string {
  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      configure: "mirage configure -t unix",
      build: "mirage build",
      start: `node --enable-source-maps dist/${name}.mjs`,
    },
    dependencies: sorted(template.packages.map((p) => [p, range(versions, p)] as const)),
    devDependencies: sorted([[TOOL, range(versions, TOOL)]]),
    // npm (11.10 on) and pnpm run no dependency's install script unless the project allows it:
    // mirage-unix's builds the tap addon; esbuild's only re-checks its platform binary.
    allowScripts: { "@mirage-ts/mirage-unix": true, esbuild: false },
    pnpm: { onlyBuiltDependencies: ["@mirage-ts/mirage-unix"], ignoredBuiltDependencies: ["esbuild"] },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

// The options `mirage build` type-checks with (it reads this file), plus the strict extras; `types`
// is empty because a unikernel sees no Node.js globals, only its devices.
const TSCONFIG = {
  compilerOptions: {
    target: "ES2023",
    lib: ["ES2023"],
    module: "ESNext",
    moduleResolution: "Bundler",
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
  include: ["*.ts", "mirage/**/*.ts"],
};

const GITIGNORE = "node_modules/\n# Written by mirage configure and mirage build.\nmirage/\ndist/\n";

// The other targets, as the root README and getting-started show them: configure prints the npm command adding
// the target's platform package, which package.json (made for unix) lacks.
function otherTargets(name: string, template: Template, run: ScriptRunner): string[] {
  const build = run("build").padEnd(38);
  return [
    "## In a web page (`-t browser`)",
    "",
    "```sh",
    "npx mirage configure -t browser        # then run the install command it prints (@mirage-ts/mirage-browser)",
    `${build} # dist/index.html and one bundle`,
    "python3 -m http.server -d dist 8080    # then open http://127.0.0.1:8080/?l=debug",
    "```",
    "",
    "The page's query string is the command line: `?l=debug` is `-l debug`, `?help` shows the options, and a",
    'bad argument ends the page with status 64 (marked as `<html data-mirage-exit="64">`).',
    ...(template.notes?.browser === undefined ? [] : ["", template.notes.browser(name)]),
    "",
    "## In a simulation (`-t sim`)",
    "",
    "```sh",
    "npx mirage configure -t sim            # then run the install command it prints (@mirage-ts/mirage-sim)",
    `${build} # dist/${name}.mjs`,
    `MIRAGE_SIM_SEED=3 node dist/${name}.mjs`,
    "```",
    "",
    "The unikernel runs on a virtual clock that jumps to the next event (a sleep of an hour takes no time), and",
    "every random draw comes from `MIRAGE_SIM_SEED` (default 1): the same seed gives the same output.",
    ...(template.notes?.sim === undefined ? [] : ["", template.notes.sim(name)]),
    "",
    `\`${run("configure")}\` configures for unix again.`,
    "",
  ];
}

function readme({ name, template, packageManager: pm }: ProjectOptions): string {
  const run: ScriptRunner = (script, args) => runScript(pm, script, args);
  const commands = [
    [runScript(pm, "install"), "the @mirage-ts packages and the mirage tool"],
    [runScript(pm, "configure"), "mirage configure -t unix: writes mirage/main.ts"],
    [runScript(pm, "build"), `type-checks and bundles dist/${name}.mjs`],
    [runScript(pm, "start"), "runs it; add -- --help for its options"],
  ] as const;
  const width = Math.max(...commands.map(([command]) => command.length)) + 2;
  return [
    `# ${name}`,
    "",
    `A mirage-ts unikernel, started from the \`${template.name}\` template of \`@mirage-ts/create\`.`,
    "",
    template.readme(name, run),
    ...otherTargets(name, template, run),
    "## Commands",
    "",
    "```sh",
    ...commands.map(([command, what]) => `${command.padEnd(width)}# ${what}`),
    "```",
    "",
    "`config.ts` chooses the devices; `unikernel.ts` is the program. `npx mirage describe` shows the",
    "device graph and `npx mirage configure --help` the configuration keys.",
    "",
  ].join("\n");
}

/**
 * The files of a new project by path (relative, `/`-separated), in writing order.
 *
 * @beta
 */
export function projectFiles(options: ProjectOptions): Readonly<Record<string, string>> {
  return {
    "package.json": packageJson(options),
    "tsconfig.json": `${JSON.stringify(TSCONFIG, null, 2)}\n`,
    ".gitignore": GITIGNORE,
    "README.md": readme(options),
    ...options.template.files(options.name),
  };
}
