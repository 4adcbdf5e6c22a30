import { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";
import {
  ARP_PACKET_SIZE,
  DhcpOption,
  ETHERNET_HEADER_SIZE,
  IpProtocol,
  decodeArpPacket,
  decodeDhcpMessage,
  decodeEthernetFrame,
  decodeIcmpv4Message,
  decodeIpv4Packet,
  decodeUdpDatagram,
  encodeArpPacket,
  encodeDhcpMessage,
  encodeEthernetHeader,
  encodeIcmpv4Message,
  encodeIpv4Header,
  encodePseudoHeader,
  encodeUdpHeader,
  internetChecksum,
  onesComplementSum,
  pseudoHeaderSum,
} from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arpPacket, dhcpMessage, ipv4Header, ipv4addr, macaddr, port } from "./helpers/arbitraries.js";
import { ipv4Packet, udpDatagram } from "./helpers/frames.js";

describe("ethernet codec", () => {
  it("round-trips headers and leaves the payload as a view", () => {
    fc.assert(
      fc.property(
        macaddr,
        macaddr,
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 100 }),
        (dst, src, ethertype, payload) => {
          const frame = new Uint8Array(ETHERNET_HEADER_SIZE + payload.length);
          encodeEthernetHeader({ dst, src, ethertype }, frame);
          frame.set(payload, ETHERNET_HEADER_SIZE);
          const decoded = decodeEthernetFrame(frame);
          expect(decoded.ok).toBe(true);
          if (!decoded.ok) return;
          expect(decoded.value.header.dst.equals(dst) && decoded.value.header.src.equals(src)).toBe(true);
          expect(decoded.value.header.ethertype).toBe(ethertype);
          expect(decoded.value.payload).toEqual(payload);
          expect(decoded.value.payload.buffer).toBe(frame.buffer);
        },
      ),
    );
  });

  // What each decoder refuses, and with which kind: decode-errors.test.ts.
  it("refuses to encode a header where it does not fit", () => {
    expect(() =>
      encodeEthernetHeader({ dst: Macaddr.broadcast, src: Macaddr.broadcast, ethertype: 0 }, new Uint8Array(10)),
    ).toThrow(RangeError);
  });
});

describe("ARP codec", () => {
  it("round-trips packets", () => {
    fc.assert(
      fc.property(arpPacket, (packet) => {
        const buffer = new Uint8Array(ARP_PACKET_SIZE + 18); // with ethernet padding
        expect(encodeArpPacket(packet, buffer)).toBe(ARP_PACKET_SIZE);
        const decoded = decodeArpPacket(buffer);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        const p = decoded.value;
        expect(p.operation).toBe(packet.operation);
        expect(p.senderMac.equals(packet.senderMac) && p.targetMac.equals(packet.targetMac)).toBe(true);
        expect(p.senderIp.equals(packet.senderIp) && p.targetIp.equals(packet.targetIp)).toBe(true);
      }),
    );
  });
});

describe("IPv4 codec", () => {
  it("round-trips headers, options included, with a valid checksum", () => {
    fc.assert(
      fc.property(
        ipv4Header,
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 20 }),
        (header, payload, padding) => {
          const packet = ipv4Packet(header, payload);
          const padded = new Uint8Array(packet.length + padding.length);
          padded.set(packet);
          padded.set(padding, packet.length);
          expect(internetChecksum(packet.subarray(0, 20 + header.options.length))).toBe(0);
          const decoded = decodeIpv4Packet(padded);
          expect(decoded.ok).toBe(true);
          if (!decoded.ok) return;
          const h = decoded.value.header;
          expect({ ...h, src: h.src.toString(), dst: h.dst.toString(), options: [...h.options] }).toEqual({
            ...header,
            src: header.src.toString(),
            dst: header.dst.toString(),
            options: [...header.options],
          });
          expect(decoded.value.headerLength).toBe(20 + header.options.length);
          expect(decoded.value.payload).toEqual(payload); // padding trimmed
        },
      ),
    );
  });

  it("refuses to encode impossible headers", () => {
    const header = {
      tos: 0,
      id: 0,
      dontFragment: false,
      moreFragments: false,
      fragmentOffset: 0,
      ttl: 1,
      protocol: 1,
      src: Ipv4Addr.any,
      dst: Ipv4Addr.any,
      options: new Uint8Array(3),
    };
    expect(() => encodeIpv4Header(header, 0, new Uint8Array(60))).toThrow(RangeError);
    expect(() =>
      encodeIpv4Header({ ...header, options: new Uint8Array(0), fragmentOffset: 4 }, 0, new Uint8Array(60)),
    ).toThrow(RangeError);
    expect(() => encodeIpv4Header({ ...header, options: new Uint8Array(0) }, 65516, new Uint8Array(60))).toThrow(
      RangeError,
    );
  });

  it("pseudo-header sum equals the sum of its bytes", () => {
    fc.assert(
      fc.property(
        ipv4addr,
        ipv4addr,
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffff }),
        (src, dst, proto, length) => {
          expect(pseudoHeaderSum(src, dst, proto, length)).toBe(
            onesComplementSum(encodePseudoHeader(src, dst, proto, length)),
          );
        },
      ),
    );
  });
});

describe("ICMPv4 codec", () => {
  it("round-trips messages and verifies their checksum", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 300 }),
        (type, code, rest, data) => {
          const encoded = encodeIcmpv4Message({ type, code, rest, data });
          const decoded = decodeIcmpv4Message(encoded);
          expect(decoded).toEqual({ ok: true, value: { type, code, rest, data } });
          encoded[encoded.length - 1]! ^= 1;
          if (encoded.length > 8) {
            const corrupt = decodeIcmpv4Message(encoded);
            expect(!corrupt.ok && corrupt.error.kind).toBe("bad_checksum");
          }
        },
      ),
    );
  });
});

describe("UDP codec", () => {
  it("round-trips datagrams with a verified checksum, and accepts a zero checksum", () => {
    fc.assert(
      fc.property(ipv4addr, ipv4addr, port, port, fc.uint8Array({ maxLength: 400 }), (src, dst, sp, dp, payload) => {
        const datagram = udpDatagram(src, dst, sp, dp, payload);
        const decoded = decodeUdpDatagram(src, dst, datagram);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.value.srcPort).toBe(sp);
        expect(decoded.value.dstPort).toBe(dp);
        expect(decoded.value.checksum).not.toBe(0);
        expect(decoded.value.payload).toEqual(payload);
        const unchecked = datagram.slice();
        unchecked[6] = 0;
        unchecked[7] = 0;
        expect(decodeUdpDatagram(src, dst, unchecked).ok).toBe(true);
        const other = Ipv4Addr.fromNumber((src.toNumber() + 1) >>> 0);
        const wrong = decodeUdpDatagram(other, dst, datagram);
        if (wrong.ok)
          expect(other.toNumber() % 0xffff).toBe(src.toNumber() % 0xffff); // the checksum cannot tell
        else expect(wrong.error.kind).toBe("bad_checksum");
      }),
    );
  });

  it("checks the length field and trims what follows it", () => {
    const src = Ipv4Addr.parse("10.0.0.1");
    const dst = Ipv4Addr.parse("10.0.0.2");
    const datagram = udpDatagram(src, dst, 1, 2, Uint8Array.of(1, 2, 3));
    const padded = new Uint8Array(20);
    padded.set(datagram);
    const decoded = decodeUdpDatagram(src, dst, padded);
    expect(decoded.ok && [...decoded.value.payload]).toEqual([1, 2, 3]);
    expect(decodeUdpDatagram(src, dst, datagram.subarray(0, 7))).toMatchObject({
      ok: false,
      error: { kind: "truncated" },
    });
    const long = datagram.slice();
    long[5] = 12;
    expect(decodeUdpDatagram(src, dst, long)).toMatchObject({ ok: false, error: { kind: "bad_length" } });
    const short = datagram.slice();
    short[5] = 7;
    expect(decodeUdpDatagram(src, dst, short)).toMatchObject({ ok: false, error: { kind: "bad_length" } });
  });

  it("sends a computed zero checksum as 0xffff", () => {
    // Find a payload whose checksum computes to 0 (RFC 768: transmitted as all ones).
    const src = Ipv4Addr.parse("10.0.0.1");
    const dst = Ipv4Addr.parse("10.0.0.2");
    const header = new Uint8Array(8);
    encodeUdpHeader(src, dst, 1, 2, new Uint8Array(2), header);
    const checksum = (header[6]! << 8) | header[7]!;
    const payload = Uint8Array.of(checksum >>> 8, checksum & 0xff); // adding the checksum makes the sum 0xffff
    encodeUdpHeader(src, dst, 1, 2, payload, header);
    expect((header[6]! << 8) | header[7]!).toBe(0xffff);
    expect(() => encodeUdpHeader(src, dst, 70000, 2, payload, header)).toThrow(RangeError);
    expect(IpProtocol.udp).toBe(17);
  });
});

describe("DHCP codec", () => {
  it("round-trips messages, long options included", () => {
    fc.assert(
      fc.property(dhcpMessage, (message) => {
        const encoded = encodeDhcpMessage(message);
        expect(encoded.length).toBeGreaterThanOrEqual(300);
        const decoded = decodeDhcpMessage(encoded);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        const d = decoded.value;
        expect([d.op, d.xid, d.secs, d.broadcast]).toEqual([message.op, message.xid, message.secs, message.broadcast]);
        for (const key of ["ciaddr", "yiaddr", "siaddr", "giaddr"] as const)
          expect(d[key].equals(message[key])).toBe(true);
        expect(d.chaddr.equals(message.chaddr)).toBe(true);
        expect(new Map([...d.options].map(([k, v]) => [k, [...v]]))).toEqual(
          new Map([...message.options].map(([k, v]) => [k, [...v]])),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("concatenates repeated options and reads overloaded file and sname fields", () => {
    const message = encodeDhcpMessage({
      op: "reply",
      xid: 1,
      secs: 0,
      broadcast: false,
      ciaddr: Ipv4Addr.any,
      yiaddr: Ipv4Addr.any,
      siaddr: Ipv4Addr.any,
      giaddr: Ipv4Addr.any,
      chaddr: Macaddr.broadcast,
      options: new Map([[DhcpOption.overload, Uint8Array.of(3)]]),
    });
    message.set([DhcpOption.domainName, 2, 0x61, 0x62, 255], 108); // in `file`
    message.set([DhcpOption.domainName, 1, 0x63, 255], 44); // in `sname`
    const decoded = decodeDhcpMessage(message);
    expect(decoded.ok && String.fromCharCode(...decoded.value.options.get(DhcpOption.domainName)!)).toBe("abc");
  });

  it("refuses to encode the pad and end options as ordinary ones", () => {
    expect(() =>
      encodeDhcpMessage({
        op: "reply",
        xid: 1,
        secs: 0,
        broadcast: false,
        ciaddr: Ipv4Addr.any,
        yiaddr: Ipv4Addr.any,
        siaddr: Ipv4Addr.any,
        giaddr: Ipv4Addr.any,
        chaddr: Macaddr.broadcast,
        options: new Map([[255, new Uint8Array(0)]]),
      }),
    ).toThrow(RangeError);
  });
});
