/**
 * Choosing what serves a connection by its first bytes, before any protocol machinery reads them.
 *
 * @packageDocumentation
 */

import type { Duplex } from "node:stream";

/**
 * Reads the first bytes of `stream` until `decide` names what they are, then puts them back
 * (`unshift`) for whatever takes the connection: the next reader gets everything from byte 0. A
 * connection that sends nothing decisive within `timeoutMs` gives `timeout` (a slow head); one that
 * ends first, `closed`.
 */
export function sniff<T extends string>(
  stream: Duplex,
  timeoutMs: number,
  decide: (seen: Buffer) => T | undefined,
): Promise<T | "timeout" | "closed"> {
  return new Promise((resolve) => {
    let seen: Buffer = Buffer.alloc(0);
    const finish = (how: T | "timeout" | "closed"): void => {
      clearTimeout(timer);
      stream.removeListener("readable", onReadable);
      stream.removeListener("end", onGone);
      stream.removeListener("close", onGone);
      if (seen.length > 0 && how !== "timeout" && how !== "closed") stream.unshift(seen);
      resolve(how);
    };
    const onGone = (): void => finish("closed");
    const onReadable = (): void => {
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) {
        seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
        const decided = decide(seen);
        if (decided !== undefined) {
          finish(decided);
          return;
        }
      }
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    stream.on("readable", onReadable);
    stream.once("end", onGone);
    stream.once("close", onGone);
  });
}
