// The neutral HTTP/1.1 server of @mirage-ts/http (the browser and sim targets' server) over tcpip's
// direct stack, asked by real clients: undici's fetch (keep-alive, a streamed upload, a chunked
// download, HEAD, 413) and pipelined requests written at once.
import { createHash, randomBytes } from "node:crypto";
import { type HttpHandler, connectHttp1Server } from "@mirage-ts/http";
import { connectHttpClient } from "@mirage-ts/http-unix";
import { ppTcpError } from "@mirage-ts/mirage-types";
import { flowDuplex } from "@mirage-ts/mirage-unix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, directPair } from "./support/lab.js";
import { echoDigest, streamedBytes } from "./support/routes.js";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

const handler: HttpHandler = async (request, info) => {
  const url = new URL(request.url);
  if (url.pathname === "/echo") return echoDigest(request);
  if (url.pathname === "/stream") {
    const body = streamedBytes(Number(url.searchParams.get("bytes")));
    return new Response(body);
  }
  return new Response(`hello ${info.remote.address} ${info.protocol} ${url.pathname}`, {
    headers: { "content-length": String(`hello ${info.remote.address} ${info.protocol} ${url.pathname}`.length) },
  });
};

describe("the neutral HTTP/1.1 server over the direct stack, with undici and pipelined requests", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await directPair(31);
  });
  afterAll(() => lab.disconnect());

  it("serves undici's fetch on one kept-alive connection: text, a streamed upload and download, HEAD", async () => {
    const server = connectHttp1Server(lab.server.tcp(), { limits: { maxBodyBytes: 1 << 20 } });
    server.listen(80, handler);
    const client = connectHttpClient(lab.client.tcp(), { connectionsPerOrigin: 1 });
    expect(await (await client.fetch("http://10.7.0.1/hi")).text()).toBe("hello 10.7.0.2 http/1.1 /hi");
    const upload = randomBytes(700_000);
    const echoed = await client.fetch("http://10.7.0.1/echo", { method: "POST", body: upload });
    expect(await echoed.json()).toEqual({ size: upload.length, sha256: sha256(upload) });
    const download = await client.fetch("http://10.7.0.1/stream?bytes=3000000");
    expect(download.headers.get("transfer-encoding")).toBe("chunked");
    expect((await download.arrayBuffer()).byteLength).toBe(3_000_000);
    const head = await client.fetch("http://10.7.0.1/hi", { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("27");
    expect(await head.text()).toBe("");
    // An upload over the body limit is refused with 413 before the handler (its length is declared).
    const big = await client.fetch("http://10.7.0.1/echo", { method: "POST", body: randomBytes(1_200_000) });
    expect(big.status).toBe(413);
    expect(server.stats()).toMatchObject({ requests: 4, bodyTooLarge: 1, badRequests: 0 });
    expect(client.stats().connections).toBeLessThanOrEqual(2);
    await client.disconnect();
    await server.disconnect();
  });

  it("answers pipelined requests in order on one connection, read back by node:http's parser", async () => {
    const server = connectHttp1Server(lab.server.tcp());
    server.listen(81, handler);
    const flow = await lab.client.tcp().createConnection(lab.serverAddr, 81);
    if (!flow.ok) throw new Error(ppTcpError(flow.error));
    const duplex = flowDuplex(flow.value);
    // Three requests in one write, the last closing: the answers must come in the same order.
    duplex.write(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /stream?bytes=100000 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    const chunks: Buffer[] = [];
    duplex.on("data", (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => duplex.once("end", resolve));
    duplex.destroy();
    const text = Buffer.concat(chunks).toString("latin1");
    const a = text.indexOf("hello 10.7.0.2 http/1.1 /a");
    const b = text.indexOf("Transfer-Encoding: chunked");
    const c = text.indexOf("hello 10.7.0.2 http/1.1 /c");
    expect([a, b, c].every((i) => i >= 0) && a < b && b < c).toBe(true);
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
    expect(server.stats()).toMatchObject({ connections: 1, requests: 3 });
    await server.disconnect();
  });
});
