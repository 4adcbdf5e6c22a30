import { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";
import { Ethertype, IpProtocol, decodeEthernetFrame, decodeIpv4Packet, decodeUdpDatagram } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { bytes, ipv4Frame, ipv4Header, ipv4Packet, udpDatagram } from "./helpers/frames.js";
import { run, runUntil } from "./helpers/simulation.js";
import { IP_A, IP_B, MAC_A, host, lab, pair, rawPort } from "./helpers/stacks.js";

const MAC_X = Macaddr.parse("02:00:00:00:00:99");
const IP_X = Ipv4Addr.parse("10.0.0.99");

describe("UDP", () => {
  it("delivers to the listener of the port until unlisten, the latest listener winning", async () => {
    const { l, a, b } = await pair();
    const got: string[] = [];
    b.stack.udp.listen(7, () => {
      got.push("first");
    });
    b.stack.udp.listen(7, (src, dst, srcPort, payload) => {
      got.push(`${src.toString()}>${dst.toString()} from ${srcPort}: ${payload.length}`);
    });
    await runUntil(l.clock, a.stack.udp.write(IP_B, 7, bytes(3), { srcPort: 1234 }));
    await run(l.clock, 10);
    b.stack.udp.unlisten(7);
    await runUntil(l.clock, a.stack.udp.write(IP_B, 7, bytes(3), { srcPort: 1234 }));
    await run(l.clock, 10);
    expect(got).toEqual(["10.0.0.1>10.0.0.2 from 1234: 3"]);
    expect(b.stack.stats().udp).toMatchObject({ rxDelivered: 1, rxNoListener: 1, listeners: 0 });
    expect(() => b.stack.udp.listen(65536, () => undefined)).toThrow(RangeError);
    expect(() => b.stack.udp.listen(-1, () => undefined)).toThrow(RangeError);
  });

  it("picks random ephemeral source ports", async () => {
    const { l, a, b } = await pair();
    const ports: number[] = [];
    b.stack.udp.listen(7, (_s, _d, srcPort) => {
      ports.push(srcPort);
    });
    for (let i = 0; i < 50; i++) await runUntil(l.clock, a.stack.udp.write(IP_B, 7, bytes(1)));
    await run(l.clock, 10);
    expect(ports).toHaveLength(50);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(49152);
    expect(new Set(ports).size).toBeGreaterThan(40);
  });

  it("carries zero-length datagrams", async () => {
    const { l, a, b } = await pair();
    const got: number[] = [];
    b.stack.udp.listen(7, (_s, _d, _p, payload) => {
      got.push(payload.length);
    });
    await runUntil(l.clock, a.stack.udp.write(IP_B, 7, new Uint8Array(0)));
    await run(l.clock, 10);
    expect(got).toEqual([0]);
  });

  it("verifies non-zero checksums and accepts a zero one", async () => {
    const l = lab();
    const peer = rawPort(l, MAC_X);
    const a = await host(l, MAC_A, "10.0.0.1/24");
    const got: number[][] = [];
    a.stack.udp.listen(7, (_s, _d, _p, payload) => {
      got.push([...payload]);
    });
    const datagram = udpDatagram(IP_X, IP_A, 1, 7, Uint8Array.of(1, 2, 3));
    const corrupted = datagram.slice();
    corrupted[8]! ^= 0x10;
    const unchecked = corrupted.slice();
    unchecked[6] = 0;
    unchecked[7] = 0;
    for (const d of [datagram, corrupted, unchecked]) {
      await peer.send(ipv4Frame(MAC_A, MAC_X, ipv4Packet(ipv4Header(IP_X, IP_A, IpProtocol.udp), d)));
    }
    await run(l.clock, 10);
    expect(got).toEqual([
      [1, 2, 3],
      [17, 2, 3],
    ]);
    expect(a.stack.stats().udp.rxBadChecksum).toBe(1);
  });

  it("sends checksummed datagrams from the source address and port asked for", async () => {
    const l = lab();
    const peer = rawPort(l, MAC_X);
    const a = await host(l, MAC_A, "10.0.0.1/24");
    const sent = a.stack.udp.write(Ipv4Addr.broadcast, 9, bytes(5), { srcPort: 68, ttl: 1 });
    await run(l.clock, 10);
    expect((await sent).ok).toBe(true);
    const frames = peer.received.filter(
      (f) => decodeEthernetFrame(f).ok && ((f[12]! << 8) | f[13]!) === Ethertype.ipv4,
    );
    const ip = decodeIpv4Packet(frames[0]!.subarray(14));
    expect(ip.ok && ip.value.header.ttl).toBe(1);
    if (!ip.ok) return;
    const udp = decodeUdpDatagram(ip.value.header.src, ip.value.header.dst, ip.value.payload);
    expect(udp.ok && [udp.value.srcPort, udp.value.dstPort, udp.value.checksum !== 0]).toEqual([68, 9, true]);
    await expect(a.stack.udp.write(IP_X, 70000, bytes(1))).rejects.toThrow(RangeError);
    await expect(a.stack.udp.write(IP_X, 7, new Uint8Array(65508))).rejects.toThrow(RangeError);
  });

  it("drops everything and refuses writes after disconnect", async () => {
    const { l, a, b } = await pair();
    let got = 0;
    b.stack.udp.listen(7, () => {
      got++;
    });
    await b.stack.udp.disconnect();
    await runUntil(l.clock, a.stack.udp.write(IP_B, 7, bytes(1)));
    await run(l.clock, 10);
    expect(got).toBe(0);
    expect(await b.stack.udp.write(IP_A, 7, bytes(1))).toEqual({
      ok: false,
      error: { kind: "no_route", reason: "the UDP layer is disconnected" },
    });
  });
});
