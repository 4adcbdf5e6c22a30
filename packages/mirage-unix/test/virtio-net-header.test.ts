import { completeChecksum } from "@mirage-ts/mirage-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DATA_VALID,
  GsoType,
  NEEDS_CSUM,
  VNET_HEADER_SIZE,
  type VirtioNetHeader,
  decodeVirtioNetHeader,
  encodeVirtioNetHeader,
  offloadHeader,
} from "../src/internal/virtio-net-header.js";

/** The one's-complement sum of 16-bit big-endian words, the plain way (RFC 1071). */
function referenceSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i < data.length; i += 2) sum += (data[i]! << 8) | (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** An ethernet + IPv4 (+ options) + TCP frame with `payload`, checksum field holding the partial sum. */
function tcpFrame(payload: Uint8Array, ipOptions = 0, tcpOptions = 0): Uint8Array {
  const ihl = 20 + ipOptions;
  const thl = 20 + tcpOptions;
  const frame = new Uint8Array(14 + ihl + thl + payload.length);
  frame.set([0x08, 0x00], 12);
  const ip = 14;
  frame[ip] = 0x40 | (ihl / 4);
  const total = ihl + thl + payload.length;
  frame[ip + 2] = total >>> 8;
  frame[ip + 3] = total & 0xff;
  frame[ip + 9] = 6;
  frame.set([10, 0, 0, 1, 10, 0, 0, 2], ip + 12);
  const tcp = ip + ihl;
  frame[tcp + 12] = (thl / 4) << 4;
  frame.set(payload, tcp + thl);
  // Pseudo-header: addresses, protocol, transport length; stored folded and not inverted.
  const pseudo = referenceSum(frame.subarray(ip + 12, ip + 20)) + 6 + thl + payload.length;
  const partial = referenceSum(new Uint8Array(0), pseudo);
  frame[tcp + 16] = partial >>> 8;
  frame[tcp + 17] = partial & 0xff;
  return frame;
}

const header = fc.record({
  flags: fc.constantFrom(0, NEEDS_CSUM, DATA_VALID),
  gsoType: fc.constantFrom(GsoType.none, GsoType.tcpv4, GsoType.tcpv6, GsoType.udpL4, GsoType.tcpv4 | 0x80),
  hdrLen: fc.integer({ min: 0, max: 0xffff }),
  gsoSize: fc.integer({ min: 0, max: 0xffff }),
  csumStart: fc.integer({ min: 0, max: 200 }),
  csumOffset: fc.integer({ min: 0, max: 20 }),
});

describe("the virtio-net header", () => {
  it("decodes what it encodes, before a frame that holds its checksum field", () => {
    fc.assert(
      fc.property(header, (h: VirtioNetHeader) => {
        const buffer = new Uint8Array(VNET_HEADER_SIZE + 240);
        encodeVirtioNetHeader(h, buffer);
        expect(decodeVirtioNetHeader(buffer)).toEqual({ ok: true, value: h });
      }),
    );
  });

  it("never throws on arbitrary input, and refuses a checksum field past the frame or an unknown GSO type", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const decoded = decodeVirtioNetHeader(bytes);
        if (bytes.length < VNET_HEADER_SIZE) expect(decoded.ok).toBe(false);
      }),
    );
    const outside = new Uint8Array(VNET_HEADER_SIZE + 20);
    encodeVirtioNetHeader(
      { flags: NEEDS_CSUM, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 14, csumOffset: 6 },
      outside,
    );
    expect(decodeVirtioNetHeader(outside)).toEqual({
      ok: false,
      error: "csum_start 14 + csum_offset 6 is outside the 20-byte frame",
    });
    const unknown = new Uint8Array(VNET_HEADER_SIZE + 20);
    unknown[1] = 2;
    expect(decodeVirtioNetHeader(unknown)).toEqual({ ok: false, error: "unknown gso_type 2" });
  });

  it("asks the kernel to segment a large TCP frame and complete its checksum", () => {
    const frame = tcpFrame(new Uint8Array(3000), 0, 12);
    expect(offloadHeader(frame, { gsoSize: 1436, partialChecksum: true })).toEqual({
      ok: true,
      value: {
        flags: NEEDS_CSUM,
        gsoType: GsoType.tcpv4,
        hdrLen: 14 + 20 + 32,
        gsoSize: 1436,
        csumStart: 34,
        csumOffset: 16,
      },
    });
    // A payload that fits one segment is not a GSO frame; IP options move the transport header.
    expect(offloadHeader(tcpFrame(new Uint8Array(100), 8), { gsoSize: 1448, partialChecksum: true })).toEqual({
      ok: true,
      value: { flags: NEEDS_CSUM, gsoType: GsoType.none, hdrLen: 0, gsoSize: 0, csumStart: 42, csumOffset: 16 },
    });
    const arp = new Uint8Array(60);
    arp.set([0x08, 0x06], 12);
    expect(offloadHeader(arp, { gsoSize: 0, partialChecksum: true })).toEqual({
      ok: false,
      error: "ethertype 0x806 cannot be offloaded",
    });
  });

  it("completes a partial checksum into the one a receiver verifies", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.constantFrom(0, 4, 8),
        fc.constantFrom(0, 12, 20),
        fc.integer({ min: 0, max: 3 }),
        (payload, ipOptions, tcpOptions, shift) => {
          // At any alignment in its buffer, as after a 12-byte header or wherever a read put it.
          const built = tcpFrame(payload, ipOptions, tcpOptions);
          const frame = new Uint8Array(built.length + shift).subarray(shift);
          frame.set(built);
          const start = 14 + 20 + ipOptions;
          completeChecksum(frame, start, 16);
          const segment = frame.subarray(start);
          const pseudo = referenceSum(frame.subarray(14 + 12, 14 + 20)) + 6 + segment.length;
          expect(referenceSum(segment, pseudo)).toBe(0xffff);
        },
      ),
    );
  });
});
