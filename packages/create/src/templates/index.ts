import { helloTemplate } from "./hello.js";
import { kvTemplate } from "./kv.js";
import { networkTemplate } from "./network.js";
import type { Template, TemplateName } from "./template.js";

/**
 * The templates, in the order the menu shows them.
 *
 * @beta
 */
export const TEMPLATES: readonly Template[] = [helloTemplate, networkTemplate, kvTemplate];

/** The template named `name`, or `undefined`. */
export function findTemplate(name: string): Template | undefined {
  return TEMPLATES.find((t) => t.name === name);
}

export type { Template, TemplateName };
