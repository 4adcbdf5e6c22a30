/**
 * The package manager that runs `create` (from `npm_config_user_agent`, which npm, pnpm and yarn set
 * for the commands they start), so the next steps are printed in its words.
 */

/**
 * A package manager.
 *
 * @beta
 */
export type PackageManager = "npm" | "pnpm" | "yarn";

/**
 * The package manager named first in a user agent such as `pnpm/10.34.8 npm/? node/v20.19.0 linux x64`;
 * npm when there is none or it is another.
 *
 * @beta
 */
export function packageManagerOf(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split("/", 1)[0];
  return name === "pnpm" || name === "yarn" ? name : "npm";
}

/**
 * The command that runs the project's script `script` with that package manager, passing `args` on
 * to it (npm needs `--` before them; pnpm and yarn pass a `--` on to the script, which would take it
 * as the end of its options).
 *
 * @beta
 */
export function runScript(
  pm: PackageManager,
  script: "configure" | "build" | "start" | "install",
  args: readonly string[] = [],
): string {
  const command =
    script === "install"
      ? pm === "yarn"
        ? "yarn"
        : `${pm} install`
      : script === "start"
        ? `${pm} start`
        : `${pm} run ${script}`;
  if (args.length === 0) return command;
  return pm === "npm" && script !== "install" ? `${command} -- ${args.join(" ")}` : `${command} ${args.join(" ")}`;
}

/**
 * {@link runScript} for one package manager.
 *
 * @beta
 */
export type ScriptRunner = (script: "configure" | "build" | "start" | "install", args?: readonly string[]) => string;
