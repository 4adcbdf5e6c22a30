/**
 * TLS over any flow (`Tls_mirage.Make(F)` in Mirage).
 *
 * @packageDocumentation
 */

import type { Device, Flow, FlowWriteError, MsgError, Result } from "@mirage-ts/mirage-types";
import type { TlsCredentials } from "./credentials.js";

/**
 * TLS errors: the handshake failed (an alert, a certificate that does not verify), the underlying
 * flow failed, or something else described by its message.
 *
 * @beta
 */
export type TlsError =
  | { readonly kind: "handshake"; readonly message: string }
  | { readonly kind: "flow"; readonly message: string }
  | MsgError;

/**
 * TLS write errors: TLS errors, and writing after the write side was closed.
 *
 * @beta
 */
export type TlsWriteError = TlsError | FlowWriteError;

/**
 * A TLS session over a flow, itself a flow of the plaintext.
 *
 * @beta
 */
export interface TlsFlow extends Flow<TlsError, TlsWriteError> {
  /** The protocol agreed by ALPN (`h2`, `http/1.1`), if any. */
  alpnProtocol(): string | undefined;
  /** The server name sent by SNI (on a server: what the client asked for). */
  servername(): string | undefined;
  /** The protocol version (`TLSv1.3`). */
  version(): string;
  /** Whether the session was resumed from an earlier one. */
  resumed(): boolean;
  /** The session to give a later client connection's `session` to resume (clients only). */
  session(): Uint8Array | undefined;
}

/**
 * How a server answers: its certificates (the first by default, the others chosen by the SNI names
 * they cover), the protocols it offers by ALPN in preference order, the oldest version it accepts.
 *
 * @beta
 */
export interface TlsServerConfig {
  readonly credentials: readonly TlsCredentials[];
  readonly alpnProtocols?: readonly string[];
  /** `TLSv1.2` by default. */
  readonly minVersion?: "TLSv1.2" | "TLSv1.3";
}

/**
 * How a client connects. Verification of the server's certificate is on unless `verify` is false:
 * against `ca` (PEM certificates) when given, else the platform's trusted roots.
 *
 * @beta
 */
export interface TlsClientConfig {
  /** The name to send by SNI and to check the certificate against. */
  readonly servername?: string;
  readonly alpnProtocols?: readonly string[];
  readonly ca?: readonly Uint8Array[];
  readonly verify?: boolean;
  /** A session from an earlier connection's {@link TlsFlow}, to resume. */
  readonly session?: Uint8Array;
}

/**
 * The TLS device: turns established flows into TLS sessions, as a server or a client.
 *
 * @beta
 */
export interface Tls extends Device {
  /** Runs the server handshake on `flow`. */
  serverOfFlow(flow: Flow<unknown, unknown>, config: TlsServerConfig): Promise<Result<TlsFlow, TlsError>>;
  /** Runs the client handshake on `flow`. */
  clientOfFlow(flow: Flow<unknown, unknown>, config: TlsClientConfig): Promise<Result<TlsFlow, TlsError>>;
}

/**
 * Prints a TLS error.
 *
 * @beta
 */
export function ppTlsError(error: TlsError): string {
  switch (error.kind) {
    case "handshake":
      return `TLS handshake failed: ${error.message}`;
    case "flow":
      return `TLS flow failed: ${error.message}`;
    case "msg":
      return error.message;
  }
}
