// An in-memory Stack for the resolver's tests: datagrams and TCP connections to a server address go
// to a handler in the test, which answers, drops or forges.
import {
  type Ipaddr,
  Ipv4Addr,
  type ReadResult,
  type Result,
  type Stack,
  type TcpError,
  type TcpFlow,
  type UdpCallback,
  eof,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { LengthPrefixedReader, frame } from "../../src/wire/tcp-framing.js";

/** What a test server does with a UDP datagram: reply with datagrams (from another address/port if given). */
export type UdpHandler = (
  payload: Uint8Array,
  srcPort: number,
) => readonly { data: Uint8Array; from?: Ipaddr; port?: number }[];

export class FakeStack implements Stack {
  readonly local = Ipv4Addr.parse("10.0.0.2");
  readonly udpHandlers = new Map<string, UdpHandler>();
  readonly tcpHandlers = new Map<string, (message: Uint8Array) => Uint8Array | undefined>();
  /** Addresses whose TCP connection attempts never complete (a black hole). */
  readonly tcpBlackholes = new Set<string>();
  readonly tcpAttempts: string[] = [];
  readonly listeners = new Map<number, UdpCallback<Ipaddr>>();
  readonly sourcePorts: number[] = [];
  tcpConnections = 0;
  readonly tcpListeners = new Map<number, (flow: TcpFlow<Ipaddr>) => void | Promise<void>>();
  readonly udpSent: { dst: Ipaddr; port: number; payload: Uint8Array }[] = [];
  /** Datagrams scheduled for delivery and not yet delivered. */
  inFlight = 0;

  udp(): ReturnType<Stack["udp"]> {
    return {
      listen: (port, callback) => void this.listeners.set(port, callback),
      unlisten: (port) => void this.listeners.delete(port),
      input: async () => {},
      disconnect: async () => {},
      write: async (dst, dstPort, payload, options = {}) => {
        const srcPort = options.srcPort ?? 40000;
        this.sourcePorts.push(srcPort);
        this.udpSent.push({ dst, port: dstPort, payload });
        const handler = this.udpHandlers.get(`${dst.toString()}:${dstPort}`);
        if (handler === undefined) return ok();
        for (const reply of handler(payload, srcPort)) {
          this.inFlight++;
          setImmediate(() => {
            this.inFlight--;
            void this.listeners.get(srcPort)?.(reply.from ?? dst, this.local, reply.port ?? dstPort, reply.data);
          });
        }
        return ok();
      },
    };
  }

  tcp(): ReturnType<Stack["tcp"]> {
    return {
      listen: (port, handler) => void this.tcpListeners.set(port, handler),
      unlisten: (port) => void this.tcpListeners.delete(port),
      input: async () => {},
      disconnect: async () => {},
      createConnection: async (dst, port): Promise<Result<TcpFlow<Ipaddr>, TcpError>> => {
        this.tcpAttempts.push(dst.toString());
        if (this.tcpBlackholes.has(dst.toString())) return new Promise(() => {});
        const handler = this.tcpHandlers.get(`${dst.toString()}:${port}`);
        if (handler === undefined) return err({ kind: "refused" });
        this.tcpConnections++;
        return ok(fakeFlow(this.local, dst, port, handler));
      },
    };
  }

  ip(): ReturnType<Stack["ip"]> {
    throw new Error("not used by the resolver");
  }

  async listen(): Promise<void> {}
  async disconnect(): Promise<void> {}
}

function fakeFlow(
  local: Ipaddr,
  dst: Ipaddr,
  port: number,
  handler: (message: Uint8Array) => Uint8Array | undefined,
): TcpFlow<Ipaddr> {
  const reader = new LengthPrefixedReader();
  const replies: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const write = async (data: Uint8Array) => {
    for (const message of reader.push(data)) {
      const reply = handler(message);
      if (reply !== undefined) replies.push(frame(reply));
    }
    wake?.();
    return ok();
  };
  return {
    dst: () => ({ addr: dst, port }),
    src: () => ({ addr: local, port: 50000 }),
    setNoDelay: () => {},
    write,
    writev: async (buffers) => {
      for (const buffer of buffers) await write(buffer);
      return ok();
    },
    read: async (): Promise<Result<ReadResult, TcpError>> => {
      while (replies.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      const next = replies.shift();
      return ok(next === undefined ? eof : { kind: "data", data: next });
    },
    shutdown: async () => {},
    close: async () => {
      closed = true;
      wake?.();
    },
  };
}

/** A client connection into a server listening on a FakeStack: what the test writes, the server reads. */
export function clientFlow(
  stack: FakeStack,
  port: number,
): { send(data: Uint8Array): void; received: Uint8Array[]; closed(): boolean } {
  const handler = stack.tcpListeners.get(port);
  if (handler === undefined) throw new Error(`nothing listens on TCP ${port}`);
  const inbox: Uint8Array[] = [];
  const received: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const flow: TcpFlow<Ipaddr> = {
    dst: () => ({ addr: stack.local, port: 50001 }),
    src: () => ({ addr: stack.local, port }),
    setNoDelay: () => {},
    write: async (data) => {
      received.push(data);
      return ok();
    },
    writev: async (buffers) => {
      received.push(...buffers);
      return ok();
    },
    read: async (): Promise<Result<ReadResult, TcpError>> => {
      while (inbox.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      const next = inbox.shift();
      return ok(next === undefined ? eof : { kind: "data", data: next });
    },
    shutdown: async () => {},
    close: async () => {
      closed = true;
      wake?.();
    },
  };
  void handler(flow);
  return {
    send: (data) => {
      inbox.push(data);
      wake?.();
    },
    received,
    closed: () => closed,
  };
}
