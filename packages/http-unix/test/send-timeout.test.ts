// A client that stops reading must not hold its response for ever: past `sendTimeoutMs` without the
// peer taking more, the response is abandoned (HTTP/1.1: the connection closed; HTTP/2: the stream
// reset) and counted in `idleClosed`.
import { connect as h2connect } from "node:http2";
import type { HttpServer } from "@mirage-ts/http";
import { connectHttpServer } from "@mirage-ts/http-unix";
import { ppTcpError } from "@mirage-ts/mirage-types";
import { flowDuplex } from "@mirage-ts/mirage-unix";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Lab, directPair } from "./support/lab.js";
import { streamedBytes } from "./support/routes.js";

const TOTAL = 64 << 20; // far more than both stacks' buffers hold

describe("HTTP server device: responses the peer stops taking", () => {
  let lab: Lab;
  let server: HttpServer;
  beforeAll(async () => {
    lab = await directPair(23);
    server = connectHttpServer(lab.server.tcp(), { sendTimeoutMs: 300 });
    server.listen(80, () => new Response(streamedBytes(TOTAL)));
  });
  afterAll(async () => {
    await server.disconnect();
    await lab.disconnect();
  });

  it("HTTP/1.1: closes the connection of a client that never reads", async () => {
    const before = server.stats().idleClosed;
    const flow = await lab.client.tcp().createConnection(lab.serverAddr, 80);
    if (!flow.ok) throw new Error(ppTcpError(flow.error));
    expect((await flow.value.write(new TextEncoder().encode("GET /big HTTP/1.1\r\nHost: a\r\n\r\n"))).ok).toBe(true);
    await vi.waitFor(() => expect(server.stats().idleClosed - before).toBe(1), { timeout: 20_000, interval: 50 });
    // What was sent before the cut is there to read, then the connection ends, short of the body.
    let received = 0;
    for (;;) {
      const read = await flow.value.read();
      if (!read.ok || read.value.kind === "eof") break;
      received += read.value.data.length;
    }
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(TOTAL);
    await flow.value.close();
  });

  it("HTTP/2: resets the stream a client stopped taking, and the session goes on", async () => {
    const before = server.stats().idleClosed;
    const flow = await lab.client.tcp().createConnection(lab.serverAddr, 80);
    if (!flow.ok) throw new Error(ppTcpError(flow.error));
    const session = h2connect("http://10.7.0.1", { createConnection: () => flowDuplex(flow.value) });
    const stalled = session.request({ ":path": "/big" });
    stalled.pause(); // its flow-control window fills: the server can send no more of it
    let received = 0;
    stalled.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    const closed = new Promise((resolve) => stalled.once("close", resolve));
    await vi.waitFor(() => expect(server.stats().idleClosed - before).toBe(1), { timeout: 20_000, interval: 50 });
    stalled.resume(); // what arrived before the reset, then the stream's end
    await closed;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(TOTAL);
    // The session itself still serves.
    const next = session.request({ ":path": "/big" });
    const status = await new Promise((resolve) => next.once("response", (headers) => resolve(headers[":status"])));
    expect(status).toBe(200);
    session.destroy();
  });
});
