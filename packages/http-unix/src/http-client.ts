/**
 * The HTTP client device on undici: a `fetch` whose connections are opened by the unikernel's stack
 * (undici's `connect` option), with TLS on `node:tls` for https.
 *
 * @packageDocumentation
 */

import type { HttpClient, HttpClientStats } from "@mirage-ts/http";
import { Ipaddr, type Result, type Tcp, type TcpError, type TcpFlow, ppTcpError } from "@mirage-ts/mirage-types";
import { flowDuplex } from "@mirage-ts/mirage-unix";
import { type TlsClientConfig, ppTlsError } from "@mirage-ts/tls";
import { Agent, fetch as undiciFetch } from "undici";
import { connectTlsSocket } from "./node-tls.js";

/**
 * Options of {@link connectHttpClient}.
 *
 * @beta
 */
export interface NodeHttpClientOptions {
  /**
   * Resolves a host name to an address. Without it only IP literals (`http://10.0.0.2/`,
   * `https://[fe80::1]/`) can be fetched.
   */
  readonly resolve?: (host: string) => Promise<Ipaddr | undefined>;
  /** TLS for https URLs: the CA set (the platform's roots when not given), verification (on). */
  readonly tls?: Pick<TlsClientConfig, "ca" | "verify">;
  /** Offer HTTP/2 by ALPN on https connections; off by default. */
  readonly allowH2?: boolean;
  /**
   * Connections kept per origin; unlimited by default (undici's pool opens another while one is
   * still finishing a response).
   */
  readonly connectionsPerOrigin?: number;
  /**
   * Milliseconds a TCP connection and a TLS handshake may each take; 10 s by default. A connection
   * not made by then fails the fetch (`connect to HOST:PORT: no answer within MS ms`) instead of
   * waiting on the stack's own retries (about two minutes on Linux for a host that never answers).
   */
  readonly connectTimeoutMs?: number;
}

type Counters = { -readonly [K in keyof HttpClientStats]: HttpClientStats[K] };

function literal(host: string): Ipaddr | undefined {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  try {
    return Ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

/** `attempt`'s outcome, or `undefined` once `ms` passed first; a flow that opens too late is closed. */
async function within(
  attempt: Promise<Result<TcpFlow<Ipaddr>, TcpError>>,
  ms: number,
): Promise<Result<TcpFlow<Ipaddr>, TcpError> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  const first = await Promise.race([attempt, timeout]);
  clearTimeout(timer);
  if (first === undefined) void attempt.then((late) => (late.ok ? late.value.close() : undefined));
  return first;
}

interface ConnectOptions {
  readonly hostname: string;
  readonly protocol: string;
  readonly port: string;
  readonly servername?: string | null;
}

/**
 * An HTTP client whose connections go through `tcp` (a stack's `tcp()`): HTTP/1.1 (and HTTP/2 with
 * `allowH2`) on undici, https on Node's TLS with the server's certificate verified unless told not
 * to. Response bodies stream.
 *
 * @beta
 */
export function connectHttpClient(tcp: Tcp<Ipaddr>, options: NodeHttpClientOptions = {}): HttpClient {
  const counters: Counters = { connections: 0, connectFailures: 0, requests: 0 };
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const allowH2 = options.allowH2 ?? false;

  async function open(opts: ConnectOptions) {
    const address = literal(opts.hostname) ?? (await options.resolve?.(opts.hostname));
    if (address === undefined) throw new Error(`cannot resolve ${opts.hostname}: no resolver given, use an IP`);
    const https = opts.protocol === "https:";
    const port = opts.port === "" ? (https ? 443 : 80) : Number(opts.port);
    const flow = await within(tcp.createConnection(address, port), timeoutMs);
    if (flow === undefined) throw new Error(`connect to ${opts.hostname}:${port}: no answer within ${timeoutMs} ms`);
    if (!flow.ok) throw new Error(`connect to ${opts.hostname}:${port}: ${ppTcpError(flow.error)}`);
    const duplex = flowDuplex(flow.value);
    if (!https) return duplex;
    const servername = opts.servername ?? (literal(opts.hostname) === undefined ? opts.hostname : undefined);
    const secured = await connectTlsSocket(
      duplex,
      {
        ...(servername === undefined || servername === null ? {} : { servername }),
        alpnProtocols: allowH2 ? ["h2", "http/1.1"] : ["http/1.1"],
        ...options.tls,
      },
      timeoutMs,
    );
    if (!secured.ok) throw new Error(`${opts.hostname}:${port}: ${ppTlsError(secured.error)}`);
    return secured.value;
  }

  const agent = new Agent({
    allowH2,
    ...(options.connectionsPerOrigin === undefined ? {} : { connections: options.connectionsPerOrigin }),
    connect: (opts, callback) => {
      open(opts as ConnectOptions).then(
        (socket) => {
          counters.connections++;
          callback(null, socket as never);
        },
        (error: unknown) => {
          counters.connectFailures++;
          callback(error instanceof Error ? error : new Error(String(error)), null);
        },
      );
    },
  });

  return {
    fetch(input, init) {
      counters.requests++;
      const call = undiciFetch as unknown as (i: unknown, o: unknown) => Promise<Response>;
      return call(input, { ...init, dispatcher: agent });
    },
    stats: () => ({ ...counters }),
    // Released at once: a close would wait for a connection still being made, up to connectTimeoutMs,
    // although the fetch that wanted it was aborted.
    disconnect: () => agent.destroy(),
  };
}
