// The WebSocket NETWORK device against a WebSocket server on loopback (ws, installed as the global
// WebSocket that a page has): frames both ways as binary messages, counters, refused messages, a
// bad URL, a switch that is not there, and the end of listen when the switch goes away.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { StartupError, createDefaultReporter, setReporter } from "@mirage-ts/mirage-runtime";
import { ok } from "@mirage-ts/mirage-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { Main, connectWebSocketNetif } from "../src/index.js";

let server: WebSocketServer;
let url: string;
const peers: import("ws").WebSocket[] = [];

beforeAll(async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (socket) => peers.push(socket));
  await once(server, "listening");
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

function frame(payload: string): Uint8Array {
  const bytes = new Uint8Array(14 + payload.length);
  bytes.fill(0xff, 0, 6);
  bytes.set([0x02, 0, 0, 0, 0, 7], 6);
  bytes.set(new TextEncoder().encode(payload), 14);
  return bytes;
}

describe("connectWebSocketNetif", () => {
  it("carries one frame per binary message both ways, and refuses what is not a frame", async () => {
    const netif = await connectWebSocketNetif(url, { mtu: 100 });
    await expect.poll(() => peers.length).toBe(1);
    const peer = peers[0]!;
    const fromDevice: Buffer[] = [];
    peer.on("message", (data: Buffer) => fromDevice.push(data));
    const received: string[] = [];
    const listening = netif.listen(14, (f) => void received.push(new TextDecoder().decode(f.subarray(14))));
    expect(
      await netif.write(1514, (buffer) => {
        buffer.set(frame("out"));
        return 17;
      }),
    ).toEqual(ok());
    await expect.poll(() => fromDevice.length).toBe(1);
    expect(fromDevice[0]!.subarray(14).toString()).toBe("out");
    peer.send(frame("in"));
    peer.send("text");
    peer.send(new Uint8Array(3));
    peer.send(frame("x".repeat(200)));
    await expect.poll(() => netif.malformedReceived()).toBe(3);
    expect(received).toEqual(["in"]);
    expect(netif.getStatsCounters()).toMatchObject({ rxPkts: 1, rxBytes: 16, txPkts: 1, txBytes: 17 });
    expect(await netif.write(10, () => 11)).toEqual({ ok: false, error: { kind: "invalid_length" } });
    // The switch closing the connection ends listen as a disconnection.
    peer.terminate();
    expect(await listening).toEqual({ ok: false, error: { kind: "disconnected" } });
    expect(await netif.write(20, () => 20)).toEqual({ ok: false, error: { kind: "disconnected" } });
    await netif.disconnect();
  });

  it("names the accepted form of a bad interface, and the switch that does not answer", async () => {
    // Start-up errors the page's URL fixes: printed without a stack.
    await expect(connectWebSocketNetif("tap0")).rejects.toBeInstanceOf(StartupError);
    await expect(connectWebSocketNetif("ws://127.0.0.1:1")).rejects.toBeInstanceOf(StartupError);
    await expect(connectWebSocketNetif("tap0")).rejects.toThrow(
      'invalid interface "tap0": the browser target\'s interface is the URL of a frame switch, ws://HOST:PORT',
    );
    // In page terms: the query string is where the interface goes.
    await expect(connectWebSocketNetif("tap0")).rejects.toThrow("open the page with ?interface=ws://HOST:PORT");
    await expect(connectWebSocketNetif("ws://127.0.0.1:1")).rejects.toThrow(
      /^cannot connect to the frame switch at ws:\/\/127\.0\.0\.1:1\/: is mirage-switch listening there\?$/u,
    );
  });

  it("ends the page with 64 on a bad ?interface= (argument error), 255 when the switch is silent", async () => {
    const ending = (spec: string) =>
      new Promise<{ code: number; errors: string }>((resolve) => {
        const errors: string[] = [];
        Main.run(connectWebSocketNetif(spec), {
          hooks: { runEnterIterHooks() {}, runLeaveIterHooks() {}, runExitHooks: async () => {} },
          writeError: (text) => void errors.push(text),
          onExit: (code) => resolve({ code, errors: errors.join("") }),
        });
      });
    const bad = await ending("tap0");
    expect(bad.code).toBe(64);
    expect(bad.errors).toMatch(/^Fatal error: invalid interface "tap0": the browser target's interface is the URL/u);
    expect(bad.errors).not.toContain("    at ");
    const silent = await ending("ws://127.0.0.1:1");
    expect(silent).toEqual({
      code: 255,
      errors:
        "Fatal error: cannot connect to the frame switch at ws://127.0.0.1:1/: is mirage-switch listening there?\n",
    });
  });

  it("names the page's origin and --allow-origin when a page cannot connect (the switch may refuse it)", async () => {
    const global = globalThis as { location?: unknown };
    global.location = { origin: "http://10.77.0.1:8082" };
    try {
      await expect(connectWebSocketNetif("ws://127.0.0.1:1")).rejects.toThrow(
        "is mirage-switch listening there? If it is, it refused pages from http://10.77.0.1:8082: " +
          "start it with --allow-origin http://10.77.0.1:8082",
      );
    } finally {
      delete global.location;
    }
  });

  it("ends listen as a disconnection, with an error logged, when the switch closes cleanly", async () => {
    const lines: string[] = [];
    setReporter(createDefaultReporter({ sink: (line) => void lines.push(line) }));
    const netif = await connectWebSocketNetif(url);
    await expect.poll(() => peers.length).toBe(2);
    const listening = netif.listen(14, () => {});
    peers[1]!.close(1001, "mirage-switch stopping");
    expect(await listening).toEqual({ ok: false, error: { kind: "disconnected" } });
    expect(lines.join("\n")).toContain(
      `${url}/: the switch closed the connection (1001 mirage-switch stopping): the network is down`,
    );
    // Our own disconnect ends a listen normally.
    const own = await connectWebSocketNetif(url);
    const ownListen = own.listen(14, () => {});
    await own.disconnect();
    expect(await ownListen).toEqual(ok());
  });
});
