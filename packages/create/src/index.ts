/**
 * Scaffolding of mirage-ts unikernel projects: what `npm create @mirage-ts` runs.
 *
 * @packageDocumentation
 */

export { type CreateArgs, UsageError, parseCreateArgs, usage } from "./args.js";
export { type CreateHost, runCreate } from "./cli.js";
export { type PackageManager, type ScriptRunner, packageManagerOf, runScript } from "./package-manager.js";
export { type ProjectOptions, projectFiles, projectName } from "./project.js";
export { TEMPLATES, type Template, type TemplateName } from "./templates/index.js";
export { templateVersions } from "./versions.js";
export { unusableDirectory, writeProject } from "./write-project.js";
