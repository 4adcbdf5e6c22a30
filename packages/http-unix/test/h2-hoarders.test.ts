// HTTP/2 clients that open many streams with their windows wide open and never read: on the host
// socket stack what the server sends piles up below the streams (in the socket and the kernel), where
// the streams' own send timeouts cannot reach it. The connection's write timeout must: a peer that
// took nothing for `sendTimeoutMs` is reset (RST) and counted, its buffers released, while a client
// that reads is served throughout.
import { connect as h2connect } from "node:http2";
import type { Socket } from "node:net";
import { connectHttpServer } from "@mirage-ts/http-unix";
import { connectSocketStack } from "@mirage-ts/mirage-unix";
import { freePort, kernelTcpSockets } from "@mirage-ts/test-support";
import { expect, it, vi } from "vitest";
import { h2Hoarder } from "./support/h2-hoarder.js";
import { meteredTcp } from "./support/metered-tcp.js";
import { streamedBytes } from "./support/routes.js";

const HOARDERS = 6;
const STREAMS = 40;
const BODY = 1 << 20;
const PIECE = 64 * 1024; // the most a connection hands its socket at once (FlowDuplex's write pieces)

/** Downloads `path` over HTTP/2, reading as it comes; resolves with the body's size. */
function download(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = h2connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":path": path });
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
    });
    stream.on("error", reject);
    stream.on("end", () => {
      session.close();
      resolve(size);
    });
  });
}

it("resets HTTP/2 peers that never read, releasing what they pinned, while a reading client is served", async () => {
  const stack = await connectSocketStack({ ipv4Only: true });
  const { tcp, meter } = meteredTcp(stack.tcp());
  // Short, but not so short that a loaded machine, starving this process's event loop (which runs the
  // reading clients too), makes a reading client look stalled.
  const server = connectHttpServer(tcp, { sendTimeoutMs: 3000 });
  const port = await freePort("tcp");
  server.listen(port, () => new Response(streamedBytes(BODY)));
  const hoarders: Socket[] = [];
  try {
    await vi.waitFor(async () => expect(await download(port, "/warm-up")).toBe(BODY), { timeout: 20_000 });
    for (let i = 0; i < HOARDERS; i++) hoarders.push(await h2Hoarder(port, "/big", STREAMS));
    const ports = new Set(hoarders.map((h) => h.localPort));
    // A client that reads is served meanwhile.
    expect(await download(port, "/legit")).toBe(BODY);
    // Each hoarder's connection is reset (only a write that waited the whole timeout does that): its
    // socket is gone from the kernel at once (a close would leave it in FIN_WAIT1 holding the queue),
    // and counted in idleClosed with the streams' timeouts.
    await vi.waitFor(() => expect(meter.aborted).toBe(HOARDERS), { timeout: 30_000, interval: 50 });
    await vi.waitFor(() => expect(server.stats().openConnections).toBe(0), { timeout: 20_000, interval: 50 });
    expect(kernelTcpSockets(port).filter((s) => ports.has(s.remotePort))).toEqual([]);
    expect(server.stats().idleClosed).toBeGreaterThanOrEqual(HOARDERS);
    // Below the streams, a connection never handed its socket more than one piece at a time, and
    // nothing is held any more.
    expect(meter.maxPending).toBeLessThanOrEqual(PIECE);
    expect([...meter.pending.values()].reduce((a, b) => a + b, 0)).toBe(0);
  } finally {
    for (const hoarder of hoarders) hoarder.destroy();
    await server.disconnect();
    await stack.disconnect();
  }
});
