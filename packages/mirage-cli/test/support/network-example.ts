// What the `network` example does when a kernel peer talks to it, checked the same way by every
// test that runs it (on the direct stack, composed per layer, over each backend).

import { type Namespace, waitFor } from "@mirage-ts/test-support";
import { expect } from "vitest";
import { WAIT_MS } from "./limits.js";
import { KERNEL_IP, type Running } from "./unikernel-link.js";

/**
 * Sends `text` from the kernel side (its address `from`) to `address:port` with nc, then waits for
 * the unikernel to log it.
 */
export async function talk(
  ns: Namespace,
  uk: Running,
  address: string,
  port: number,
  text: string,
  from = KERNEL_IP,
): Promise<void> {
  await waitFor("the unikernel to listen", () => uk.stderr().includes("listening on port"));
  const sent = await ns.run("nc", ["-N", "-w", String(WAIT_MS / 1000), address, String(port)], { input: text });
  expect(sent.code, sent.stderr).toBe(0);
  const peer = new RegExp(
    `\\[INFO\\] \\[network\\] new tcp connection from IP ${from.replaceAll(".", "\\.")} on port \\d+`,
    "u",
  );
  // Several talks may go to one unikernel: wait for this peer's line and this text.
  const logged = () =>
    peer.test(uk.stderr()) &&
    (uk.stderr().includes("Closing connection") || uk.stderr().includes(`read: ${text.length} bytes:\n${text}`));
  await waitFor("the unikernel to log the peer", logged).catch((error: Error) => {
    throw new Error(`${error.message} ${from}; the connections it logged: ${connections(uk)}`);
  });
  expect(uk.stderr()).toMatch(peer);
  expect(uk.stderr()).toContain(`[INFO] [network] read: ${text.length} bytes:\n${text}`);
}

/** The unikernel's log lines about new connections, for a failure's message. */
function connections(uk: Running): string {
  const lines = uk.stderr().split("\n");
  return lines.filter((line) => line.includes("new tcp connection")).join("; ") || "none";
}
