// mirage-unix's flowDuplex under Node's own protocol code, over tcpip's direct stack in-process:
// node:http serving, undici and node:http fetching, node:tls both ways, half-close and backpressure.
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { type IncomingMessage, createServer, request as httpRequest } from "node:http";
import { TLSSocket, createSecureContext, connect as tlsConnect } from "node:tls";
import { type Ipaddr, type TcpFlow, ppTcpError } from "@mirage-ts/mirage-types";
import { type FlowDuplex, flowDuplex } from "@mirage-ts/mirage-unix";
import { type TestPki, describeRequiring, makePki, missingTools } from "@mirage-ts/test-support";
import { Client } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";

import { type Lab, directPair } from "./support/lab.js";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

async function dial(lab: Lab, port: number): Promise<FlowDuplex> {
  const flow = await lab.client.tcp().createConnection(lab.serverAddr, port);
  if (!flow.ok) throw new Error(ppTcpError(flow.error));
  return flowDuplex(flow.value);
}

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describeRequiring(missingTools("openssl"), "flowDuplex over the direct stack", {}, () => {
  let lab: Lab;
  let pki: TestPki;
  beforeAll(async () => {
    lab = await directPair();
    pki = makePki(["server.test"]);
  });
  afterAll(async () => {
    await lab.disconnect();
    pki.remove();
  });

  it("node:http serves undici: keep-alive on one connection, a 2 MiB upload and download intact", async () => {
    const server = createServer(async (req: IncomingMessage, res) => {
      const body = await drain(req);
      res.setHeader("x-sha256", sha256(body));
      res.end(body);
    });
    let connections = 0;
    lab.server.tcp().listen(8080, (flow) => {
      connections++;
      server.emit("connection", flowDuplex(flow));
    });
    const client = new Client("http://10.7.0.1:8080", {
      connect: (_opts, callback) => {
        dial(lab, 8080).then(
          (d) => callback(null, d as never),
          (e: Error) => callback(e, null),
        );
      },
    });
    const upload = randomBytes(2 << 20);
    for (let i = 0; i < 3; i++) {
      const response = await client.request({ path: "/echo", method: "POST", body: upload });
      expect(response.statusCode).toBe(200);
      expect(response.headers["x-sha256"]).toBe(sha256(upload));
      const echoed = Buffer.from(await response.body.arrayBuffer());
      expect(sha256(echoed)).toBe(sha256(upload));
    }
    expect(connections).toBe(1);
    await client.close();
    lab.server.tcp().unlisten(8080);
  });

  it("node:http's client runs over it with createConnection", async () => {
    const server = createServer((req, res) => res.end(`path ${req.url} from ${req.socket.remoteAddress}`));
    lab.server.tcp().listen(8081, (flow) => {
      server.emit("connection", flowDuplex(flow));
    });
    const duplex = await dial(lab, 8081);
    const req = httpRequest({ host: "10.7.0.1", path: "/x", createConnection: () => duplex as never });
    req.end();
    const [res] = (await once(req, "response")) as [IncomingMessage];
    expect((await drain(res)).toString()).toBe("path /x from 10.7.0.2");
    lab.server.tcp().unlisten(8081);
  });

  it("node:tls both ways: verified by the test's CA, SNI and ALPN agreed, data intact", async () => {
    const context = createSecureContext({ cert: pki.certPem, key: pki.keyPem });
    let seen: { servername: unknown; alpn: unknown } | undefined;
    lab.server.tcp().listen(8443, (flow) => {
      const socket = new TLSSocket(flowDuplex(flow), {
        isServer: true,
        secureContext: context,
        ALPNProtocols: ["h2", "x-echo"],
      });
      socket.on("secure", () => {
        seen = { servername: (socket as TLSSocket & { servername?: unknown }).servername, alpn: socket.alpnProtocol };
      });
      socket.pipe(socket);
    });
    const socket = tlsConnect({
      socket: await dial(lab, 8443),
      servername: "server.test",
      ca: pki.caPem,
      ALPNProtocols: ["x-echo"],
    });
    await once(socket, "secureConnect");
    expect(socket.authorized).toBe(true);
    const payload = randomBytes(1 << 20);
    socket.end(payload);
    expect(sha256(await drain(socket))).toBe(sha256(payload));
    expect(seen).toEqual({ servername: "server.test", alpn: "x-echo" });
    lab.server.tcp().unlisten(8443);
  });

  it("refuses a certificate the CA did not sign", async () => {
    const other = makePki(["server.test"]);
    const context = createSecureContext({ cert: other.certPem, key: other.keyPem });
    lab.server.tcp().listen(8444, (flow) => {
      const socket = new TLSSocket(flowDuplex(flow), { isServer: true, secureContext: context });
      socket.on("error", () => {});
    });
    const socket = tlsConnect({ socket: await dial(lab, 8444), servername: "server.test", ca: pki.caPem });
    const [error] = (await once(socket, "error")) as [NodeJS.ErrnoException];
    expect(error.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    other.remove();
    lab.server.tcp().unlisten(8444);
  });

  it("half-closes: the server reads to the client's FIN, then answers on its still-open side", async () => {
    lab.server.tcp().listen(8082, async (flow: TcpFlow<Ipaddr>) => {
      const duplex = flowDuplex(flow);
      // Events, not `for await`: the iterator destroys the stream at the end, both sides at once.
      let got = 0;
      duplex.on("data", (chunk: Buffer) => {
        got += chunk.length;
      });
      await once(duplex, "end");
      duplex.end(`got ${got} bytes`);
    });
    const duplex = await dial(lab, 8082);
    duplex.end(Buffer.alloc(5000, 1));
    await once(duplex, "finish");
    expect((await drain(duplex)).toString()).toBe("got 5000 bytes");
    lab.server.tcp().unlisten(8082);
  });

  it("backpressure: a reader that stops makes the writer wait, and nothing is lost", async () => {
    const payload = randomBytes(8 << 20);
    let writer: FlowDuplex | undefined;
    let writerBlocked = false;
    lab.server.tcp().listen(8083, (flow) => {
      writer = flowDuplex(flow);
      let at = 0;
      const pump = (): void => {
        while (at < payload.length) {
          const chunk = payload.subarray(at, at + 65536);
          at += chunk.length;
          if (!writer?.write(chunk)) {
            writerBlocked = true;
            writer?.once("drain", pump);
            return;
          }
        }
        writer?.end();
      };
      pump();
    });
    const reader = await dial(lab, 8083);
    reader.pause();
    await expect.poll(() => writerBlocked).toBe(true);
    // Paused: what sits in the reader is bounded by its high-water mark, the rest waits in TCP's
    // windows and the writer's queue, not in memory past them.
    expect(reader.readableLength).toBeLessThanOrEqual(reader.readableHighWaterMark + 65536);
    expect(writer?.writableNeedDrain).toBe(true);
    reader.resume();
    expect(sha256(await drain(reader))).toBe(sha256(payload));
    lab.server.tcp().unlisten(8083);
  });
});
