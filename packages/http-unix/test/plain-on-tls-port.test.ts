// Plain HTTP sent to the TLS port is answered as nginx answers it: 400 with a body naming the HTTPS
// URL to use, then the connection closes. The first byte decides, before node:tls reads anything, so
// a real TLS client on the same port is unaffected.
import { execFile } from "node:child_process";
import { connect } from "node:net";
import { promisify } from "node:util";
import type { HttpServer } from "@mirage-ts/http";
import { connectHttpServer } from "@mirage-ts/http-unix";
import type { Stack } from "@mirage-ts/mirage-types";
import { connectSocketStack } from "@mirage-ts/mirage-unix";
import { type TestPki, describeRequiring, freePort, makePki, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);

/** Sends `bytes` on a raw TCP connection and returns all the server answers until it closes. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      socket.end();
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    socket.write(bytes);
  });
}

describeRequiring(missingTools("openssl", "curl"), "HTTPS port: plain HTTP", {}, () => {
  let stack: Stack;
  let pki: TestPki;
  let server: HttpServer;
  let port: number;
  beforeAll(async () => {
    stack = await connectSocketStack({ ipv4Only: true });
    pki = makePki(["localhost", "127.0.0.1"]);
    const credentials = {
      certificate: pki.certPem,
      key: pki.keyPem,
      certificateSource: "server.pem",
      keySource: "server.key",
    };
    server = connectHttpServer(stack.tcp(), { tls: { credentials: [credentials] } });
    port = await freePort("tcp");
    server.listen(port, () => new Response("secure hello\n"));
  });
  afterAll(async () => {
    await server.disconnect();
    await stack.disconnect();
    pki.remove();
  });

  it("answers a raw plain request with 400 naming the HTTPS URL, then closes", async () => {
    const before = server.stats().badRequests;
    const answer = await raw(port, `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nUser-Agent: raw\r\n\r\n`);
    const [head, body] = answer.split("\r\n\r\n");
    expect(head?.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    expect(head).toContain("Connection: close");
    expect(body).toBe(
      `400 Bad Request: a plain HTTP request was sent to the HTTPS port. Use https://localhost:${port}/ instead.\n`,
    );
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body ?? "")}`);
    expect(server.stats().badRequests).toBe(before + 1);
  });

  it("does not echo a Host it cannot vouch for", async () => {
    const answer = await raw(port, "GET / HTTP/1.1\r\nHost: <script>\r\n\r\n");
    expect(answer).toContain("Use https://<host>/ instead.");
    expect(answer).not.toContain("<script>");
  });

  it("gives curl http:// the 400 and its text, and curl https:// the site, on the same port", async () => {
    const plain = await run("curl", ["-sS", "-w", "\\n%{http_code}", `http://127.0.0.1:${port}/`]);
    const use = `Use https://127.0.0.1:${port}/ instead.`;
    expect(plain.stdout).toBe(`400 Bad Request: a plain HTTP request was sent to the HTTPS port. ${use}\n\n400`);
    const secure = await run("curl", ["-sS", "--cacert", pki.caFile, `https://127.0.0.1:${port}/`]);
    expect(secure.stdout).toBe("secure hello\n");
  });
});
