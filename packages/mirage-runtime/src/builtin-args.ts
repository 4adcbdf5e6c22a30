/**
 * The run-time arguments Mirage itself defines: `--delay`, `--name` and `-l`/`--logs`. The generated
 * main registers the ones its init jobs read (`registerArg(delayArg)`), as upstream's does.
 *
 * @packageDocumentation
 */

import { type Arg, info, intConv, invalidValue, makeConv, opt, optional, stringConv } from "@mirage-ts/cmdliner";
import { sections } from "./arg-info.js";
import { logLevels } from "./log-level.js";
import { type LogThreshold, logThresholdsConv } from "./log-threshold.js";

// Upstream takes any int; a negative delay could only fail later, in the sleep, so it is refused here.
const secondsConv = makeConv<number>({
  docv: "INT",
  parse: (text) => {
    const parsed = intConv.parse(text);
    if (parsed.ok && parsed.value < 0) {
      return { ok: false, error: invalidValue(text, "a non-negative integer") };
    }
    return parsed;
  },
});

/**
 * `--delay=SECONDS`: how long to wait before starting up; 0 by default (Mirage_runtime's `delay`).
 *
 * @public
 */
export const delayArg: Arg<number> = opt(
  secondsConv,
  0,
  info(["delay"], {
    docs: sections.common,
    docv: "SECONDS",
    doc: "Delay n seconds before starting up.",
  }),
);

/**
 * `--name=NAME`: the run-time name of the unikernel, read through {@link Runtime.name}
 * (Mirage_runtime's `name_k`). Every runtime registers it.
 *
 * @public
 */
export const nameArg: Arg<string | undefined> = optional(
  stringConv,
  info(["name"], {
    docs: sections.common,
    docv: "NAME",
    doc: "Runtime name of the unikernel, returned by name() and used for example by syslog.",
    absent: "defaults to the configuration-time name",
  }),
);

/**
 * `-l LEVEL` / `--logs=LEVEL`: log thresholds such as `*:info,tcp:debug`, applied by
 * {@link LogRegistry.setLevel} (Mirage_runtime's `logs`).
 *
 * @public
 */
export const logsArg: Arg<readonly LogThreshold[]> = opt(
  logThresholdsConv,
  [],
  info(["l", "logs"], {
    docs: sections.log,
    docv: "LEVEL",
    doc:
      "Be more or less verbose. LEVEL must be of the form *:info,foo:debug, which sets the log " +
      "threshold to info for every log source but foo, which is set to debug. The log level must " +
      `be one of ${logLevels.slice(0, -1).join(", ")} or ${logLevels.at(-1)}.`,
  }),
);
