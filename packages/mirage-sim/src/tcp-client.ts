/**
 * `tcpExchange`: the host-side TCP client of a test: writes bytes on a flow (to a simulated
 * unikernel), half-closes, and collects everything the peer sends until it closes its side. With
 * `httpGet` (HTTP) and a host's own stack (`stack.udp()` for UDP), a test talks to a unikernel
 * from its own code.
 *
 * @packageDocumentation
 */

import { type Ipaddr, type TcpFlow, concatBytes, ppTcpError, ppTcpWriteError } from "@mirage-ts/mirage-types";

/**
 * Writes `data` in pieces of `piece` bytes (default 20,000), shuts the flow down for writing,
 * reads until the peer's end of stream, closes the flow, and returns what was read.
 *
 * @throws Error naming the TCP error when a read or write fails.
 * @beta
 */
export async function tcpExchange(
  flow: TcpFlow<Ipaddr>,
  data: Uint8Array,
  options: { readonly piece?: number } = {},
): Promise<Uint8Array> {
  const piece = options.piece ?? 20_000;
  const received: Uint8Array[] = [];
  const reading = (async () => {
    for (;;) {
      const read = await flow.read();
      if (!read.ok) throw new Error(`tcpExchange: read failed: ${ppTcpError(read.error)}`);
      if (read.value.kind === "eof") return;
      received.push(read.value.data);
    }
  })();
  for (let at = 0; at < data.length; at += piece) {
    const written = await flow.write(data.subarray(at, at + piece));
    if (!written.ok) throw new Error(`tcpExchange: write failed at byte ${at}: ${ppTcpWriteError(written.error)}`);
  }
  await flow.shutdown("write");
  await reading;
  await flow.close();
  return concatBytes(received);
}
