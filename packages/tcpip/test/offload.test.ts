/**
 * Device offloads on the virtual switch, as over a veth pair: ports that offer them carry the TCP
 * layer's 64 KiB writes whole (checksums completed on the way), a port that does not gets them cut
 * into segments of the sender's size; and the cutting itself (`segmentTcpv4`) and the checksum
 * completion against the definition.
 */

import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { DirectStack, type LinkImpairments, internetChecksum } from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { completePartialChecksum, segmentTcpv4 } from "../src/vnetif/frame-offload.js";
import { type Lab, lab } from "./helpers/stacks.js";
import { drive } from "./tcp/drive.js";
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

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => ((u16(b, at) << 16) | u16(b, at + 2)) >>> 0;

/** Whether a frame's IPv4 header and TCP checksums verify. */
function checksumsValid(frame: Uint8Array): boolean {
  const tcp = frame.subarray(34);
  const pseudo = Uint8Array.of(10, 0, 0, 1, 10, 0, 0, 2, 0, 6, tcp.length >>> 8, tcp.length & 0xff);
  return internetChecksum(frame.subarray(14, 34)) === 0 && internetChecksum(Uint8Array.of(...pseudo, ...tcp)) === 0;
}

describe("cutting a large TCP frame into segments", () => {
  it("gives segments of gsoSize whose payloads, in order, are the frame's, each checksummed", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 9000 }),
        fc.integer({ min: 100, max: 1448 }),
        fc.constantFrom(0, FIN | PSH, CWR | PSH),
        (payload, gsoSize, flags) => {
          const segments = segmentTcpv4(tcpFrame(payload, flags), gsoSize)!;
          expect(segments.length).toBe(Math.max(1, Math.ceil(payload.length / gsoSize)));
          const joined = segments.flatMap((s) => [...s.subarray(66)]);
          expect(Uint8Array.from(joined)).toEqual(payload);
          segments.forEach((s, i) => {
            const last = i === segments.length - 1;
            expect(s.subarray(66).length).toBeLessThanOrEqual(gsoSize);
            expect(u16(s, 16)).toBe(s.length - 14);
            expect(u16(s, 18)).toBe((0x1234 + i) & 0xffff);
            expect(u32(s, 38)).toBe((0xfffff000 + i * gsoSize) >>> 0); // wraps around
            expect(s[47]! & (FIN | PSH)).toBe(last ? flags & (FIN | PSH) : 0);
            expect(s[47]! & CWR).toBe(i === 0 ? flags & CWR : 0);
            expect(checksumsValid(s)).toBe(true);
          });
        },
      ),
    );
  });

  it("leaves other frames alone", () => {
    const arp = new Uint8Array(60);
    arp.set([0x08, 0x06], 12);
    expect(segmentTcpv4(arp, 1448)).toBeUndefined();
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

async function stackOn(l: Lab, n: number, offload: boolean, link: LinkImpairments = {}): Promise<DirectStack> {
  const netif = l.sw.connect({ mac: Macaddr.parse(`02:00:00:00:00:0${n}`), offload, link });
  return drive(
    l.clock,
    DirectStack.connect({
      netif,
      clock: l.clock,
      random: l.random,
      dhcp: false,
      ipv4Only: true,
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
