// The TLS device on node:tls over direct-stack flows, and certificates read from a KV store.
import { connectNodeTls } from "@mirage-ts/http-unix";
import { Key, ppTcpError } from "@mirage-ts/mirage-types";
import { connectMemoryKvRw } from "@mirage-ts/mirage-unix";
import { type TestPki, describeRequiring, makePki, missingTools } from "@mirage-ts/test-support";
import { type TlsCredentials, ppTlsError, readTlsCredentials } from "@mirage-ts/tls";
import { afterAll, beforeAll, expect, it } from "vitest";

import { type Lab, directPair } from "./support/lab.js";

describeRequiring(missingTools("openssl"), "TLS device on node:tls", {}, () => {
  let lab: Lab;
  let pki: TestPki;
  let credentials: TlsCredentials;
  beforeAll(async () => {
    lab = await directPair(5);
    pki = makePki(["a.test", "*.b.test"]);
    const kv = await connectMemoryKvRw();
    await kv.set(Key.v("tls/server.pem"), pki.certPem);
    await kv.set(Key.v("tls/server.key"), pki.keyPem);
    const read = await readTlsCredentials(kv, { certificate: "tls/server.pem", key: "tls/server.key" });
    if (!read.ok) throw new Error(read.error.message);
    credentials = read.value;
  });
  afterAll(async () => {
    await lab.disconnect();
    pki.remove();
  });

  it("secures flows both ways: verification by CA, SNI, ALPN, session resumption, data both ways", async () => {
    const tls = connectNodeTls();
    const config = { credentials: [credentials], alpnProtocols: ["x-echo"] };
    lab.server.tcp().listen(9443, async (flow) => {
      const session = await tls.serverOfFlow(flow, config);
      if (!session.ok) return;
      for (;;) {
        const read = await session.value.read();
        if (!read.ok || read.value.kind === "eof") break;
        await session.value.write(read.value.data);
      }
      await session.value.close();
    });
    const open = async (session?: Uint8Array) => {
      const flow = await lab.client.tcp().createConnection(lab.serverAddr, 9443);
      if (!flow.ok) throw new Error(ppTcpError(flow.error));
      const secured = await tls.clientOfFlow(flow.value, {
        servername: "x.b.test",
        ca: [pki.caPem],
        alpnProtocols: ["x-echo"],
        ...(session === undefined ? {} : { session }),
      });
      if (!secured.ok) throw new Error(ppTlsError(secured.error));
      return secured.value;
    };
    const first = await open();
    expect(first.alpnProtocol()).toBe("x-echo");
    expect(first.servername()).toBe("x.b.test");
    expect(await first.write(new TextEncoder().encode("ping"))).toEqual({ ok: true, value: undefined });
    const echoed = await first.read();
    expect(echoed.ok && echoed.value.kind === "data" && new TextDecoder().decode(echoed.value.data)).toBe("ping");
    // Tickets come after the handshake (TLS 1.3): the echo's round trip has let them arrive.
    await expect.poll(() => first.session()).toBeDefined();
    const saved = first.session();
    await first.close();
    expect(saved).toBeDefined();
    const second = await open(saved);
    expect(second.resumed()).toBe(true);
    await second.close();
    lab.server.tcp().unlisten(9443);
  });

  it("fails the client handshake when the name is not the certificate's", async () => {
    const tls = connectNodeTls();
    lab.server.tcp().listen(9444, async (flow) => {
      await tls.serverOfFlow(flow, { credentials: [credentials] });
    });
    const flow = await lab.client.tcp().createConnection(lab.serverAddr, 9444);
    if (!flow.ok) throw new Error(ppTcpError(flow.error));
    const secured = await tls.clientOfFlow(flow.value, { servername: "other.test", ca: [pki.caPem] });
    expect(secured.ok).toBe(false);
    if (!secured.ok) expect(ppTlsError(secured.error)).toMatch(/TLS handshake failed: .*other\.test/);
    lab.server.tcp().unlisten(9444);
  });

  it("without a name, checks the certificate against the address connected to (not localhost)", async () => {
    const tls = connectNodeTls();
    const forAddress = makePki([lab.serverAddr.toString()]);
    const forLocalhost = makePki(["localhost"]);
    try {
      const handshake = async (server: TestPki, port: number) => {
        const kv = await connectMemoryKvRw();
        await kv.set(Key.v("server.pem"), server.certPem);
        await kv.set(Key.v("server.key"), server.keyPem);
        const read = await readTlsCredentials(kv);
        if (!read.ok) throw new Error(read.error.message);
        const credentials = read.value;
        lab.server.tcp().listen(port, async (flow) => {
          await tls.serverOfFlow(flow, { credentials: [credentials] });
        });
        const flow = await lab.client.tcp().createConnection(lab.serverAddr, port);
        if (!flow.ok) throw new Error(ppTcpError(flow.error));
        const secured = await tls.clientOfFlow(flow.value, { ca: [server.caPem] });
        lab.server.tcp().unlisten(port);
        if (secured.ok) await secured.value.close();
        return secured.ok ? "accepted" : ppTlsError(secured.error);
      };
      expect(await handshake(forAddress, 9445)).toBe("accepted");
      expect(await handshake(forLocalhost, 9446)).toMatch(/TLS handshake failed: .*does not match/);
    } finally {
      forAddress.remove();
      forLocalhost.remove();
    }
  });

  it("readTlsCredentials names the missing or wrong file", async () => {
    const kv = await connectMemoryKvRw();
    expect(await readTlsCredentials(kv)).toEqual({
      ok: false,
      error: { kind: "msg", message: expect.stringMatching(/^server\.pem: /) },
    });
    await kv.set(Key.v("server.pem"), pki.certPem);
    await kv.set(Key.v("server.key"), pki.certPem);
    const wrong = await readTlsCredentials(kv);
    expect(!wrong.ok && wrong.error.message).toMatch(/^server\.key: no PEM private key/);
  });
});
