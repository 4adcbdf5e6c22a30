/**
 * `DirectStack` over both families on a virtual switch and a virtual clock: TCP over IPv6 with loss
 * and reordering (SHA-256 equal), one listener answering IPv4 and IPv6 clients, UDP over IPv6 with
 * ICMPv6 port unreachable, TCP's MSS from the IPv6 MTU, Packet Too Big handed to TCP, and `ipv6Only`.
 */

import { createHash } from "node:crypto";
import { type Ipaddr, Ipv4Addr, Ipv6Addr, Macaddr, type Stack, ppTcpError } from "@mirage-ts/mirage-types";
import { Icmpv6Type, NextHeader } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { dualPair, echoServer, floodSyn } from "./helpers/direct-stacks.js";
import { ethernet6, icmpv6, ipv6Packet } from "./helpers/ipv6.js";
import { type Lab, rawPort } from "./helpers/stacks.js";
import { drive, runUntil } from "./tcp/drive.js";
import { randomBytes } from "./tcp/transfer.js";

const V4_A = Ipv4Addr.parse("10.0.0.1");
const V6_A = Ipv6Addr.parse("2001:db8::1");
const V6_B = Ipv6Addr.parse("2001:db8::2");
const MAC_A = Macaddr.parse("02:00:00:00:00:0a");
const PEER_MAC = Macaddr.parse("02:00:00:00:00:99");

/** Sends `data` to `dst`:7 from `client` and returns the SHA-256 of what comes back. */
async function echo(l: Lab, client: Stack, dst: Ipaddr, data: Uint8Array): Promise<string> {
  const opened = await drive(l.clock, client.tcp().createConnection(dst, 7));
  if (!opened.ok) throw new Error(ppTcpError(opened.error));
  const flow = opened.value;
  const hash = createHash("sha256");
  let done = false;
  void (async () => {
    for (;;) {
      const r = await flow.read();
      if (!r.ok || r.value.kind === "eof") break;
      hash.update(r.value.data);
    }
    done = true;
  })();
  void (async () => {
    for (let off = 0; off < data.length; off += 50_000) await flow.write(data.subarray(off, off + 50_000));
    await flow.shutdown("write");
  })();
  await runUntil(l.clock, () => done);
  await flow.close();
  return hash.digest("hex");
}

describe("DirectStack over IPv4 and IPv6", () => {
  it("echoes 1 MiB over TCP/IPv6 through loss and reordering, with an MSS from the IPv6 MTU", async () => {
    const { l, a, b } = await dualPair({ delayMs: 1, loss: 0.01, reorder: 0.01 });
    echoServer(a);
    const data = randomBytes(1 << 20, 5);
    expect(await echo(l, b, V6_A, data)).toBe(createHash("sha256").update(data).digest("hex"));
    const tcp6 = a.stats().tcp6!;
    expect(tcp6.retransmittedSegments + b.stats().tcp6!.retransmittedSegments).toBeGreaterThan(0);
    expect(a.stats().tcp.connections + a.stats().tcp.passiveOpens).toBe(0);
    expect(a.stats().ipv6!.rxDelivered).toBeGreaterThan(700);
    expect(b.ip().mtu(V6_A)).toBe(1460);
    await runUntil(l.clock, () => a.stats().tcp6!.connections === 0 && b.stats().tcp6!.connections === 0);
  }, 60_000);

  it("answers IPv4 and IPv6 clients with one listener", async () => {
    const { l, a, b } = await dualPair();
    echoServer(a);
    const data = randomBytes(100_000, 6);
    const digest = createHash("sha256").update(data).digest("hex");
    expect(await echo(l, b, V4_A, data)).toBe(digest);
    expect(await echo(l, b, V6_A, data)).toBe(digest);
    expect(a.stats().tcp.passiveOpens).toBe(1);
    expect(a.stats().tcp6!.passiveOpens).toBe(1);
  });

  it("exchanges UDP over IPv6 and answers a closed port with ICMPv6 port unreachable", async () => {
    const { l, a, b } = await dualPair();
    const seen: string[] = [];
    a.udp().listen(53, (src, dst, srcPort, payload) => {
      seen.push(`${src.toString()} ${dst.toString()} ${new TextDecoder().decode(payload)}`);
      void a.udp().write(src, srcPort, payload.slice().reverse(), { srcPort: 53 });
    });
    const replies: string[] = [];
    b.udp().listen(
      4000,
      (src, _dst, _port, payload) => void replies.push(`${src.toString()} ${new TextDecoder().decode(payload)}`),
    );
    expect(await drive(l.clock, b.udp().write(V6_A, 53, new TextEncoder().encode("hello"), { srcPort: 4000 }))).toEqual(
      {
        ok: true,
        value: undefined,
      },
    );
    await runUntil(l.clock, () => replies.length === 1);
    expect(seen).toEqual(["2001:db8::2 2001:db8::1 hello"]);
    expect(replies).toEqual(["2001:db8::1 olleh"]);
    await drive(l.clock, b.udp().write(V6_A, 9, new Uint8Array(10)));
    await runUntil(l.clock, () => a.stats().ipv6!.txPackets > 0 && a.stats().udp6!.rxNoListener === 1);
    await runUntil(l.clock, () => b.stats().ipv6!.rxPackets > 0 && a.ipv6Layers!.ipv6.icmp.stats().errorsSent === 1);
    // B's ICMPv6 layer takes the port unreachable quoting its UDP datagram; as on IPv4, it does not reach TCP.
    await runUntil(l.clock, () => b.ipv6Layers!.ipv6.icmp.stats().errorsReported === 1);
    expect(b.stats().tcp6!.icmpErrors).toBe(0);
  });

  it("hands a Packet Too Big quoting a TCP segment to TCP, and lowers the path MTU to 1280", async () => {
    const { l, a, b } = await dualPair();
    echoServer(b);
    const opened = await drive(l.clock, a.tcp().createConnection(V6_B, 7));
    if (!opened.ok) throw new Error(ppTcpError(opened.error));
    const local = opened.value.src();
    // A router on the path says 1000 bytes: the quoted packet is a segment from A to B.
    const segment = new Uint8Array(20);
    new DataView(segment.buffer).setUint16(0, local.port);
    new DataView(segment.buffer).setUint16(2, 7);
    const quoted = ipv6Packet({ src: V6_A, dst: V6_B, nextHeader: NextHeader.tcp, payload: segment });
    const router = Ipv6Addr.parse("2001:db8::99");
    const ptb = icmpv6(router, V6_A, Icmpv6Type.packetTooBig, 0, 1000, quoted);
    const raw = rawPort(l, Macaddr.parse("02:00:00:00:00:99"));
    await raw.send(
      ethernet6(
        Macaddr.parse("02:00:00:00:00:99"),
        Macaddr.parse("02:00:00:00:00:0a"),
        ipv6Packet({ src: router, dst: V6_A, nextHeader: NextHeader.icmpv6, payload: ptb }),
      ),
    );
    await runUntil(l.clock, () => a.stats().tcp6!.icmpErrors === 1);
    expect(a.ip().mtu(V6_B)).toBe(1240);
    expect(a.ipv6Layers!.ipv6.icmp.stats().errorsReported).toBe(1);
    await opened.value.close();
  });

  it("refuses an address given as text (from JavaScript) with a TypeError naming the parse call", async () => {
    const { a } = await dualPair();
    const text = "10.0.0.2" as unknown as Ipaddr;
    const fix = 'got the string "10.0.0.2": pass Ipv4Addr.parse("10.0.0.2") (from @mirage-ts/mirage-types)';
    expect(() => a.tcp().createConnection(text, 80)).toThrow(
      new TypeError(`createConnection: dst must be an Ipv4Addr or an Ipv6Addr, ${fix}`),
    );
    expect(() => a.udp().write(text, 9, new Uint8Array(1))).toThrow(
      new TypeError(`write: dst must be an Ipv4Addr or an Ipv6Addr, ${fix}`),
    );
    expect(a.stats().tcp.activeOpens).toBe(0);
  });

  it("with ipv6Only, refuses IPv4 and serves IPv6", async () => {
    const { l, a, b } = await dualPair({}, { ipv6Only: true });
    echoServer(a);
    expect(
      a
        .ip()
        .configuredIps()
        .every((p) => p.version === 6),
    ).toBe(true);
    const v4 = await drive(l.clock, a.udp().write(Ipv4Addr.parse("10.0.0.2"), 9, new Uint8Array(1)));
    expect(v4).toEqual({ ok: false, error: { kind: "no_route", reason: "IPv4 is not used by this stack" } });
    const data = randomBytes(10_000, 7);
    expect(await echo(l, b, V6_A, data)).toBe(createHash("sha256").update(data).digest("hex"));
    // A ignores IPv4: B's SYN gets no answer and its connection attempt times out.
    const refused = await drive(l.clock, b.tcp().createConnection(V4_A, 7), 600_000);
    expect(refused.ok).toBe(false);
    expect(a.stats().tcp.passiveOpens).toBe(0);
    expect(a.stats().tcp6!.passiveOpens).toBe(1);
    expect(a.ip().src(V6_B).equals(V6_A)).toBe(true);
  });

  it("lets a real IPv6 client through a spoofed IPv6 SYN flood at once, with SYN cookies", async () => {
    const { l, a, b } = await dualPair();
    echoServer(a);
    const raw = rawPort(l, PEER_MAC);
    // 1000 SYNs through the IPv6 layer from spoofed, off-link sources (no router: their SYN-ACKs have no route).
    for (let i = 0; i < 1000; i++) {
      const src = Ipv6Addr.parse(`2001:db8:ffff::${(i + 1).toString(16)}`);
      const segment = floodSyn(a, src, V6_A, i, 1440);
      await raw.send(
        ethernet6(PEER_MAC, MAC_A, ipv6Packet({ src, dst: V6_A, nextHeader: NextHeader.tcp, payload: segment })),
      );
    }
    await runUntil(l.clock, () => a.stats().tcp6!.synCookiesSent === 872);
    // The backlog (128) holds the first SYNs; the rest got cookies and left no state.
    expect(a.stats().tcp6).toMatchObject({ halfOpen: 128, synCookiesSent: 872, listenOverflows: 0 });
    const start = l.clock.now();
    const data = randomBytes(200_000, 8);
    // The client's first SYN got a cookie (no retransmission), and the MSS it carried (1440, IPv6's) holds.
    expect(await echo(l, b, V6_A, data)).toBe(createHash("sha256").update(data).digest("hex"));
    expect(l.clock.now() - start).toBeLessThan(1000);
    expect(a.stats().tcp6).toMatchObject({ synCookiesSent: 873, synCookiesValid: 1, synCookiesInvalid: 0 });
    expect(a.stats().tcp.synCookiesSent).toBe(0);
  });
});
