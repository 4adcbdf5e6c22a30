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
 * The command that runs the project's script `script` with that package manager.
 *
 * @beta
 */
export function runScript(pm: PackageManager, script: "configure" | "build" | "start" | "install"): string {
  if (script === "install") return pm === "yarn" ? "yarn" : `${pm} install`;
  if (script === "start") return `${pm} start`;
  return pm === "npm" ? `npm run ${script}` : `${pm} run ${script}`;
}
