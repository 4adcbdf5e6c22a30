// Links in the test process's own namespace: `ip` there, and persistent taps made for a test (as an
// administrator makes one for a user), removed with `remove()` or at the process's exit.
import { execFileSync } from "node:child_process";
import { type Leftover, forget, removeAtExit } from "./leftovers.js";
import { tellReaper } from "./reaper.js";

/** `ip ...args` in the caller's own namespace: its standard output; throws with its error if it fails. */
export function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Whether interface `link` is in the caller's own namespace. */
export function linkExists(link: string): boolean {
  try {
    ip("link", "show", "dev", link);
    return true;
  } catch {
    return false;
  }
}

/** A persistent tap made by {@link createTap}. */
export interface PersistentTap {
  readonly name: string;
  /** Deletes the tap; never throws, and a second call does nothing. */
  remove(): void;
}

/**
 * Makes persistent tap `name` in the caller's namespace (`ip tuntap add`), owned by user `user`
 * when given, for a test of code that opens an existing tap.
 */
export function createTap(name: string, options: { readonly user?: number } = {}): PersistentTap {
  ip("tuntap", "add", name, "mode", "tap", ...(options.user === undefined ? [] : ["user", String(options.user)]));
  let removed = false;
  const tap: PersistentTap & Leftover = {
    name,
    remove() {
      if (removed) return;
      removed = true;
      forget(tap);
      try {
        ip("tuntap", "del", name, "mode", "tap");
      } catch {
        // Already gone.
      }
      tellReaper("-", "tap", name);
    },
    removeNow: () => tap.remove(),
  };
  removeAtExit(tap);
  tellReaper("+", "tap", name);
  return tap;
}
