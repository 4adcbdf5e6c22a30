// Servers refuse TLS renegotiation: a client-initiated one is a DoS lever (testssl.sh's
// secure_client_renego), and Node's own limit (3 in 10 minutes) acts too late under load.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { connect, createServer } from "node:tls";
import { type TestPki, describeRequiring, makePki, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tlsDefaults } from "../src/secure-context.js";

describeRequiring(missingTools("openssl"), "TLS renegotiation", {}, () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makePki(["localhost"]);
  });
  afterAll(() => pki.remove());

  it("a TLS 1.2 client asking to renegotiate gets the handshake refused", async () => {
    // The options the HTTPS server is made with (the TLS device's contexts spread the same defaults).
    const server = createServer({ cert: pki.certPem, key: pki.keyPem, ...tlsDefaults }, (socket) => {
      socket.on("error", () => undefined);
      socket.pipe(socket);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const port = (server.address() as AddressInfo).port;
      const client = connect({
        port,
        host: "127.0.0.1",
        ca: [pki.caPem],
        servername: "localhost",
        maxVersion: "TLSv1.2",
      });
      await once(client, "secureConnect");
      // OpenSSL's server answers the renegotiating ClientHello with a fatal alert.
      const outcome = new Promise<NodeJS.ErrnoException | "renegotiated">((resolve) => {
        client.once("error", resolve);
        client.renegotiate({}, (error) => resolve(error ?? "renegotiated"));
      });
      const error = await outcome;
      expect(error).not.toBe("renegotiated");
      expect(error !== "renegotiated" && error.code).toMatch(
        /^ERR_SSL_(NO_RENEGOTIATION|SSLV3_ALERT_HANDSHAKE_FAILURE)$/u,
      );
      client.destroy();
    } finally {
      server.close();
    }
  });
});
