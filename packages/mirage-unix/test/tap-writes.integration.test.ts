/**
 * The tap's batched writes against the Linux kernel, in a namespace this file creates: frames written
 * in one synchronous burst (one call into the addon per batch) must all reach the kernel, in order,
 * plain ones and ones behind a virtio-net header asking for a checksum alike; a frame over the MTU is
 * refused without harming its burst; a tap that is down fails its writes with EIO; a burst pending at
 * disconnect goes out first. Needs root, iproute2 and the addon.
 */
import { type Macaddr, type NetError, type Network, type Result, onesComplementSum } from "@mirage-ts/mirage-types";
import { type Tap, connectTap } from "@mirage-ts/mirage-unix";
import {
  Namespace,
  describeRequiring,
  firstMissing,
  interfaceName,
  missingNamespaces,
  missingTapAddon,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixturesMs } from "./support/limits.js";
import { finished, waitForLine } from "./support/run-fixture.js";

const PORT = 7009;
/** The sequence number that ends a receiver's count. */
const END = 0xffff_ffff;
const OK = { ok: true, value: undefined };
const reason = firstMissing(
  () => missingNamespaces(),
  () => missingTapAddon(),
);

/** The kernel's end of a tap: its MAC and IPv4 address, and ours. */
interface Link {
  readonly name: string;
  readonly kernelMac: Uint8Array;
  readonly kernelIp: number[];
  readonly ourIp: number[];
}

/** Fills `buffer` with a UDP datagram carrying `seq` to the kernel's PORT; returns its length. */
function fillUdp(buffer: Uint8Array, link: Link, mac: Macaddr, seq: number, partialChecksum: boolean): number {
  const udpLength = 8 + 20; // a sequence number and padding: a frame of 62 bytes, long enough to offload
  buffer.set(link.kernelMac, 0);
  mac.write(buffer, 6);
  buffer.set([0x08, 0x00], 12);
  const ip = buffer.subarray(14, 34);
  ip.set([0x45, 0, 0, 20 + udpLength, seq >> 8, seq & 0xff, 0x40, 0, 64, 17, 0, 0, ...link.ourIp, ...link.kernelIp]);
  const ipSum = ~onesComplementSum(ip) & 0xffff;
  ip.set([ipSum >> 8, ipSum & 0xff], 10);
  const udp = buffer.subarray(34, 34 + udpLength);
  udp.set([40000 >> 8, 40000 & 0xff, PORT >> 8, PORT & 0xff, 0, udpLength, 0, 0]);
  new DataView(udp.buffer, udp.byteOffset).setUint32(8, seq);
  const pseudo = Uint8Array.from([...link.ourIp, ...link.kernelIp, 0, 17, 0, udpLength]);
  // A partial checksum holds the pseudo-header's sum only: the kernel completes it or drops the datagram.
  const sum = partialChecksum ? onesComplementSum(pseudo) : ~onesComplementSum(udp, onesComplementSum(pseudo)) & 0xffff;
  const field = sum === 0 && !partialChecksum ? 0xffff : sum;
  udp.set([field >> 8, field & 0xff], 6);
  return 14 + 20 + udpLength;
}

/** Writes datagram `seq` through `netif`, through writeOffloaded with a partial checksum when asked. */
function sendUdp(netif: Tap, link: Link, seq: number, offloaded: boolean): Promise<Result<void, NetError>> {
  const fill = (buffer: Uint8Array) => fillUdp(buffer, link, netif.mac(), seq, offloaded);
  if (!offloaded) return netif.write(64, fill);
  if (netif.writeOffloaded === undefined) throw new Error("the tap has no writeOffloaded");
  return netif.writeOffloaded(64, fill, { gsoSize: 0, partialChecksum: true });
}

describeRequiring(reason, "batched tap writes against the kernel", { timeout: fixturesMs(1) }, () => {
  let ns: Namespace;
  let subnet = 10;

  beforeAll(() => {
    ns = Namespace.create("mu-tapw");
  });

  afterAll(() => ns?.remove());

  async function plugIn(options: { readonly offload: boolean }): Promise<{ tap: Tap; link: Link }> {
    const name = interfaceName("muw");
    const tap = await connectTap(name, options);
    const [kernelIp, ourIp] = [
      [10, 78, subnet, 1],
      [10, 78, subnet, 2],
    ];
    subnet++;
    await ns.adopt(name, [`${kernelIp.join(".")}/24`]);
    const mac = /link\/ether ([0-9a-f:]+)/.exec(ns.ip("link", "show", name))?.[1] ?? "";
    const kernelMac = Uint8Array.from(mac.split(":").map((byte) => Number.parseInt(byte, 16)));
    return { tap, link: { name, kernelMac, kernelIp, ourIp } };
  }

  /** The kernel's receive counters of the tap (the frames we wrote to it). */
  function kernelReceived(link: Link): { packets: number; dropped: number } {
    type Stats = { stats64: { rx: { packets: number; dropped: number } } };
    return (JSON.parse(ns.ip("-s", "-j", "link", "show", link.name)) as [Stats])[0].stats64.rx;
  }

  /**
   * A UDP socket on the kernel's side that prints the sequence numbers it received once the datagram
   * numbered END arrives: the socket's queue is in order, so whatever is missing then was lost.
   */
  async function receiver(tap: Tap, link: Link): Promise<{ seqs: Promise<number[]>; end: () => Promise<void> }> {
    const script =
      `const s = require("node:dgram").createSocket("udp4"); const seen = [];` +
      `s.on("message", (m) => { const seq = m.readUInt32BE(0); if (seq !== ${END}) return void seen.push(seq);` +
      ` console.log(JSON.stringify(seen)); s.close(); });` +
      `s.bind(${PORT}, "${link.kernelIp.join(".")}", () => console.log("ready"));`;
    const child = ns.spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    const outcome = finished(child);
    await waitForLine(child, "ready");
    const seqs = outcome.then(({ stdout, stderr, code }) => {
      if (code !== 0) throw new Error(`the receiver exited with ${code}: ${stderr}`);
      return JSON.parse(stdout.split("\n")[1] ?? "") as number[];
    });
    return { seqs, end: async () => expect(await sendUdp(tap, link, END, false)).toEqual(OK) };
  }

  it("a burst of plain and offloaded frames reaches the kernel whole and in order", async () => {
    const { tap, link } = await plugIn({ offload: true });
    try {
      expect(tap.offloads()?.checksum).toBe(true); // else no frame would carry a virtio-net header
      const count = 120; // well within a UDP socket's default receive buffer
      const { seqs, end } = await receiver(tap, link);
      const writes = Array.from({ length: count }, (_, seq) => sendUdp(tap, link, seq, seq % 2 === 1));
      expect(await Promise.all(writes)).toEqual(Array(count).fill(OK));
      await end();
      expect(await seqs).toEqual(Array.from({ length: count }, (_, seq) => seq));
      expect(tap.getStatsCounters()).toMatchObject({ txPkts: count + 1, txBytes: (count + 1) * 62, txDropped: 0 });
    } finally {
      await tap.disconnect();
    }
  });

  it("bursts of several batches are counted whole by the kernel", async () => {
    const { tap, link } = await plugIn({ offload: false });
    try {
      const before = kernelReceived(link).packets;
      const count = 1000; // four batches of at most 256 frames
      const writes = Array.from({ length: count }, (_, seq) => sendUdp(tap, link, seq, false));
      expect(await Promise.all(writes)).toEqual(Array(count).fill(OK));
      expect(kernelReceived(link)).toMatchObject({ packets: before + count, dropped: 0 });
      expect(tap.getStatsCounters()).toMatchObject({ txPkts: count, txDropped: 0 });
    } finally {
      await tap.disconnect();
    }
  });

  it("refuses a frame over the MTU with the reason, and the rest of its burst goes out", async () => {
    const { tap, link } = await plugIn({ offload: true });
    try {
      const before = kernelReceived(link).packets;
      const full = (netif: Network, size: number) =>
        netif.write(size, (buffer) => fillUdp(buffer, link, tap.mac(), 0, false) && size);
      const results = await Promise.all([full(tap, 1518), full(tap, 1519), full(tap, 60)]);
      expect(results).toEqual([
        OK,
        {
          ok: false,
          error: {
            kind: "msg",
            message:
              `netif ${link.name}: a 1519-byte frame exceeds the 1518 bytes the tap takes (MTU 1500, the ethernet ` +
              "header and a VLAN tag); only a TCP frame written with a gsoSize, to be segmented, may be longer " +
              "(up to 65549)",
          },
        },
        OK,
      ]);
      expect(kernelReceived(link).packets).toBe(before + 2);
      expect(tap.getStatsCounters().txPkts).toBe(2);
    } finally {
      await tap.disconnect();
    }
  });

  it("fails writes with EIO while the tap is down; a burst pending at disconnect goes out first", async () => {
    const { tap, link } = await plugIn({ offload: false });
    try {
      ns.ip("link", "set", link.name, "down");
      expect(await sendUdp(tap, link, 1, false)).toEqual({
        ok: false,
        error: {
          kind: "msg",
          message: `netif ${link.name}: write failed: EIO: i/o error (is the interface up?)`,
        },
      });
      ns.ip("link", "set", link.name, "up");
      const { seqs } = await receiver(tap, link);
      const burst = [2, 3, 4, END].map((seq) => sendUdp(tap, link, seq, false));
      const disconnected = tap.disconnect(); // not awaited: the burst is still queued
      expect(await Promise.all(burst)).toEqual([OK, OK, OK, OK]);
      expect(await seqs).toEqual([2, 3, 4]);
      await disconnected;
      expect(await sendUdp(tap, link, 5, false)).toEqual({ ok: false, error: { kind: "disconnected" } });
    } finally {
      await tap.disconnect();
    }
  });
});
