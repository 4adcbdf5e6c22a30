// The platform-neutral HTTP/1.1 server over an in-memory flow and manual timers: keep-alive and
// pipelining in order, streamed bodies both ways with backpressure, the request-smuggling set, and
// each limit answered with its status and counted. Time passes only when a test advances it.
import { type HttpHandler, type HttpServer, connectHttp1Server, defaultHttpLimits } from "@mirage-ts/http";
import { requestSmugglingShapes } from "@mirage-ts/test-support";
import { describe, expect, it } from "vitest";
import { FakeFlow, ManualTimers } from "./support/fake-flow.js";

const echo: HttpHandler = async (request, info) => {
  const url = new URL(request.url);
  if (url.pathname === "/echo") {
    let size = 0;
    let sum = 0;
    for await (const chunk of request.body ?? []) {
      size += chunk.length;
      for (const byte of chunk) sum = (sum + byte) % 65521;
    }
    return Response.json({ size, sum });
  }
  if (url.pathname === "/boom") throw new Error("handler failure");
  if (url.pathname === "/close") return new Response("bye", { headers: { connection: "close" } });
  if (url.pathname === "/sized") return new Response("sized!", { headers: { "content-length": "6" } });
  return new Response(`${request.method} ${url.pathname} ${url.host} ${info.protocol} ${info.remote.address}`);
};

interface Harness {
  server: HttpServer;
  flow: FakeFlow;
  timers: ManualTimers;
  logs: string[];
  done: Promise<void>;
}

function start(handler: HttpHandler = echo, limits = {}): Harness {
  const timers = new ManualTimers();
  const logs: string[] = [];
  const server = connectHttp1Server({} as never, { limits, timers, log: (m) => logs.push(m) });
  const flow = new FakeFlow();
  return { server, flow, timers, logs, done: server.serve(flow, handler) };
}

/** Sends `bytes` as one packet and the client's end, and resolves to all the server wrote. */
async function exchange(bytes: string, handler?: HttpHandler, limits = {}): Promise<{ text: string; h: Harness }> {
  const h = start(handler, limits);
  h.flow.push(bytes);
  h.flow.end();
  await h.done;
  return { text: h.flow.text(), h };
}

/** The status codes of the responses in `text`, in order. */
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

/** Waits until `check` holds, yielding to the event loop between looks (no wall-clock timing). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(check()).toBe(true);
}

describe("the HTTP/1.1 server", () => {
  it("answers pipelined requests on one connection in order, then closes at the client's end", async () => {
    const { text, h } = await exchange(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n" +
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /d HTTP/1.0\r\n\r\n",
    );
    expect(statuses(text)).toEqual([200, 200, 200, 200]);
    const bodies = text.split(/HTTP\/1\.1 200 OK\r\n/).slice(1);
    expect(bodies[0]).toContain("Transfer-Encoding: chunked\r\n");
    expect(bodies[0]).toMatch(/\r\n\r\n12\r\nGET \/a x http\/1\.1 \r\n0\r\n\r\n$/);
    // HEAD: the fields without the body.
    expect(bodies[1]).toMatch(/\r\n\r\n$/);
    expect(bodies[2]).toContain('{"size":3,"sum":294}');
    // An HTTP/1.0 client gets no chunked coding: the body ends with the connection.
    expect(bodies[3]).toContain("Connection: close\r\n");
    expect(bodies[3]).toMatch(/\r\n\r\nGET \/d localhost http\/1\.0 $/);
    expect(h.server.stats()).toMatchObject({ connections: 1, openConnections: 0, requests: 4, badRequests: 0 });
    expect(h.flow.closed).toBe(true);
  });

  it("uses the response's Content-Length, and closes when the response asks", async () => {
    const { text } = await exchange(
      "GET /sized HTTP/1.1\r\nHost: x\r\n\r\nGET /close HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    expect(text).toContain("Content-Length: 6\r\n\r\nsized!");
    expect(text).toContain("Connection: close\r\n");
    // The third request is never answered: the connection closed after the second.
    expect(statuses(text)).toEqual([200, 200]);
  });

  it("streams a chunked request body to the handler, trailers read and dropped", async () => {
    const body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    const { text } = await exchange(
      `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}GET / HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(text).toContain('{"size":11,"sum":1116}');
    expect(statuses(text)).toEqual([200, 200]);
  });

  it("gives the handler the body as it arrives, one packet at a time, and sends 100 Continue when asked", async () => {
    const h = start();
    h.flow.push("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 200000\r\n\r\n");
    await until(() => h.flow.text().includes("100 Continue"));
    for (let i = 0; i < 20; i++) h.flow.push(new Uint8Array(10_000).fill(1));
    await until(() => h.flow.text().includes('"size":200000'));
    h.flow.end();
    await h.done;
  });

  it("reads the next piece of a response body only once the flow took the last (backpressure)", async () => {
    let pulled = 0;
    const handler: HttpHandler = () =>
      new Response(
        new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              pulled++;
              if (pulled > 5) controller.close();
              else controller.enqueue(new Uint8Array(1000));
            },
          },
          { highWaterMark: 0 },
        ),
      );
    const h = start(handler);
    let open: () => void = () => {};
    h.flow.gate = new Promise((resolve) => {
      open = resolve;
    });
    h.flow.push("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => pulled >= 1);
    // The first write is held: no further pull happens meanwhile.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(pulled).toBe(1);
    open();
    h.flow.gate = undefined;
    await until(() => h.flow.text().endsWith("0\r\n\r\n"));
    expect(pulled).toBe(6);
    h.flow.end();
    await h.done;
  });

  it("answers a handler failure with 500, logs it, and keeps the connection", async () => {
    const { text, h } = await exchange("GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(statuses(text)).toEqual([500, 200]);
    expect(h.server.stats().handlerErrors).toBe(1);
    expect(h.logs.join("\n")).toContain("handler failure");
  });

  it("answers the request-smuggling set with 400 and closes, the handler never called", async () => {
    const more = {
      "identical duplicate CL": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
      "CL list": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc",
      "TE not final chunked": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
      "TE gzip": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
      "TE twice":
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "space before colon": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length : 3\r\n\r\nabc",
      "bad chunk size": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "chunk size bare LF": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
      "chunk data without CRLF": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX0\r\n\r\n",
      "negative CL": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
      "no Host": "GET / HTTP/1.1\r\n\r\n",
      "two Hosts": "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "NUL in a value": "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n",
      "bad version": "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
      "TE in HTTP/1.0": "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    };
    let called = 0;
    const counting: HttpHandler = () => {
      called++;
      return new Response("hello");
    };
    const shapes = { ...requestSmugglingShapes, ...more };
    for (const [name, bytes] of Object.entries(shapes)) {
      // Followed by a valid request that must not be answered: the connection closes at the 400.
      const { text, h } = await exchange(`${bytes}GET / HTTP/1.1\r\nHost: a\r\n\r\n`, counting);
      expect(statuses(text), name).toEqual([400]);
      expect(text, name).toContain("Connection: close\r\n");
      expect(h.server.stats().badRequests, name).toBe(1);
      expect(h.flow.closed, name).toBe(true);
    }
    expect(called).toBe(0);
  });

  it("431 for a head over the size or field-count limit", async () => {
    const big = await exchange(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(2000)}\r\n\r\n`, echo, {
      maxHeadBytes: 1024,
    });
    expect(statuses(big.text)).toEqual([431]);
    // Never ended: the head alone is over the limit before its end arrives.
    const h = start(echo, { maxHeadBytes: 1024 });
    h.flow.push(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(2000)}`);
    await h.done;
    expect(statuses(h.flow.text())).toEqual([431]);
    const fields = Array.from({ length: 11 }, (_, i) => `X-${i}: v\r\n`).join("");
    const many = await exchange(`GET / HTTP/1.1\r\n${fields}\r\n`, echo, { maxHeaders: 10 });
    expect(statuses(many.text)).toEqual([431]);
    const enough = await exchange(
      `GET / HTTP/1.1\r\nHost: a\r\n${fields.split("\r\n").slice(0, 9).join("\r\n")}\r\n\r\n`,
      echo,
      { maxHeaders: 10 },
    );
    expect(statuses(enough.text)).toEqual([200]);
    expect(big.h.server.stats().headTooLarge + h.server.stats().headTooLarge + many.h.server.stats().headTooLarge).toBe(
      3,
    );
  });

  it("413 for a declared or a streamed body over the limit", async () => {
    const declared = await exchange("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", echo, {
      maxBodyBytes: 100,
    });
    expect(statuses(declared.text)).toEqual([413]);
    const chunk = (n: number) => `${n.toString(16)}\r\n${"x".repeat(n)}\r\n`;
    const streamed = await exchange(
      `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(60)}${chunk(60)}0\r\n\r\n`,
      echo,
      { maxBodyBytes: 100 },
    );
    expect(statuses(streamed.text)).toEqual([413]);
    expect(declared.h.server.stats().bodyTooLarge + streamed.h.server.stats().bodyTooLarge).toBe(2);
    // A body the handler leaves unread is drained within the limit too.
    const ignored = await exchange(
      `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(60)}${chunk(60)}0\r\n\r\n` +
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      echo,
      { maxBodyBytes: 100 },
    );
    expect(statuses(ignored.text)).toEqual([200]);
    expect(ignored.h.server.stats().bodyTooLarge).toBe(1);
  });

  it("408 for a head not complete at the head timeout, counted from its first byte", async () => {
    const h = start(echo, { headTimeoutMs: 1000, keepAliveTimeoutMs: 500 });
    h.flow.push("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\n");
    await until(() => statuses(h.flow.text()).length === 1);
    h.timers.advance(999);
    await until(() => h.timers.pending === 1);
    expect(statuses(h.flow.text())).toEqual([200]);
    h.timers.advance(1);
    await h.done;
    expect(statuses(h.flow.text())).toEqual([200, 408]);
    expect(h.server.stats()).toMatchObject({ headTimeouts: 1, idleClosed: 0 });
    // A new connection that sends nothing is cut at the head timeout too.
    const silent = start(echo, { headTimeoutMs: 1000 });
    await until(() => silent.timers.pending === 1);
    silent.timers.advance(1000);
    await silent.done;
    expect(statuses(silent.flow.text())).toEqual([408]);
  });

  it("cuts 1000 slow heads at the head timeout, answering a complete request meanwhile", async () => {
    const timers = new ManualTimers();
    const server = connectHttp1Server({} as never, { timers, limits: { headTimeoutMs: 10_000 } });
    const slow = Array.from({ length: 1000 }, (_, i) => {
      const flow = new FakeFlow();
      const done = server.serve(flow, echo);
      flow.push(`GET /${i} HTTP/1.1\r\nHost: a\r\nX-Slow: `);
      return { flow, done };
    });
    await until(() => server.stats().openConnections === 1000);
    const quick = new FakeFlow();
    const answered = server.serve(quick, echo);
    quick.push("GET /now HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    await answered;
    expect(statuses(quick.text())).toEqual([200]);
    timers.advance(9_999);
    expect(server.stats().headTimeouts).toBe(0);
    timers.advance(1);
    await Promise.all(slow.map((s) => s.done));
    for (const { flow } of slow) expect(statuses(flow.text())).toEqual([408]);
    expect(server.stats()).toMatchObject({ headTimeouts: 1000, openConnections: 0, requests: 1 });
  });

  it("closes a keep-alive connection idle past the keep-alive time, and counts it", async () => {
    const h = start(echo, { keepAliveTimeoutMs: 500, headTimeoutMs: 1000 });
    h.flow.push("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await until(() => statuses(h.flow.text()).length === 1 && h.timers.pending === 1);
    h.timers.advance(499);
    expect(h.flow.closed).toBe(false);
    h.timers.advance(1);
    await h.done;
    expect(statuses(h.flow.text())).toEqual([200]);
    expect(h.server.stats()).toMatchObject({ idleClosed: 1, headTimeouts: 0, openConnections: 0 });
    expect(h.timers.pending).toBe(0);
  });

  it("refuses bad limits, naming the limit", () => {
    expect(() => connectHttp1Server({} as never, { limits: { maxHeaders: 0 } })).toThrow(/maxHeaders: 0/);
    expect(defaultHttpLimits.headTimeoutMs).toBeGreaterThan(0);
  });
});
