// A TCP layer that passes everything to the one under it and measures what its accepted flows hold:
// the bytes handed to each flow's write and not yet taken, and whether the flow was aborted.
import type { Ipaddr, Result, Tcp, TcpFlow, TcpWriteError } from "@mirage-ts/mirage-types";

export interface FlowMeter {
  /** Bytes of each open flow's writes not yet taken by the stack, by flow. */
  readonly pending: Map<TcpFlow<Ipaddr>, number>;
  /** The most any one flow held at once. */
  maxPending: number;
  aborted: number;
}

function metered(flow: TcpFlow<Ipaddr>, meter: FlowMeter): TcpFlow<Ipaddr> {
  const writev = async (buffers: readonly Uint8Array[]): Promise<Result<void, TcpWriteError>> => {
    const size = buffers.reduce((n, b) => n + b.length, 0);
    const now = (meter.pending.get(flow) ?? 0) + size;
    meter.pending.set(flow, now);
    meter.maxPending = Math.max(meter.maxPending, now);
    try {
      return await flow.writev(buffers);
    } finally {
      meter.pending.set(flow, (meter.pending.get(flow) ?? size) - size);
    }
  };
  const wrapped: TcpFlow<Ipaddr> = {
    read: () => flow.read(),
    write: (buffer) => writev([buffer]),
    writev,
    shutdown: (mode) => flow.shutdown(mode),
    close: () => flow.close(),
    dst: () => flow.dst(),
    src: () => flow.src(),
    setNoDelay: (noDelay) => flow.setNoDelay(noDelay),
  };
  const abort = flow.abort?.bind(flow);
  if (abort === undefined) return wrapped;
  return {
    ...wrapped,
    abort: () => {
      meter.aborted++;
      return abort();
    },
  };
}

/** `tcp` with its accepted flows metered into the returned meter. */
export function meteredTcp(tcp: Tcp<Ipaddr>): { tcp: Tcp<Ipaddr>; meter: FlowMeter } {
  const meter: FlowMeter = { pending: new Map(), maxPending: 0, aborted: 0 };
  const layer: Tcp<Ipaddr> = {
    listen: (port, handler, options) => tcp.listen(port, (flow) => handler(metered(flow, meter)), options),
    unlisten: (port) => tcp.unlisten(port),
    createConnection: (dst, port, options) => tcp.createConnection(dst, port, options),
    input: (src, dst, segment) => tcp.input(src, dst, segment),
    disconnect: () => tcp.disconnect(),
  };
  return { tcp: layer, meter };
}
