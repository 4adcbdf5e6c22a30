/**
 * `--help[=FMT]` and `--version`, the options every program has, as ordinary arguments so the
 * scanner, the evaluator and the man page treat them like the others.
 *
 * @packageDocumentation
 */

import { type Arg, flag } from "./arg.js";
import { info } from "./arg-info.js";
import { enumConv } from "./converter.js";
import { optionParse } from "./messages.js";

/**
 * The man-page section of the standard options (Cmdliner's `Manpage.s_common_options`).
 *
 * @beta
 */
export const commonOptionsSection = "COMMON OPTIONS";

// Every format prints the same plain page: a platform-neutral runtime has no pager or groff to call,
// but the words Cmdliner accepts are kept so a Mirage command line works unchanged.
const helpFormats = enumConv(
  ["auto", "pager", "groff", "plain"].map((format) => [format, format] as const),
  "FMT",
);

/**
 * `--help`, `--help=FMT` or `--help FMT`: true when present with a valid format.
 *
 * @beta
 */
export const helpArg: Arg<boolean> = {
  kind: "flag",
  converter: undefined,
  info: info(["help"], {
    docs: commonOptionsSection,
    doc:
      "Show this help in format FMT. The value FMT must be one of auto, pager, groff or plain; " +
      "every format prints this plain text.",
  }),
  syntax: "optional-value",
  docv: "FMT",
  note: "default=auto",
  evaluate: (occurrences) => {
    for (const occurrence of occurrences) {
      if (occurrence.value === undefined) continue;
      const parsed = helpFormats.parse(occurrence.value);
      if (!parsed.ok) return { ok: false, error: optionParse(occurrence.name, parsed.error) };
    }
    return { ok: true, value: occurrences.length > 0 };
  },
  print: (value) => String(value),
};

/**
 * `--version`.
 *
 * @beta
 */
export const versionArg: Arg<boolean> = flag(
  info(["version"], { docs: commonOptionsSection, doc: "Show version information." }),
);

/**
 * The options every command line has, in front of the program's own.
 *
 * @beta
 */
export const standardArgs: readonly Arg<boolean>[] = [helpArg, versionArg];
