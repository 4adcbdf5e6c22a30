/**
 * `Output`: where the runtime writes text for the user, injected because the package cannot see a
 * console or the process streams.
 *
 * @packageDocumentation
 */

/**
 * The runtime's text output, standard output and standard error on Unix.
 *
 * Each call writes `text` as given: the runtime passes whole lines ending in `"\n"`.
 *
 * @public
 */
export interface Output {
  /** Writes to standard output (help and version pages, log-source warnings). */
  out(text: string): void;
  /** Writes to standard error (parsing errors and their hint). */
  err(text: string): void;
}
