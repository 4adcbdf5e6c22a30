/**
 * `Console`: a text console (`Mirage_console.S`), a flow plus a line logger.
 *
 * @packageDocumentation
 */

import type { Device } from "./device.js";
import type { Flow } from "./flow.js";

/**
 * A console: a flow over the terminal (standard output and input on Unix) plus `log`.
 *
 * @public
 */
export interface Console extends Flow, Device {
  /** Writes `line` followed by a newline. */
  log(line: string): Promise<void>;
}
