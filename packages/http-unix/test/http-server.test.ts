// The HTTP server device over tcpip's direct stack in-process: fetch-standard handlers, streamed
// bodies, HTTPS with HTTP/2 and HTTP/1.1 by ALPN, and the limits, each answered and counted.
import { createHash, createPrivateKey, randomBytes } from "node:crypto";
import { connect as h2connect } from "node:http2";
import { connect as tlsConnect } from "node:tls";
import type { HttpServer } from "@mirage-ts/http";
import { connectHttpClient, connectHttpServer } from "@mirage-ts/http-unix";
import { StartupError } from "@mirage-ts/mirage-runtime";
import { ppTcpError } from "@mirage-ts/mirage-types";
import { flowDuplex } from "@mirage-ts/mirage-unix";
import {
  type TestPki,
  describeRequiring,
  makePki,
  missingTools,
  requestSmugglingShapes,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";

import { type Lab, directPair } from "./support/lab.js";
import { echoDigest, streamedBytes } from "./support/routes.js";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/**
 * Sends raw bytes on a new connection (then a FIN with `halfClose`) and returns everything the server
 * answers until it closes.
 */
async function raw(lab: Lab, port: number, bytes: string, halfClose = false): Promise<string> {
  const flow = await lab.client.tcp().createConnection(lab.serverAddr, port);
  if (!flow.ok) throw new Error(ppTcpError(flow.error));
  const duplex = flowDuplex(flow.value);
  if (halfClose) duplex.end(bytes);
  else duplex.write(bytes);
  const chunks: Buffer[] = [];
  duplex.on("data", (c: Buffer) => chunks.push(c));
  await new Promise((resolve) => duplex.once("end", resolve));
  duplex.destroy();
  return Buffer.concat(chunks).toString("latin1");
}

const handler = async (request: Request, info: { remote: { address: string }; protocol: string }) => {
  const url = new URL(request.url);
  if (url.pathname === "/echo") return echoDigest(request);
  if (url.pathname === "/stream") {
    const body = streamedBytes(Number(url.searchParams.get("bytes")));
    return new Response(body, { headers: { "content-type": "application/octet-stream" } });
  }
  if (url.pathname === "/boom") throw new Error("handler failure");
  if (url.pathname === "/slow") await new Promise((resolve) => setTimeout(resolve, 50));
  return new Response(`hello ${info.remote.address} ${info.protocol} ${url.host}`);
};

describeRequiring(missingTools("openssl"), "HTTP server device over the direct stack", {}, () => {
  let lab: Lab;
  let pki: TestPki;
  let server: HttpServer;
  let tlsServer: HttpServer;
  beforeAll(async () => {
    lab = await directPair(11);
    pki = makePki(["site.test"]);
    server = connectHttpServer(lab.server.tcp(), {
      limits: { maxHeaders: 20, headTimeoutMs: 400, maxBodyBytes: 1 << 20 },
    });
    server.listen(80, handler);
    const credentials = {
      certificate: pki.certPem,
      key: pki.keyPem,
      certificateSource: "tls/server.pem",
      keySource: "tls/server.key",
    };
    tlsServer = connectHttpServer(lab.server.tcp(), { tls: { credentials: [credentials] } });
    tlsServer.listen(443, handler);
  });
  afterAll(async () => {
    await server.disconnect();
    await tlsServer.disconnect();
    await lab.disconnect();
    pki.remove();
  });

  it("serves the fetch client of the other stack: text, a streamed upload, a streamed download", async () => {
    const client = connectHttpClient(lab.client.tcp(), { connectionsPerOrigin: 1 });
    const hello = await client.fetch("http://10.7.0.1/hi");
    expect(await hello.text()).toBe("hello 10.7.0.2 http/1.1 10.7.0.1");
    const upload = randomBytes(700_000);
    const echoed = await client.fetch("http://10.7.0.1/echo", { method: "POST", body: upload });
    expect(await echoed.json()).toEqual({ size: upload.length, sha256: sha256(upload) });
    const download = await client.fetch("http://10.7.0.1/stream?bytes=3000000");
    expect(download.headers.get("transfer-encoding")).toBe("chunked");
    expect((await download.arrayBuffer()).byteLength).toBe(3_000_000);
    const boom = await client.fetch("http://10.7.0.1/boom");
    expect(boom.status).toBe(500);
    expect(server.stats()).toMatchObject({ handlerErrors: 1 });
    // Keep-alive: the requests shared one connection.
    expect(client.stats()).toMatchObject({ connections: 1, requests: 4 });
    await client.disconnect();
  });

  it("HTTPS: HTTP/1.1 by ALPN to the verified fetch client, HTTP/2 to node:http2", async () => {
    const client = connectHttpClient(lab.client.tcp(), { tls: { ca: [pki.caPem] } });
    // The certificate names site.test; fetch by address with the name sent by SNI through a Host-less
    // URL is not possible, so the connection's servername comes from the URL: use the name, resolved.
    const named = connectHttpClient(lab.client.tcp(), {
      tls: { ca: [pki.caPem] },
      resolve: async (host) => (host === "site.test" ? lab.serverAddr : undefined),
    });
    const response = await named.fetch("https://site.test/hi");
    expect(await response.text()).toBe("hello 10.7.0.2 http/1.1 site.test");
    await expect(client.fetch("https://10.7.0.1/hi")).rejects.toThrow();
    const flow = await lab.client.tcp().createConnection(lab.serverAddr, 443);
    if (!flow.ok) throw new Error(ppTcpError(flow.error));
    const session = h2connect("https://site.test", {
      createConnection: () =>
        tlsConnect({ socket: flowDuplex(flow.value), servername: "site.test", ca: pki.caPem, ALPNProtocols: ["h2"] }),
    });
    const stream = session.request({ ":path": "/stream?bytes=1000000" });
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => stream.once("end", resolve));
    expect(Buffer.concat(chunks).length).toBe(1_000_000);
    const hi = session.request({ ":path": "/hi" });
    let text = "";
    hi.on("data", (c: Buffer) => {
      text += c.toString();
    });
    await new Promise((resolve) => hi.once("end", resolve));
    expect(text).toBe("hello 10.7.0.2 h2 site.test");
    session.close();
    expect(tlsServer.stats()).toMatchObject({ h2Streams: 2 });
    await client.disconnect();
    await named.disconnect();
  });

  it("h2c: HTTP/2 with prior knowledge and HTTP/1.1 on the same plain port", async () => {
    const before = server.stats();
    const flow = await lab.client.tcp().createConnection(lab.serverAddr, 80);
    if (!flow.ok) throw new Error(ppTcpError(flow.error));
    const session = h2connect("http://10.7.0.1", { createConnection: () => flowDuplex(flow.value) });
    const texts = await Promise.all(
      ["/hi", "/stream?bytes=300000"].map(async (path) => {
        const stream = session.request({ ":path": path });
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        await new Promise((resolve) => stream.once("end", resolve));
        return Buffer.concat(chunks);
      }),
    );
    expect(texts[0]?.toString()).toBe("hello 10.7.0.2 h2 10.7.0.1");
    expect(texts[1]?.length).toBe(300_000);
    session.close();
    // The same port still speaks HTTP/1.1 to a client without the preface, even one that starts like it.
    const h1 = await raw(lab, 80, "GET /hi HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(h1).toMatch(/^HTTP\/1\.1 200 /);
    expect(h1).toContain("hello 10.7.0.2 http/1.1 a");
    expect(await raw(lab, 80, "PRI / HTTP/1.1\r\nHost: a\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect(server.stats().h2Streams - before.h2Streams).toBe(2);
    expect(server.stats().connections - before.connections).toBe(3);
  });

  it("answers a client that half-closes right after its request, as HTTP/1.1 allows", async () => {
    const answer = await raw(lab, 80, "GET /slow HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", true);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain("hello 10.7.0.2 http/1.1 a");
  });

  it("answers request-smuggling shapes with 400 and closes", async () => {
    const shapes = requestSmugglingShapes;
    const before = server.stats().badRequests;
    for (const [name, bytes] of Object.entries(shapes)) {
      const answer = await raw(lab, 80, bytes);
      expect(answer, name).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer, name).not.toContain("hello");
    }
    expect(server.stats().badRequests - before).toBe(Object.keys(shapes).length);
  });

  it("431 for a head too large or too many fields, 413 for a body over the limit, 408 for a slow head", async () => {
    const big = await raw(lab, 80, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    const fields = Array.from({ length: 30 }, (_, i) => `X-${i}: v\r\n`).join("");
    expect(await raw(lab, 80, `GET / HTTP/1.1\r\nHost: a\r\n${fields}\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
    const declared = await raw(lab, 80, `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: ${2 << 20}\r\n\r\n`);
    expect(declared).toMatch(/^HTTP\/1\.1 413 /);
    const chunk = (n: number) => `${n.toString(16)}\r\n${"x".repeat(n)}\r\n`;
    const streamed = await raw(
      lab,
      80,
      `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(600_000)}${chunk(600_000)}0\r\n\r\n`,
    );
    expect(streamed).toMatch(/^HTTP\/1\.1 413 /);
    // A head that never completes is cut with 408 after the head timeout.
    expect(await raw(lab, 80, "GET / HTTP/1.1\r\nHost: a\r\n")).toMatch(/^HTTP\/1\.1 408 /);
    expect(server.stats()).toMatchObject({ headTooLarge: 2, bodyTooLarge: 2, headTimeouts: 1 });
  });

  it("HTTP/2 keeps the same head limits: 431 for a head over maxHeadBytes or more than maxHeaders fields", async () => {
    const before = server.stats().headTooLarge;
    const flow = await lab.client.tcp().createConnection(lab.serverAddr, 80);
    if (!flow.ok) throw new Error(ppTcpError(flow.error));
    const session = h2connect("http://10.7.0.1", { createConnection: () => flowDuplex(flow.value) });
    const status = (headers: Record<string, string>) =>
      new Promise<unknown>((resolve, reject) => {
        const stream = session.request({ ":path": "/hi", ...headers });
        stream.once("response", (h) => resolve(h[":status"]));
        stream.once("error", reject);
        stream.resume();
      });
    // 20 KiB is over the 16 KiB default though under nghttp2's own 64 KiB ceiling.
    expect(await status({ "x-big": "a".repeat(20_000) })).toBe(431);
    expect(await status(Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`x-${i}`, "v"])))).toBe(431);
    expect(await status({ "x-small": "a".repeat(1000) })).toBe(200);
    session.close();
    expect(server.stats().headTooLarge - before).toBe(2);
  });

  it("fails at start naming the file when the certificate or key is bad", () => {
    const good = {
      certificate: pki.certPem,
      key: pki.keyPem,
      certificateSource: "tls/server.pem",
      keySource: "tls/server.key",
    };
    const broken = new TextEncoder().encode("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    expect(() =>
      connectHttpServer(lab.server.tcp(), { tls: { credentials: [{ ...good, certificate: broken }] } }),
    ).toThrow(/^tls\/server\.pem: bad certificate/);
    const other = makePki(["x.test"]);
    expect(() =>
      connectHttpServer(lab.server.tcp(), { tls: { credentials: [{ ...good, key: other.keyPem }] } }),
    ).toThrow(/^tls\/server\.key: the key does not match the certificate tls\/server\.pem/);
    other.remove();
    // A key under a passphrase: OpenSSL only says "interrupted or cancelled".
    const encrypted = createPrivateKey(Buffer.from(pki.keyPem)).export({
      format: "pem",
      type: "pkcs8",
      cipher: "aes-256-cbc",
      passphrase: "secret",
    });
    const failure = (() => {
      try {
        connectHttpServer(lab.server.tcp(), { tls: { credentials: [{ ...good, key: Buffer.from(encrypted) }] } });
      } catch (error) {
        return error;
      }
    })();
    // Printed by the platform as the message alone: the operator's file is wrong, not the code.
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toMatch(
      /^tls\/server\.key: the private key is encrypted .*`openssl pkey -in KEY -out PLAIN`/,
    );
    expect(() => connectHttpServer(lab.server.tcp(), { limits: { maxHeaders: 0 } })).toThrow(/maxHeaders: 0/);
  });
});
