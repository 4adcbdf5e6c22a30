/**
 * The exit statuses of a unikernel in a page.
 *
 * @packageDocumentation
 */

import { type ExitStatus, exitStatuses } from "@mirage-ts/mirage-runtime";

/**
 * The exit statuses a unikernel documents in `--help` in a page: the runtime's (0, 63, 64, 125 and
 * 255 on an uncaught error). A page has no signals; {@link Main.run} reports the status as the
 * `data-mirage-exit` attribute of the document element and a `mirage-exit` event.
 *
 * @beta
 */
export const browserExitStatuses: readonly ExitStatus[] = Object.freeze([...exitStatuses]);
