// Waiting for a condition on the host that no event announces (a link appearing, a daemon binding its
// port): polled, with a limit that only stops a hang.
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The longest the namespace harness waits for a condition by default: only a net against a hang,
 * sized for a loaded 2-core machine where a unikernel takes a minute to start beside builds.
 */
export const WAIT_MS = 120_000;

/** The longest one command run in a namespace may take by default (a net against a hang as well). */
export const COMMAND_MS = 300_000;

/** Polls `condition` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
