/**
 * Which package manager a project uses, and the exact commands that install what a unikernel
 * needs with it. The nearest lockfile decides (`pnpm-lock.yaml` or `pnpm-workspace.yaml`,
 * `package-lock.json`, `yarn.lock`, `bun.lock`), looking from the project up to the file-system
 * root; without one, the manager that runs the tool (`npm_config_user_agent`, set by `npx`,
 * `pnpm exec`, `yarn`...); else npm. Inside a pnpm workspace a dependency the workspace provides
 * is added with pnpm's `workspace:` protocol, through `--filter` when the project has a name.
 */

import { type Package, packageRange } from "../dsl/package.js";
import { Action } from "../io/action.js";
import { dirname, join } from "../io/path.js";
import { workspaceGlobs, workspaceMembers } from "./workspace-members.js";

/** The package managers whose commands the tool prints. */
export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** How the project installs its dependencies. */
export interface InstallSetup {
  readonly manager: PackageManager;
  /** The project's folder, relative to the current directory (`.` for it). */
  readonly dir: string;
  /** The project's package name, if its package.json has one. */
  readonly project: string | undefined;
  /** The names of the pnpm workspace's packages, when the project is inside one. */
  readonly workspace: ReadonlySet<string> | undefined;
}

const LOCKFILES: readonly (readonly [string, PackageManager])[] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["pnpm-workspace.yaml", "pnpm"],
  ["package-lock.json", "npm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
];

function fromUserAgent(agent: string | undefined): PackageManager | undefined {
  const name = /^(npm|pnpm|yarn|bun)\//u.exec(agent ?? "")?.[1];
  return name as PackageManager | undefined;
}

function projectName(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { name?: unknown } | null;
    return typeof parsed?.name === "string" && parsed.name !== "" ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}

/** What the files up from the project say: its manager, the pnpm workspace's root, its name. */
function lookUp(
  dir: string,
): Action<{ manager: PackageManager | undefined; workspaceRoot: string | undefined; project: string | undefined }> {
  return Action.gen(function* () {
    let manager: PackageManager | undefined;
    let workspaceRoot: string | undefined;
    let current = join(yield* Action.pwd(), dir);
    for (;;) {
      if (workspaceRoot === undefined && (yield* Action.isFile(join(current, "pnpm-workspace.yaml"))))
        workspaceRoot = current;
      if (manager === undefined)
        for (const [file, name] of LOCKFILES)
          if (yield* Action.isFile(join(current, file))) {
            manager = name;
            break;
          }
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
    const pkgPath = join(dir, "package.json");
    const project = (yield* Action.isFile(pkgPath)) ? projectName(yield* Action.readFile(pkgPath)) : undefined;
    return { manager, workspaceRoot, project };
  });
}

/**
 * Finds how the project in `dir` (relative to the current directory, holding its package.json)
 * installs its dependencies, running the file-system work through `perform`. `userAgent` is
 * `npm_config_user_agent`.
 */
export async function detectInstallSetup(
  dir: string,
  userAgent: string | undefined,
  perform: <A>(action: Action<A>) => Promise<A>,
): Promise<InstallSetup> {
  const found = await perform(lookUp(dir));
  const manager = found.manager ?? fromUserAgent(userAgent) ?? "npm";
  const root = found.workspaceRoot;
  let workspace: Set<string> | undefined;
  if (manager === "pnpm" && root !== undefined) {
    const globs = await workspaceGlobs(await perform(Action.readFile(join(root, "pnpm-workspace.yaml"))));
    workspace = await perform(workspaceMembers(root, globs));
  }
  return { manager, dir, project: found.project, workspace };
}

/** Whether `name` is installed where Node would resolve it from `dir`: a `node_modules` up the tree. */
function isInstalled(dir: string, name: string): Action<boolean> {
  return Action.gen(function* () {
    let current = join(yield* Action.pwd(), dir);
    for (;;) {
      if (yield* Action.isDir(join(current, "node_modules", name))) return true;
      const parent = dirname(current);
      if (parent === current) return false;
      current = parent;
    }
  });
}

/** The packages of `packages` that are not installed for the project in `dir`. */
export function notInstalled(dir: string, packages: readonly Package[]): Action<Package[]> {
  return Action.gen(function* () {
    const missing: Package[] = [];
    for (const p of packages) if (!(yield* isInstalled(dir, p.name))) missing.push(p);
    return missing;
  });
}

// Single quotes keep the shell off `^`, `<`, `>` and spaces in ranges.
function quoted(text: string): string {
  return /^[\w@/.:=+-]+$/u.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

function spec(setup: InstallSetup, p: Package): string {
  if (setup.workspace?.has(p.name) === true) return `${p.name}@workspace:^`;
  return p.ranges.length === 0 ? p.name : `${p.name}@${packageRange(p)}`;
}

/** `cd dir && ` when the project is not the current directory (pnpm's `--filter` needs none). */
function inDir(setup: InstallSetup, command: string): string {
  return setup.dir === "." ? command : `cd ${quoted(setup.dir)} && ${command}`;
}

function addCommand(setup: InstallSetup, dev: boolean, specs: readonly string[]): string {
  const list = specs.map(quoted).join(" ");
  switch (setup.manager) {
    case "npm":
      return inDir(setup, `npm install ${dev ? "--save-dev " : ""}${list}`);
    case "pnpm": {
      const add = `add ${dev ? "--save-dev " : ""}${list}`;
      if (setup.workspace !== undefined && setup.project !== undefined)
        return `pnpm --filter ${quoted(setup.project)} ${add}`;
      return inDir(setup, `pnpm ${add}`);
    }
    case "yarn":
    case "bun":
      return inDir(setup, `${setup.manager} add ${dev ? "--dev " : ""}${list}`);
  }
}

/** The commands adding `missing` to the project's package.json (and installing them). */
export function addCommands(setup: InstallSetup, missing: readonly Package[]): string[] {
  const commands: string[] = [];
  for (const dev of [false, true]) {
    const specs = missing.filter((p) => p.build === dev).map((p) => spec(setup, p));
    if (specs.length > 0) commands.push(addCommand(setup, dev, specs));
  }
  return commands;
}

/** The command installing what the project's package.json lists. */
export function installCommand(setup: InstallSetup): string {
  // One install anywhere in a pnpm workspace installs every package of it.
  if (setup.manager === "pnpm" && setup.workspace !== undefined) return "pnpm install";
  return inDir(setup, `${setup.manager} install`);
}
