/**
 * The TLS device on `node:tls` (OpenSSL), over any flow through `flowDuplex`.
 *
 * @packageDocumentation
 */

import { TLSSocket, connect as tlsConnect } from "node:tls";
import { type Flow, type MsgError, type Result, err, ok } from "@mirage-ts/mirage-types";
import { FlowDuplex, duplexFlow, flowDuplex } from "@mirage-ts/mirage-unix";
import type {
  Tls,
  TlsClientConfig,
  TlsCredentials,
  TlsError,
  TlsFlow,
  TlsServerConfig,
  TlsWriteError,
} from "@mirage-ts/tls";
import { type NamedContext, contextFor, secureContextOf } from "./secure-context.js";

/** Options of a server-side handshake already checked. */
export interface ServerHandshake {
  readonly contexts: readonly NamedContext[];
  /** The credentials the contexts were made of, in the same order (the first is the default). */
  readonly credentials: readonly [TlsCredentials, ...TlsCredentials[]];
  readonly minVersion: "TLSv1.2" | "TLSv1.3";
  readonly alpnProtocols: readonly string[] | undefined;
  /** Milliseconds the handshake may take before the connection is cut. */
  readonly timeoutMs: number;
}

/** Parses the credentials of a server configuration (every one, so a bad file fails at start). */
export function serverHandshake(config: TlsServerConfig, timeoutMs: number): Result<ServerHandshake, MsgError> {
  const [first, ...others] = config.credentials;
  if (first === undefined) return err({ kind: "msg", message: "TLS server: no certificate given" });
  const contexts: NamedContext[] = [];
  for (const credentials of config.credentials) {
    const parsed = secureContextOf(credentials, config.minVersion);
    if (!parsed.ok) return parsed;
    contexts.push(parsed.value);
  }
  return ok({
    contexts,
    credentials: [first, ...others],
    minVersion: config.minVersion ?? "TLSv1.2",
    alpnProtocols: config.alpnProtocols,
    timeoutMs,
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the server handshake on a Node stream; resolves with the secured socket or the failure. */
export function acceptTls(
  stream: import("node:stream").Duplex,
  handshake: ServerHandshake,
): Promise<Result<TLSSocket, TlsError>> {
  const [first] = handshake.contexts;
  const socket = new TLSSocket(stream, {
    isServer: true,
    ...(first === undefined ? {} : { secureContext: first.context }),
    ...(handshake.alpnProtocols === undefined ? {} : { ALPNProtocols: [...handshake.alpnProtocols] }),
    SNICallback: (servername, callback) => callback(null, contextFor(handshake.contexts, servername)),
  });
  return settle(socket, "secure", handshake.timeoutMs);
}

function settle(socket: TLSSocket, event: "secure" | "secureConnect", timeoutMs: number) {
  return new Promise<Result<TLSSocket, TlsError>>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(err({ kind: "handshake", message: `no handshake within ${timeoutMs} ms` }));
    }, timeoutMs);
    const done = (result: Result<TLSSocket, TlsError>): void => {
      clearTimeout(timer);
      socket.removeListener("error", onError);
      socket.removeListener("close", onClose);
      resolve(result);
    };
    const onError = (error: Error): void => {
      socket.destroy();
      done(err({ kind: "handshake", message: message(error) }));
    };
    const onClose = (): void => done(err({ kind: "handshake", message: "the connection closed during the handshake" }));
    socket.once("error", onError);
    socket.once("close", onClose);
    socket.once(event, () => done(ok(socket)));
  });
}

/** Runs the client handshake on a Node stream. */
export function connectTlsSocket(
  stream: import("node:stream").Duplex,
  config: TlsClientConfig,
  timeoutMs: number,
): Promise<Result<TLSSocket, TlsError>> {
  // Without a name, the certificate is checked against the address connected to, as curl checks
  // https://127.0.0.1/ (node:tls would check it against "localhost").
  const address = stream instanceof FlowDuplex ? stream.remoteAddress : undefined;
  const socket = tlsConnect({
    socket: stream,
    ...(config.servername === undefined ? {} : { servername: config.servername }),
    ...(config.servername !== undefined || address === undefined ? {} : { host: address }),
    ...(config.alpnProtocols === undefined ? {} : { ALPNProtocols: [...config.alpnProtocols] }),
    ...(config.ca === undefined ? {} : { ca: config.ca.map((pem) => Buffer.from(pem)) }),
    ...(config.session === undefined ? {} : { session: Buffer.from(config.session) }),
    rejectUnauthorized: config.verify ?? true,
  });
  return settle(socket, "secureConnect", timeoutMs);
}

class NodeTlsFlow implements TlsFlow {
  readonly #socket: TLSSocket;
  readonly #flow: Flow<TlsError, TlsWriteError>;
  // TLS 1.3 sends tickets after the handshake: the last one the client was given.
  #session: Uint8Array | undefined;

  constructor(socket: TLSSocket) {
    this.#socket = socket;
    socket.on("session", (session: Buffer) => {
      this.#session = session;
    });
    const inner = duplexFlow(socket);
    // The stream's errors are the TLS session's failures: a reset or a message, both of the flow.
    this.#flow = {
      read: async () => {
        const r = await inner.read();
        return r.ok ? r : err({ kind: "flow", message: r.error.kind === "reset" ? "reset" : r.error.message });
      },
      writev: async (buffers) => {
        const r = await inner.writev(buffers);
        if (r.ok || r.error.kind === "closed") return r as Result<void, TlsWriteError>;
        return err({ kind: "flow", message: r.error.kind === "reset" ? "reset" : r.error.message });
      },
      write: (buffer) => this.#flow.writev([buffer]),
      shutdown: (mode) => inner.shutdown(mode),
      close: () => inner.close(),
    };
  }
  read() {
    return this.#flow.read();
  }
  write(buffer: Uint8Array) {
    return this.#flow.write(buffer);
  }
  writev(buffers: readonly Uint8Array[]) {
    return this.#flow.writev(buffers);
  }
  shutdown(mode: "read" | "write" | "read_write") {
    return this.#flow.shutdown(mode);
  }
  close() {
    return this.#flow.close();
  }
  alpnProtocol(): string | undefined {
    const protocol = this.#socket.alpnProtocol;
    return typeof protocol === "string" ? protocol : undefined;
  }
  servername(): string | undefined {
    const name = (this.#socket as TLSSocket & { servername?: string | false }).servername;
    return typeof name === "string" ? name : undefined;
  }
  version(): string {
    return this.#socket.getProtocol() ?? "unknown";
  }
  resumed(): boolean {
    return this.#socket.isSessionReused();
  }
  session(): Uint8Array | undefined {
    return this.#session ?? this.#socket.getSession();
  }
}

/**
 * Options of {@link connectNodeTls}.
 *
 * @beta
 */
export interface NodeTlsOptions {
  /** Milliseconds a handshake may take; 10 s by default. */
  readonly handshakeTimeoutMs?: number;
}

/**
 * The TLS device on Node's OpenSSL: `serverOfFlow` and `clientOfFlow` run the handshake over any
 * mirage flow (through `flowDuplex`) and give the session back as a `TlsFlow`.
 *
 * @beta
 */
export function connectNodeTls(options: NodeTlsOptions = {}): Tls {
  const timeoutMs = options.handshakeTimeoutMs ?? 10_000;
  // One OpenSSL context per configuration: its ticket keys are what lets a client resume.
  const parsed = new WeakMap<TlsServerConfig, Result<ServerHandshake, MsgError>>();
  return {
    async serverOfFlow(flow, config) {
      let handshake = parsed.get(config);
      if (handshake === undefined) {
        handshake = serverHandshake(config, timeoutMs);
        parsed.set(config, handshake);
      }
      if (!handshake.ok) return handshake;
      const socket = await acceptTls(flowDuplex(flow), handshake.value);
      return socket.ok ? ok(new NodeTlsFlow(socket.value)) : socket;
    },
    async clientOfFlow(flow, config) {
      const socket = await connectTlsSocket(flowDuplex(flow), config, timeoutMs);
      return socket.ok ? ok(new NodeTlsFlow(socket.value)) : socket;
    },
    async disconnect() {},
  };
}
