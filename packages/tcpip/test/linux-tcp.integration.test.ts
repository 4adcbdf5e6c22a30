// TCP interop with the Linux kernel in a network namespace, over both NETWORK backends (a socat UDP
// tunnel, and a tap fd used directly), with the DirectStack running in the driver process on
// mirage-unix's clock: a client on the stack sends 64 MiB to a kernel socat server (SHA-256 equal),
// the kernel's curl downloads a 10 MB body from an HTTP/1.1 responder on the stack (SHA-256 equal),
// and after a scapy SYN flood of thousands of spoofed SYNs the responder still answers curl.

import type { ChildProcess, StdioOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { describeRequiring, missingScapy, synFloodScript, waitFor } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LAB_MS, SCAPY_MS, TEST_MS, transferMs } from "./helpers/limits.js";
import { type Backend, type Driver, Lab, interopUnavailable, missingBackend } from "./helpers/stack-lab.js";

const unavailable = interopUnavailable(["curl", "ss"]) ?? missingScapy();

const BULK_BYTES = 64 << 20;
const BODY_BYTES = 10_000_000;
const HTTP_PORT = 8080;
/** Output the test reads: standard output and error piped. */
const PIPES: StdioOptions = ["ignore", "pipe", "pipe"];

interface TcpStatsView {
  readonly connections: number;
  readonly halfOpen: number;
  readonly listenOverflows: number;
  readonly halfOpenEvicted: number;
  readonly synCookiesSent: number;
  readonly synCookiesValid: number;
  readonly retransmittedSegments: number;
  readonly internalErrors: number;
  readonly segmentsOut: number;
}

/** SHA-256 and length of everything a child writes to stdout, once it exits. */
function hashStdout(child: ChildProcess): Promise<{ sha256: string; bytes: number; code: number | null }> {
  const hash = createHash("sha256");
  let bytes = 0;
  child.stdout!.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ sha256: hash.digest("hex"), bytes, code })));
}

function waitForListener(lab: Lab, port: number): Promise<void> {
  return waitFor(`a listener on port ${port}`, () => lab.ns.exec("ss", ["-Hltn", `sport = :${port}`]).trim() !== "");
}

function curlSha256(lab: Lab, maxTimeS: number): string {
  const output = lab.ns.exec(
    "bash",
    ["-c", `set -o pipefail; curl -sS --fail --max-time ${maxTimeS} http://10.99.0.2:${HTTP_PORT}/ | sha256sum`],
    (maxTimeS + 10) * 1000,
  );
  return output.trim().split(/\s+/)[0]!;
}

// The tap runs twice: with its virtio-net offloads (the stack sends 64 KiB segments with partial
// checksums, the kernel hands over large ones) and without (`tap-plain`, every frame MTU-sized).
for (const backend of ["socat", "tap", "tap-plain"] as const satisfies readonly Backend[]) {
  describeRequiring(unavailable ?? missingBackend(backend), `Linux TCP interop over the ${backend} backend`, {}, () => {
    let lab: Lab;
    let driver: Driver;
    let bodySha256 = "";

    const tcpStats = async (): Promise<TcpStatsView> => {
      const event = await driver.command({ cmd: "stats" }, "stats");
      return (event.stats as { tcp: TcpStatsView }).tcp;
    };

    beforeAll(async () => {
      lab = await Lab.start(backend, { cidr: "10.99.0.2/24", gateway: "10.99.0.1", direct: true });
      driver = lab.driver;
    }, LAB_MS);

    afterAll(async () => {
      await lab?.remove();
    }, LAB_MS);

    it(
      "sends 64 MiB from the stack to a kernel socat server, intact",
      async () => {
        const server = lab.ns.spawn("socat", ["-u", "TCP-LISTEN:5001,reuseaddr", "STDOUT"], { stdio: PIPES });
        const received = hashStdout(server);
        await waitForListener(lab, 5001);
        const sent = await driver.command(
          { cmd: "tcp-send", dst: "10.99.0.1", port: 5001, bytes: BULK_BYTES },
          "tcp-sent",
          transferMs(BULK_BYTES),
        );
        expect(sent).toMatchObject({ ok: true, bytes: BULK_BYTES });
        const got = await received;
        expect(got.bytes).toBe(BULK_BYTES);
        expect(got.sha256).toBe(sent.sha256);
        const ms = sent.ms as number;
        const stats = await tcpStats();
        console.log(
          `[tcpip] ${backend}: 64 MiB stack -> kernel in ${ms.toFixed(0)} ms ` +
            `(${((BULK_BYTES * 8) / ms / 1e6).toFixed(2)} Gbit/s), ` +
            `${stats.retransmittedSegments} retransmitted segments`,
        );
        expect(stats.internalErrors).toBe(0);
        const { offloads } = await driver.command({ cmd: "stats" }, "stats");
        if (backend === "tap") {
          // Segmentation offload: one write carries up to 64 KiB, far fewer than one per 1460 bytes.
          expect(offloads).toMatchObject({ checksum: true, tcpv4: true });
          expect(stats.segmentsOut).toBeLessThan(BULK_BYTES / 1460 / 4);
        } else {
          expect(offloads).toBeNull();
          expect(stats.segmentsOut).toBeGreaterThan(BULK_BYTES / 1460);
        }
      },
      transferMs(BULK_BYTES) + TEST_MS,
    );

    it(
      "serves a 10 MB body over HTTP/1.1 to the kernel's curl, intact",
      async () => {
        const serving = await driver.command({ cmd: "http-serve", port: HTTP_PORT, bytes: BODY_BYTES }, "http-serving");
        bodySha256 = serving.sha256 as string;
        const start = performance.now();
        expect(curlSha256(lab, transferMs(BODY_BYTES) / 1000)).toBe(bodySha256);
        console.log(
          `[tcpip] ${backend}: curl fetched 10 MB from the stack in ${(performance.now() - start).toFixed(0)} ms`,
        );
      },
      transferMs(BODY_BYTES) + TEST_MS,
    );

    it(
      "still answers curl after a flood of thousands of spoofed SYNs, within its bounds",
      async () => {
        expect(bodySha256).not.toBe("");
        const flood = lab.ns.spawn(
          "/usr/bin/python3",
          [synFloodScript, lab.tap, "02:00:00:00:00:02", "10.99.0.2", String(HTTP_PORT), "5000"],
          { stdio: PIPES },
        );
        let floodOutput = "";
        flood.stdout!.on("data", (chunk: Buffer) => (floodOutput += chunk.toString()));
        const floodDone = new Promise<number | null>((resolve) => flood.once("close", resolve));
        expect(await floodDone).toBe(0);
        expect(JSON.parse(floodOutput.trim())).toEqual({ syns: 5000 });
        const during = await tcpStats();
        expect(during.halfOpen).toBeLessThanOrEqual(128);
        // The backlog filled, and the rest of the flood got SYN cookies (no state).
        expect(during.synCookiesSent).toBeGreaterThan(0);
        // Straight after the flood, with its half-open entries still in the backlog.
        const start = performance.now();
        expect(curlSha256(lab, transferMs(BODY_BYTES) / 1000)).toBe(bodySha256);
        const after = await tcpStats();
        console.log(
          `[tcpip] ${backend}: after 5000 spoofed SYNs: ` +
            `curl answered in ${(performance.now() - start).toFixed(0)} ms; ` +
            `halfOpen ${during.halfOpen}, synCookiesSent ${after.synCookiesSent}, ` +
            `synCookiesValid ${after.synCookiesValid}, listenOverflows ${after.listenOverflows}`,
        );
        expect(after.internalErrors).toBe(0);
      },
      SCAPY_MS + transferMs(BODY_BYTES) + TEST_MS,
    );
  });
}
