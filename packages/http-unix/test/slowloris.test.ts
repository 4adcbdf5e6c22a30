// 1000 slowloris connections (a head started, never finished) against the HTTP server on the direct
// stack in-process: a fetch during them is answered, and every one is cut with 408 at the head timeout.
import { connectHttpClient, connectHttpServer } from "@mirage-ts/http-unix";
import { ppTcpError } from "@mirage-ts/mirage-types";
import { flowDuplex } from "@mirage-ts/mirage-unix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, directPair } from "./support/lab.js";

const CONNECTIONS = 1000;
const HEAD_TIMEOUT_MS = 10_000;

describe("slowloris against the HTTP server on the direct stack", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await directPair(21);
  });
  afterAll(() => lab.disconnect());

  it(`cuts ${CONNECTIONS} unfinished heads with 408 at the head timeout, answering a fetch meanwhile`, async () => {
    const server = connectHttpServer(lab.server.tcp(), { limits: { headTimeoutMs: HEAD_TIMEOUT_MS } });
    server.listen(80, () => new Response("ok"));
    const answers: Promise<{ text: string; afterMs: number }>[] = [];
    const started = performance.now();
    for (let i = 0; i < CONNECTIONS; i++) {
      const flow = await lab.client.tcp().createConnection(lab.serverAddr, 80);
      if (!flow.ok) throw new Error(ppTcpError(flow.error));
      const duplex = flowDuplex(flow.value);
      duplex.write(`GET /${i} HTTP/1.1\r\nHost: a\r\nX-Slow: `);
      answers.push(
        new Promise((resolve) => {
          let text = "";
          duplex.on("data", (c: Buffer) => {
            text += c.toString("latin1");
          });
          duplex.once("end", () => {
            resolve({ text, afterMs: performance.now() - started });
            duplex.destroy();
          });
        }),
      );
    }
    await expect.poll(() => server.stats().openConnections).toBe(CONNECTIONS);
    // While every slow head is held, a real request is served before any of them is cut.
    const client = connectHttpClient(lab.client.tcp());
    const asked = performance.now();
    const during = await client.fetch("http://10.7.0.1/");
    expect(await during.text()).toBe("ok");
    expect(server.stats().headTimeouts).toBe(0);
    console.log(`a fetch during ${CONNECTIONS} slow heads: answered in ${Math.round(performance.now() - asked)} ms`);
    const results = await Promise.all(answers);
    for (const { text } of results) expect(text).toMatch(/^HTTP\/1\.1 408 /);
    // None is cut before its timeout.
    expect(Math.min(...results.map((r) => r.afterMs))).toBeGreaterThanOrEqual(HEAD_TIMEOUT_MS);
    expect(server.stats()).toMatchObject({ headTimeouts: CONNECTIONS });
    await expect.poll(() => server.stats().openConnections).toBeLessThanOrEqual(1);
    await client.disconnect();
    await server.disconnect();
  }, 120_000);
});
