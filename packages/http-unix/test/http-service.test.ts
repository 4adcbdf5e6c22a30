// The web service device of Mirage's --tls key over the direct stack in-process: HTTPS with the plain
// port redirecting, or plain HTTP with the certificate store left unread.
import { createServer } from "node:net";
import { connectHttpClient, connectHttpService } from "@mirage-ts/http-unix";
import { Ipv4Prefix, Key } from "@mirage-ts/mirage-types";
import { connectMemoryKvRw, connectSocketStack } from "@mirage-ts/mirage-unix";
import {
  type TestPki,
  describeRequiring,
  freePort,
  kernelTcpSockets,
  makePki,
  missingTools,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";

import { type Lab, directPair } from "./support/lab.js";

describeRequiring(missingTools("openssl"), "HTTP service device (--tls)", {}, () => {
  let lab: Lab;
  let pki: TestPki;
  beforeAll(async () => {
    lab = await directPair(13);
    pki = makePki(["site.test"]);
  });
  afterAll(async () => {
    await lab.disconnect();
    pki.remove();
  });

  const handler = (request: Request, info: { protocol: string; tls: boolean }) =>
    new Response(`${new URL(request.url).pathname} ${info.protocol} tls=${info.tls}`);

  it("with TLS: HTTPS on the HTTPS port, the plain port answering 301 to the same path", async () => {
    const certs = await connectMemoryKvRw();
    await certs.set(Key.v("server.pem"), pki.certPem);
    await certs.set(Key.v("server.key"), pki.keyPem);
    const service = await connectHttpService(lab.server.tcp(), certs, { tls: true, httpPort: 8080, httpsPort: 8443 });
    expect([service.tls, service.port, service.redirectPort]).toEqual([true, 8443, 8080]);
    service.serve(handler);
    const client = connectHttpClient(lab.client.tcp(), {
      tls: { ca: [pki.caPem] },
      resolve: async (host) => (host === "site.test" ? lab.serverAddr : undefined),
    });
    const redirect = await client.fetch("http://site.test:8080/a?b", { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("https://site.test:8443/a?b");
    const followed = await client.fetch("http://site.test:8080/page");
    expect(await followed.text()).toBe("/page http/1.1 tls=true");
    expect(service.stats()).toMatchObject({ requests: 3 });
    await client.disconnect();
    await service.disconnect();
  });

  it("without TLS: plain HTTP on the HTTP port, the empty certificate store never read", async () => {
    const service = await connectHttpService(lab.server.tcp(), await connectMemoryKvRw(), {
      tls: false,
      httpPort: 8081,
    });
    expect([service.tls, service.port, service.redirectPort]).toEqual([false, 8081, undefined]);
    service.serve(handler);
    const client = connectHttpClient(lab.client.tcp());
    expect(await (await client.fetch("http://10.7.0.1:8081/x")).text()).toBe("/x http/1.1 tls=false");
    await client.disconnect();
    await service.disconnect();
  });

  it("fails at start naming the missing file, or the two equal ports", async () => {
    const empty = await connectMemoryKvRw();
    await expect(connectHttpService(lab.server.tcp(), empty, { tls: true })).rejects.toThrow(/server\.pem/);
    const same = connectHttpService(lab.server.tcp(), empty, { tls: true, httpPort: 443, httpsPort: 443 });
    await expect(same).rejects.toThrow(
      "httpPort and httpsPort (--http-port, --https-port) are both 443: give two ports",
    );
    // An argument error: the run ends with 64, as for any bad argument.
    await expect(same).rejects.toMatchObject({ exitCode: 64 });
  });
});

describeRequiring(missingTools("openssl"), "HTTP service device on the host sockets: listening()", {}, () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makePki(["localhost"]);
  });
  afterAll(() => pki.remove());

  async function certs() {
    const store = await connectMemoryKvRw();
    await store.set(Key.v("server.pem"), pki.certPem);
    await store.set(Key.v("server.key"), pki.keyPem);
    return store;
  }

  it("resolves once both ports are bound, and only then", async () => {
    const stack = await connectSocketStack({ ipv4Only: true, ipv4: Ipv4Prefix.parse("127.0.0.1/8") });
    const [httpPort, httpsPort] = [await freePort("tcp"), await freePort("tcp")];
    const service = await connectHttpService(stack.tcp(), await certs(), { tls: true, httpPort, httpsPort });
    service.serve(() => new Response("hi"));
    await service.listening?.();
    expect([httpPort, httpsPort].map((port) => kernelTcpSockets(port).map((s) => s.state))).toEqual([
      ["LISTEN"],
      ["LISTEN"],
    ]);
    await service.disconnect();
    await stack.disconnect();
  });

  it("rejects with the listen error when the redirecting port is taken", async () => {
    const blocker = createServer();
    const httpPort = await freePort("tcp");
    await new Promise<void>((resolve) => blocker.listen(httpPort, "127.0.0.1", resolve));
    const errors: Error[] = [];
    const stack = await connectSocketStack({
      ipv4Only: true,
      ipv4: Ipv4Prefix.parse("127.0.0.1/8"),
      onListenError: (e) => void errors.push(e),
    });
    const httpsPort = await freePort("tcp");
    const service = await connectHttpService(stack.tcp(), await certs(), { tls: true, httpPort, httpsPort });
    service.serve(() => new Response("hi"));
    await expect(service.listening?.()).rejects.toThrow(
      `tcp: cannot listen on port ${httpPort}: address already in use (EADDRINUSE)`,
    );
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining(`port ${httpPort}`)]);
    await service.disconnect();
    await stack.disconnect();
    blocker.close();
  });
});
