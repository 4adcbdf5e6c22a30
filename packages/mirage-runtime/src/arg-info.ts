/**
 * The man-page sections Mirage groups run-time arguments into (an argument's `info.docs`).
 *
 * @packageDocumentation
 */

import { commonOptionsSection } from "@mirage-ts/cmdliner";

/**
 * The man-page sections of a unikernel's `--help`, as Mirage names them. Sections are listed in
 * {@link manSectionOrder}; an argument's `docs` may also name a section of its own.
 *
 * @public
 */
export const sections = Object.freeze({
  arguments: "ARGUMENTS",
  options: "OPTIONS",
  http: "HTTP OPTIONS",
  ssh: "SSH OPTIONS",
  tls: "TLS OPTIONS",
  happyEyeballs: "HAPPY EYEBALLS OPTIONS",
  dns: "DNS OPTIONS",
  network: "NETWORK OPTIONS",
  log: "LOG AND MONITORING OPTIONS",
  disk: "DISK OPTIONS",
  ocamlRuntime: "OCAML RUNTIME OPTIONS",
  common: commonOptionsSection,
});

/**
 * The order of the argument sections in `--help` (Mirage's `with_argv ~sections`). Sections not
 * listed here follow, in the order their first argument was registered, then COMMON OPTIONS (which
 * holds `--help`, `--version`, `--delay` and `--name`).
 *
 * @public
 */
export const manSectionOrder: readonly string[] = Object.freeze([
  sections.arguments,
  sections.options,
  sections.http,
  sections.ssh,
  sections.tls,
  sections.happyEyeballs,
  sections.dns,
  sections.network,
  sections.log,
  sections.disk,
  sections.ocamlRuntime,
]);
