/**
 * The failure of a socket-stack listener to bind its port, worded for the person running the
 * unikernel: the protocol, the port, the system's reason and what to do about it.
 *
 * @packageDocumentation
 */

import { errorCode, systemReason } from "../internal/system-error.js";

// What to do, for the reasons a listener commonly fails with.
const remedies: Readonly<Record<string, string>> = {
  EADDRINUSE: "another program listens there: stop it or choose another port",
  EACCES: "a port below 1024 needs root or the CAP_NET_BIND_SERVICE capability: choose a port from 1024",
  EADDRNOTAVAIL: "the address is not one of the host's: choose another with --ipv4 or --ipv6",
};

/**
 * A TCP or UDP listener of the socket stack could not bind its port (in use, no permission). Its
 * message is complete, so {@link Main.run} prints it without a stack before exiting with 255.
 *
 * @beta
 */
export class ListenError extends Error {
  /** The protocol of the listener. */
  readonly protocol: "tcp" | "udp";
  /** The port it could not bind. */
  readonly port: number;
  /** The system error code (`EADDRINUSE`, `EACCES`), if the host gave one. */
  readonly code: string | undefined;

  /**
   * Builds the error from the host's error `cause`:
   * `tcp: cannot listen on port 80: permission denied (EACCES); a port below 1024 needs root…`.
   */
  constructor(protocol: "tcp" | "udp", port: number, cause: unknown) {
    const code = errorCode(cause);
    const remedy = code === undefined ? undefined : remedies[code];
    super(
      `${protocol}: cannot listen on port ${port}: ${systemReason(cause)}` +
        (code === undefined ? "" : ` (${code})`) +
        (remedy === undefined ? "" : `; ${remedy}`),
      { cause },
    );
    this.name = "ListenError";
    this.protocol = protocol;
    this.port = port;
    this.code = code;
  }
}
