/**
 * Messages the DSL prints while `config.ts` is evaluated (upstream prints them on stdout, e.g.
 * `adding unit argument to 'start ()' (to delay execution)`). functoria cannot print, so it
 * queues them; the tool drains the queue to its standard output after loading the configuration.
 *
 * @packageDocumentation
 */

const queue: string[] = [];

/**
 * Queues a message for the user.
 *
 * @public
 */
export function notice(message: string): void {
  queue.push(message);
}

/**
 * Returns and clears the queued messages, oldest first.
 *
 * @public
 */
export function takeNotices(): string[] {
  return queue.splice(0, queue.length);
}
