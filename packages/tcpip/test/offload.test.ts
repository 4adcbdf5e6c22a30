/**
 * Device offloads on the virtual switch, as over a veth pair: ports that offer them carry the TCP
 * layer's 64 KiB writes whole (checksums completed on the way), a port that does not gets them cut
 * into segments of the sender's size, IPv4 and IPv6; a partial checksum between two offloading ports
 * is left to neither (the frame flagged as vouched for), completed where it leaves for a port without
 * offloads, a pcap, or a link that corrupts it; and the cutting itself (`segmentTcp`) and the checksum
 * completion against the definition.
 */

import {
  FrameFlags,
  type FrameOffload,
  Ipv4Addr,
  Ipv4Prefix,
  Ipv6Addr,
  Ipv6Prefix,
  Macaddr,
} from "@mirage-ts/mirage-types";
import {
  DirectStack,
  type LinkImpairments,
  PcapNetwork,
  PcapWriter,
  type VirtualNetif,
  internetChecksum,
  onesComplementSum,
} from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SegmentOffload } from "../src/tcp/internal/segment-offload.js";
import { completePartialChecksum, segmentTcp } from "../src/vnetif/frame-offload.js";
import { type Lab, lab } from "./helpers/stacks.js";
import { advance, drive, runUntil } from "./tcp/drive.js";
import { randomBytes, transfer } from "./tcp/transfer.js";

const FIN = 0x01;
const PSH = 0x08;
const CWR = 0x80;

/** An ethernet + IPv4 + TCP frame carrying `payload`, its TCP checksum field holding the partial sum. */
function tcpFrame(payload: Uint8Array, flags: number, tcpOptions = 12): Uint8Array {
  const thl = 20 + tcpOptions;
  const frame = new Uint8Array(14 + 20 + thl + payload.length);
  frame.set([0x08, 0x00], 12);
  const total = 20 + thl + payload.length;
  frame.set([0x45, 0, total >>> 8, total & 0xff, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  const ipSum = internetChecksum(frame.subarray(14, 34));
  frame.set([ipSum >>> 8, ipSum & 0xff], 24);
  frame.set([0x13, 0x89, 0xc3, 0x50, 0xff, 0xff, 0xf0, 0x00, 0, 0, 0, 1, (thl / 4) << 4, flags, 0x10, 0], 34);
  frame.set(payload, 34 + thl);
  // The pseudo-header's words: 10.0.0.1, 10.0.0.2, the protocol and the TCP length (small: no carry).
  const pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + thl + payload.length;
  frame.set([pseudo >>> 8, pseudo & 0xff], 34 + 16);
  return frame;
}

const V6_SRC = Ipv6Addr.parse("fd00::1").toBytes();
const V6_DST = Ipv6Addr.parse("fd00::2").toBytes();

/** The same over IPv6 (fd00::1 to fd00::2), the TCP header at offset 54. */
function tcp6Frame(payload: Uint8Array, flags: number, tcpOptions = 12): Uint8Array {
  const thl = 20 + tcpOptions;
  const frame = new Uint8Array(14 + 40 + thl + payload.length);
  frame.set([0x86, 0xdd], 12);
  const length = thl + payload.length;
  frame.set([0x60, 0, 0, 0, length >>> 8, length & 0xff, 6, 64], 14);
  frame.set(V6_SRC, 22);
  frame.set(V6_DST, 38);
  frame.set([0x13, 0x89, 0xc3, 0x50, 0xff, 0xff, 0xf0, 0x00, 0, 0, 0, 1, (thl / 4) << 4, flags, 0x10, 0], 54);
  frame.set(payload, 54 + thl);
  const pseudo = onesComplementSum(Uint8Array.of(...V6_SRC, ...V6_DST), 6 + length);
  frame.set([pseudo >>> 8, pseudo & 0xff], 54 + 16);
  return frame;
}

/** Whether an IPv6 frame's TCP checksum verifies. */
function checksum6Valid(frame: Uint8Array): boolean {
  const tcp = frame.subarray(54);
  return internetChecksum(tcp, onesComplementSum(Uint8Array.of(...V6_SRC, ...V6_DST), 6 + tcp.length)) === 0;
}

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => ((u16(b, at) << 16) | u16(b, at + 2)) >>> 0;

/** Whether a frame's IPv4 header and TCP checksums verify. */
function checksumsValid(frame: Uint8Array): boolean {
  const tcp = frame.subarray(34);
  const pseudo = Uint8Array.of(10, 0, 0, 1, 10, 0, 0, 2, 0, 6, tcp.length >>> 8, tcp.length & 0xff);
  return internetChecksum(frame.subarray(14, 34)) === 0 && internetChecksum(Uint8Array.of(...pseudo, ...tcp)) === 0;
}

describe("cutting a large TCP frame into segments", () => {
  /** Where each family's TCP header starts, and what its IP header holds per segment. */
  const families = [
    {
      family: "IPv4",
      make: tcpFrame,
      tcp: 34,
      ip: (s: Uint8Array, i: number): void => {
        expect(u16(s, 16)).toBe(s.length - 14);
        expect(u16(s, 18)).toBe((0x1234 + i) & 0xffff);
      },
      valid: checksumsValid,
    },
    {
      family: "IPv6",
      make: tcp6Frame,
      tcp: 54,
      // No identification: only the payload length changes.
      ip: (s: Uint8Array): void => {
        expect(u16(s, 18)).toBe(s.length - 54);
        expect(s.subarray(14, 18)).toEqual(Uint8Array.of(0x60, 0, 0, 0));
      },
      valid: checksum6Valid,
    },
  ];
  for (const { family, make, tcp, ip, valid } of families) {
    it(`${family}: segments of gsoSize whose payloads, in order, are the frame's, each checksummed`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 9000 }),
          fc.integer({ min: 100, max: 1428 }),
          fc.constantFrom(0, FIN | PSH, CWR | PSH),
          (payload, gsoSize, flags) => {
            const segments = segmentTcp(make(payload, flags), gsoSize)!;
            const data = tcp + 32;
            expect(segments.length).toBe(Math.max(1, Math.ceil(payload.length / gsoSize)));
            expect(Uint8Array.from(segments.flatMap((s) => [...s.subarray(data)]))).toEqual(payload);
            segments.forEach((s, i) => {
              const last = i === segments.length - 1;
              expect(s.subarray(data).length).toBeLessThanOrEqual(gsoSize);
              ip(s, i);
              expect(u32(s, tcp + 4)).toBe((0xfffff000 + i * gsoSize) >>> 0); // wraps around
              expect(s[tcp + 13]! & (FIN | PSH)).toBe(last ? flags & (FIN | PSH) : 0);
              expect(s[tcp + 13]! & CWR).toBe(i === 0 ? flags & CWR : 0);
              expect(valid(s)).toBe(true);
            });
          },
        ),
      );
    });
  }

  it("leaves other frames alone", () => {
    const arp = new Uint8Array(60);
    arp.set([0x08, 0x06], 12);
    expect(segmentTcp(arp, 1448)).toBeUndefined();
    expect(completePartialChecksum(arp)).toBe(false);
  });

  it("completes a partial checksum into one that verifies", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (payload) => {
        const frame = tcpFrame(payload, PSH);
        expect(completePartialChecksum(frame)).toBe(true);
        expect(checksumsValid(frame)).toBe(true);
      }),
    );
  });
});

/** Stack `n` on the lab's switch: IPv4 only (10.0.0.n), or with `ipv6` dual-stack (fd00::n too). */
async function stackOn(
  l: Lab,
  n: number,
  offload: boolean,
  link: LinkImpairments = {},
  ipv6 = false,
): Promise<DirectStack> {
  const netif = l.sw.connect({ mac: Macaddr.parse(`02:00:00:00:00:0${n}`), offload, link });
  return drive(
    l.clock,
    DirectStack.connect({
      netif,
      clock: l.clock,
      random: l.random,
      dhcp: false,
      ...(ipv6 ? { ipv6: { addresses: [Ipv6Prefix.parse(`fd00::${n}/64`)] } } : { ipv4Only: true }),
      ipv4: { cidr: Ipv4Prefix.parse(`10.0.0.${n}/24`) },
      tcp: { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20 },
    }),
  );
}

describe("offloads over the virtual switch", () => {
  const data = randomBytes(8 << 20, 19);
  const cases: [string, boolean, LinkImpairments][] = [
    ["both ports offer offloads: 64 KiB writes carried whole", true, {}],
    ["the receiver offers none: the switch cuts the writes", false, {}],
    ["both offer them, 1 % loss and reordering", true, { loss: 0.01, reorder: 0.01, delayMs: 1 }],
  ];
  for (const [name, receiverOffload, link] of cases) {
    it(name, async () => {
      const l = lab(23);
      const a = await stackOn(l, 1, true, link);
      const b = await stackOn(l, 2, receiverOffload, link);
      const result = await transfer(
        { clock: l.clock, a: a.tcp() as never, b: b.tcp() as never, addrB: Ipv4Addr.parse("10.0.0.2") },
        data,
      );
      expect(result.receivedBytes).toBe(data.length);
      expect(result.receivedHash).toBe(result.sentHash);
      const sent = a.stats().tcp.segmentsOut;
      // Segmentation offload: about one write per 64 KiB, not one per 1460 bytes.
      expect(sent).toBeLessThan(data.length / 1460 / 4);
      const received = b.stats().tcp.segmentsIn;
      if (receiverOffload) expect(received).toBeLessThan(data.length / 1460 / 4);
      else expect(received).toBeGreaterThanOrEqual(data.length / 1460);
      for (const s of [a, b]) expect(s.stats().tcp).toMatchObject({ badChecksum: 0, malformed: 0, internalErrors: 0 });
    }, 60_000);
  }
});

describe("the tail of a write under segmentation offload", () => {
  it("waits while two full device writes are in flight, for the next write's data or their ACK", async () => {
    const l = lab(29);
    const a = await stackOn(l, 1, true);
    const b = await stackOn(l, 2, true);
    let received = 0;
    b.tcp().listen(5001, async (flow) => {
      for (let r = await flow.read(); r.ok && r.value.kind === "data"; r = await flow.read())
        received += r.value.data.length;
    });
    const opened = await drive(l.clock, a.tcp().createConnection(Ipv4Addr.parse("10.0.0.2"), 5001));
    if (!opened.ok) throw new Error(opened.error.kind);
    const flow = opened.value;
    // Out of slow start first, so that whole device writes (45 segments of 1448 bytes) may go.
    const warmUp = randomBytes(4 << 20, 31);
    expect((await drive(l.clock, flow.write(warmUp))).ok).toBe(true);
    await runUntil(l.clock, () => received === warmUp.length);
    const frames = (): number => a.layers.netif.getStatsCounters().txPkts;
    const full = 45 * 1448;
    const before = frames();
    // One full write, no tail: it goes whatever is in flight.
    expect((await flow.write(randomBytes(full, 37))).ok).toBe(true);
    expect(frames() - before).toBe(1);
    // A short write with one full write in flight goes at once (a request after a request).
    expect((await flow.write(randomBytes(1000, 41))).ok).toBe(true);
    expect(frames() - before).toBe(2);
    await runUntil(l.clock, () => received === warmUp.length + full + 1000);
    // Two full writes in flight: the 376 bytes past them wait, and the next write's data joins them.
    const streamed = frames();
    expect((await flow.write(randomBytes(2 * full, 43))).ok).toBe(true);
    expect((await flow.write(randomBytes(65_536, 47))).ok).toBe(true);
    expect(frames() - streamed).toBe(3);
    expect((await flow.write(randomBytes(65_536, 53))).ok).toBe(true);
    expect(frames() - streamed).toBe(4);
    // The ACKs empty the flight: the tail (752 bytes) goes on its own, and the data arrives whole.
    await runUntil(l.clock, () => received === warmUp.length + 3 * full + 1000 + 2 * 65_536);
    expect(frames() - streamed).toBe(5);
    expect(a.stats().tcp.retransmittedSegments).toBe(0);
    await flow.close();
  });
});

/** Writes `frame` whole through `port`, asking for `offload`. */
function writeFrame(port: VirtualNetif, frame: Uint8Array, offload: FrameOffload): ReturnType<VirtualNetif["write"]> {
  return port.writeOffloaded!(
    frame.length,
    (buffer) => {
      buffer.set(frame);
      return frame.length;
    },
    offload,
  );
}

/** A port that records every frame it receives, a copy with its flags (the switch's always include `owned`). */
function recorder(port: VirtualNetif): { frame: Uint8Array; flags: number }[] {
  const got: { frame: Uint8Array; flags: number }[] = [];
  void port.listen(14, (frame, flags = 0) => void got.push({ frame: frame.slice(), flags }));
  return got;
}

describe("partial checksums on the virtual switch", () => {
  const payload = new Uint8Array(65_000).map((_, i) => (i * 7) & 0xff);
  const offload = { gsoSize: 1428, partialChecksum: true };
  for (const [family, make, valid, headers] of [
    ["IPv4", tcpFrame, checksumsValid, 66],
    ["IPv6", tcp6Frame, checksum6Valid, 86],
  ] as const) {
    const title =
      `${family}: a 64 KiB frame reaches an offloading port whole with its partial sum, ` +
      "another port as verified segments";
    it(title, async () => {
      const l = lab(5);
      const sender = l.sw.connect({ offload: true });
      const offloading = recorder(l.sw.connect({ offload: true }));
      const plain = recorder(l.sw.connect());
      const frame = make(payload, PSH);
      // The frame's destination MAC is unknown to the switch: it floods to both ports.
      const sent = await writeFrame(sender, frame, offload);
      expect(sent.ok).toBe(true);
      await advance(l.clock, 1);
      expect(offloading).toHaveLength(1);
      expect(offloading[0]!.flags).toBe(FrameFlags.checksumPartial | FrameFlags.owned);
      // Untouched: nobody summed the 64 KiB, and the field still holds the pseudo-header sum.
      expect(offloading[0]!.frame).toEqual(frame);
      expect(valid(offloading[0]!.frame)).toBe(false);
      expect(plain).toHaveLength(Math.ceil(payload.length / offload.gsoSize));
      for (const { frame: segment, flags } of plain) {
        expect(flags).toBe(FrameFlags.owned);
        expect(segment.length).toBeLessThanOrEqual(1514);
        expect(valid(segment)).toBe(true);
      }
      expect(Uint8Array.from(plain.flatMap((p) => [...p.frame.subarray(headers)]))).toEqual(payload);
    });
  }

  /** A 1066-byte frame with a partial checksum from an offloading port over `link` to one with `offload`. */
  async function smallFrameAcross(
    seed: number,
    link: LinkImpairments,
    offload: boolean,
  ): Promise<{ frame: Uint8Array; got: { frame: Uint8Array; flags: number }[] }> {
    const l = lab(seed);
    const sender = l.sw.connect({ offload: true, link });
    const got = recorder(l.sw.connect({ offload }));
    const frame = tcpFrame(payload.subarray(0, 1000), PSH);
    await writeFrame(sender, frame, { gsoSize: 0, partialChecksum: true });
    await advance(l.clock, 1);
    return { frame, got };
  }

  it("completes a partial checksum for a port without offloads when the frame is not cut", async () => {
    const { got: plain } = await smallFrameAcross(6, {}, false);
    expect(plain).toHaveLength(1);
    expect(plain[0]!.flags).toBe(FrameFlags.owned);
    expect(checksumsValid(plain[0]!.frame)).toBe(true);
  });

  it("a link that corrupts a frame completes its checksum first and vouches for nothing", async () => {
    const { frame, got: offloading } = await smallFrameAcross(7, { corrupt: 1 }, true);
    expect(offloading).toHaveLength(1);
    expect(offloading[0]!.flags).toBe(FrameFlags.owned);
    const completed = frame.slice();
    completePartialChecksum(completed);
    let differingBits = 0;
    for (const [i, byte] of offloading[0]!.frame.entries()) {
      for (let x = byte ^ completed[i]!; x !== 0; x &= x - 1) differingBits++;
    }
    expect(differingBits).toBe(1);
  });

  it("a pcap of an offloading port records the frame with its checksum completed", async () => {
    const l = lab(8);
    const sender = l.sw.connect({ offload: true });
    const records: Uint8Array[] = [];
    const writer = new PcapWriter({ sink: (bytes) => void records.push(bytes.slice()), clock: l.clock });
    const pcap = new PcapNetwork(l.sw.connect({ offload: true }), writer);
    const got: number[] = [];
    void pcap.listen(14, (_frame, flags = 0) => void got.push(flags));
    const frame = tcpFrame(payload.subarray(0, 3000), PSH);
    await writeFrame(sender, frame, offload);
    await advance(l.clock, 1);
    expect(got).toEqual([FrameFlags.checksumValid | FrameFlags.owned]);
    const recorded = records.find((r) => r.length >= frame.length)!;
    expect(checksumsValid(recorded.subarray(recorded.length - frame.length))).toBe(true);
  });
});

describe("IPv6 offloads over the virtual switch", () => {
  const data = randomBytes(4 << 20, 29);
  for (const receiverOffload of [true, false]) {
    const how = receiverOffload ? "carried whole" : "cut by the switch for a port without offloads";
    it(`64 KiB IPv6 writes, ${how}`, async () => {
      const l = lab(31);
      const a = await stackOn(l, 1, true, {}, true);
      const b = await stackOn(l, 2, receiverOffload, {}, true);
      await advance(l.clock, 3000); // duplicate address detection
      const result = await transfer(
        { clock: l.clock, a: a.tcp() as never, b: b.tcp() as never, addrB: Ipv6Addr.parse("fd00::2") as never },
        data,
      );
      expect(result.receivedBytes).toBe(data.length);
      expect(result.receivedHash).toBe(result.sentHash);
      expect(a.stats().tcp6!.segmentsOut).toBeLessThan(data.length / 1440 / 4);
      const received = b.stats().tcp6!.segmentsIn;
      if (receiverOffload) expect(received).toBeLessThan(data.length / 1440 / 4);
      else expect(received).toBeGreaterThanOrEqual(data.length / 1440);
      for (const s of [a, b]) expect(s.stats().tcp6).toMatchObject({ badChecksum: 0, malformed: 0, internalErrors: 0 });
    }, 60_000);
  }
});

describe("a connection's offload options", () => {
  const offloads = { checksum: true, tcpv4: true, tcpv6: true, maxFrame: 14 + 65535 };
  it("gives one options object per segment size, a new one when the size changes (path MTU)", () => {
    const offload = new SegmentOffload<string>({ ttl: 64 } as never, offloads);
    const first = offload.options(60_000, 1448);
    expect(first.offload).toEqual({ gsoSize: 1448, partialChecksum: true });
    expect(offload.options(30_000, 1448)).toBe(first);
    expect(offload.options(30_000, 1200).offload).toEqual({ gsoSize: 1200, partialChecksum: true });
    expect(offload.options(1000, 1200).offload).toEqual({ gsoSize: 0, partialChecksum: true });
    expect(new SegmentOffload<string>({}, undefined).options(60_000, 1448).offload).toBeUndefined();
  });
});
