/**
 * What a template is: the files that make a unikernel of one kind, and the `@mirage-ts` packages
 * its configuration needs on the `unix` target.
 */

import type { ScriptRunner } from "../package-manager.js";

/**
 * The names of the templates.
 *
 * @beta
 */
export type TemplateName = "hello" | "network" | "kv";

/**
 * A project template.
 *
 * @beta
 */
export interface Template {
  readonly name: TemplateName;
  /** One line for the menu and `--help`. */
  readonly summary: string;
  /** The `@mirage-ts` packages the unikernel imports or connects (`dependencies`). */
  readonly packages: readonly string[];
  /** The template's own files (`config.ts`, `unikernel.ts`, data), by path, for a unikernel named `name`. */
  files(name: string): Readonly<Record<string, string>>;
  /** What the README says the unikernel does and how to try it, in Markdown, with `run`'s commands. */
  readme(name: string, run: ScriptRunner): string;
  /** The arguments of the `configure` script the next steps suggest (none: the default). */
  readonly firstConfigure: readonly string[];
  /**
   * What the README adds for a unikernel named `name` of this template in a page (`-t browser`) and in a
   * simulation (`-t sim`).
   */
  readonly notes?: { readonly browser?: (name: string) => string; readonly sim?: (name: string) => string };
}
