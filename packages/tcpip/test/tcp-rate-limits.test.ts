/**
 * The rate limits that keep TCP from answering without end (issue 12): ACKs to segments a connection
 * cannot accept, at most one per `invalidRateLimitMs` (Linux's tcp_invalid_ratelimit), and resets for
 * segments that match no connection, from a token bucket. Crafted-segment scenarios on the virtual
 * clock (see tcp/script.ts), then two stacks on a virtual switch whose connection a forger has
 * desynchronised, so that each finds the other's segments out of window: without the limit they
 * answer each other forever; with it they stop at once.
 */

import { type Ipv4Addr, Macaddr, type TcpFlow } from "@mirage-ts/mirage-types";
import { IpProtocol, type TcpConfig, TcpFlags, TcpHeader, TcpLayer } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { pseudoHeaderSum, segmentChecksum } from "../src/tcp/internal/checksum.js";
import { bytes, ipv4Frame, ipv4Header, ipv4Packet } from "./helpers/frames.js";
import { run, runUntil } from "./helpers/simulation.js";
import { type Host, IP_A, IP_B, MAC_A, MAC_B, host, lab, rawPort } from "./helpers/stacks.js";
import { runScript } from "./tcp/script.js";
import { established, plain } from "./tcp/scripts.js";

describe("answers to segments a connection cannot accept (tcp_invalid_ratelimit)", () => {
  it("answers out-of-window segments at most once per 500 ms, and those with data or a FIN always", async () => {
    await runScript(
      `${established}
      0.100  < . 100000:100000(0) ack 1 win 65535
      0.100  > . 1:1(0) ack 1
      0.100  < . 100000:100000(0) ack 1 win 65535
      0.100  < . 100000:100000(0) ack 1 win 65535
      0.599  < . 100000:100000(0) ack 1 win 65535
      0.599  stats invalidAcksRateLimited 3
      0.600  < . 100000:100000(0) ack 1 win 65535
      0.600  > . 1:1(0) ack 1
      // Their sender retransmits until it hears of them, and an ACK loop carries neither.
      0.700  < . 200000:200010(10) ack 1 win 65535
      0.700  > . 1:1(0) ack 1
      0.700  < F. 200000:200000(0) ack 1 win 65535
      0.700  > . 1:1(0) ack 1
      0.700  stats invalidAcksRateLimited 3 connections 1
    `,
      { config: plain },
    );
  });

  it("answers every one with invalidRateLimitMs 0", async () => {
    await runScript(
      `${established}
      0.100  < . 100000:100000(0) ack 1 win 65535
      0.100  > . 1:1(0) ack 1
      0.100  < . 100000:100000(0) ack 1 win 65535
      0.100  > . 1:1(0) ack 1
      0.100  stats invalidAcksRateLimited 0
    `,
      { config: { ...plain, invalidRateLimitMs: 0 } },
    );
  });

  it("answers PAWS failures at most once per interval (RFC 7323 §5.3)", async () => {
    await runScript(`
      0.000  listen 8080
      0.000  < S 0:0(0) win 65535 <mss 1460,TS val 100 ecr 0>
      0.000  > S. 0:0(0) ack 1 <mss 1460,TS val * ecr 100>
      0.010  < . 1:1(0) ack 1 win 65535 <TS val 200 ecr *>
      0.010  accept
      0.100  < . 1:1(0) ack 1 win 65535 <TS val 150 ecr *>
      0.100  > . 1:1(0) ack 1 <TS val * ecr 200>
      0.100  < . 1:1(0) ack 1 win 65535 <TS val 150 ecr *>
      0.300  < . 1:1(0) ack 1 win 65535 <TS val 150 ecr *>
      0.300  stats pawsDropped 3 invalidAcksRateLimited 2
      0.600  < . 1:1(0) ack 1 win 65535 <TS val 150 ecr *>
      0.600  > . 1:1(0) ack 1 <TS val * ecr 200>
      0.700  < P. 1:101(100) ack 1 win 65535 <TS val 150 ecr *>
      0.700  > . 1:1(0) ack 1 <TS val * ecr 200>
      0.700  stats pawsDropped 5 invalidAcksRateLimited 2
      0.700  read pending
    `);
  });

  it("keeps challenge ACKs (RFC 5961) to the same interval, before their per-second limit", async () => {
    await runScript(
      `${established}
      0.100  < S 10:10(0) win 1000
      0.100  > . 1:1(0) ack 1
      0.100  < R 10:10(0) win 0
      0.300  < S 10:10(0) win 1000
      // An out-of-window segment shares the interval.
      0.400  < . 100000:100000(0) ack 1 win 65535
      0.400  stats challengeAcks 1 challengeAcksSuppressed 0 invalidAcksRateLimited 3
      0.600  < R 10:10(0) win 0
      0.600  > . 1:1(0) ack 1
      0.600  stats challengeAcks 2 connections 1
      0.600  read pending
    `,
      { config: plain },
    );
  });

  it("answers a SYN repeated in SYN-RECEIVED at most once per interval", async () => {
    await runScript(
      `
      0      listen 8080
      +0     < S 0:0(0) win 1000
      +0     > S. 0:0(0) ack 1
      0.300  < S 0:0(0) win 1000
      0.300  > S. 0:0(0) ack 1
      0.500  < S 0:0(0) win 1000
      0.500  stats invalidAcksRateLimited 1
      0.800  < S 0:0(0) win 1000
      0.800  > S. 0:0(0) ack 1
      0.810  < . 1:1(0) ack 1 win 1000
      0.810  accept
    `,
      { config: plain },
    );
  });
});

describe("resets for segments that match no connection", () => {
  it("come from a token bucket shared by closed ports and listeners", async () => {
    await runScript(
      `
      0      port 9999
      +0     < S 1000:1000(0) win 1000
      +0     > R. 0:0(0) ack 1001 win 0
      +0     < S 2000:2000(0) win 1000
      +0     > R. 0:0(0) ack 2001 win 0
      +0     < S 3000:3000(0) win 1000
      +0     > R. 0:0(0) ack 3001 win 0
      +0     < S 4000:4000(0) win 1000
      +0     listen 8080
      // A stray ACK to a listener draws from the same bucket.
      +0     < . 5:5(0) ack 77 win 1000
      +0     stats resetsSent 3 resetsRateLimited 2
      // Two a second: one token back after 500 ms.
      0.500  port 9999
      +0     < S 5000:5000(0) win 1000
      +0     > R. 0:0(0) ack 5001 win 0
      +0     < S 6000:6000(0) win 1000
      +0.500 < S 7000:7000(0) win 1000
      +0     > R. 0:0(0) ack 7001 win 0
      +0     stats resetsSent 5 resetsRateLimited 3 connections 0
    `,
      { config: { ...plain, resetsPerSecond: 2, resetBurst: 3 } },
    );
  });

  it("by default, bursts of 50 and 1000 a second", async () => {
    const synAndReset = (at: string, seq: number): string =>
      `${at} < S ${seq}:${seq}(0) win 1000\n+0 > R. 0:0(0) ack ${seq + 1} win 0\n`;
    let script = "0 port 9999\n";
    for (let i = 0; i < 50; i++) script += synAndReset("+0", i * 1000);
    script += "+0 < S 50000:50000(0) win 1000\n+0 stats resetsSent 50 resetsRateLimited 1\n";
    // One token a millisecond.
    script += `${synAndReset("+0.001", 60000)}+0 < S 61000:61000(0) win 1000\n`;
    const { stats } = await runScript(script, { config: plain });
    expect(stats).toMatchObject({ resetsSent: 51, resetsRateLimited: 2 });
  });
});

describe("two stacks whose connection was desynchronised", () => {
  const MAC_X = Macaddr.parse("02:00:00:00:00:99");

  interface Peer {
    readonly host: Host;
    readonly tcp: TcpLayer<Ipv4Addr>;
    /** The last segment this stack received: the sequence numbers a forger on the path would see. */
    last: TcpHeader | undefined;
    lastLength: number;
  }

  async function peer(l: ReturnType<typeof lab>, mac: Macaddr, cidr: string, config: TcpConfig): Promise<Peer> {
    const h = await host(l, mac, cidr, { delayMs: 1 });
    const tcp = new TcpLayer<Ipv4Addr>({ ip: h.stack.ipv4, clock: l.clock, random: l.random, config });
    const p: Peer = { host: h, tcp, last: undefined, lastLength: 0 };
    h.stack.setTcpInput(
      (src, dst, segment) => {
        const header = new TcpHeader();
        if (header.decode(segment).ok) {
          p.last = header;
          p.lastLength = segment.length - header.headerLength;
        }
        return tcp.input(src, dst, segment);
      },
      (report) => tcp.icmpError(report),
    );
    return p;
  }

  // 100 bytes to `to` from `src`, its peer, at the sequence number `to` expects next: `to` accepts
  // them and from then on acknowledges data its peer never sent, and its peer never hears of them.
  function forged(to: Peer, src: Ipv4Addr, dst: Ipv4Addr): Uint8Array {
    const seen = to.last!;
    const h = new TcpHeader();
    h.srcPort = seen.srcPort;
    h.dstPort = seen.dstPort;
    h.seq = (seen.seq + to.lastLength) >>> 0;
    h.ack = seen.ack;
    h.flags = TcpFlags.ACK | TcpFlags.PSH;
    h.window = seen.window;
    if (seen.timestamp !== undefined) h.setTimestamp(seen.timestamp.val, seen.timestamp.ecr);
    const headerLength = h.encodedLength();
    const segment = new Uint8Array(headerLength + 100);
    h.encode(segment);
    segment.set(bytes(100), headerLength);
    const pseudo = pseudoHeaderSum(to.host.stack.ipv4.pseudoheader(src, dst, "tcp", 0));
    const checksum = segmentChecksum([segment], pseudo, segment.length);
    segment[16] = checksum >>> 8;
    segment[17] = checksum & 0xff;
    return ipv4Packet(ipv4Header(src, dst, IpProtocol.tcp), segment);
  }

  // Connects A to B, sends a little data, then forges a segment to each side; counts their frames from then on.
  async function desynchronised(config: TcpConfig) {
    const l = lab(7);
    const a = await peer(l, MAC_A, "10.0.0.1/24", config);
    const b = await peer(l, MAC_B, "10.0.0.2/24", config);
    const forger = rawPort(l, MAC_X);
    let accepted: TcpFlow<Ipv4Addr> | undefined;
    b.tcp.listen(80, (flow) => {
      accepted = flow;
    });
    const opened = await runUntil(l.clock, a.tcp.createConnection(IP_B, 80));
    if (!opened.ok) throw new Error(`connect failed: ${opened.error.kind}`);
    await runUntil(l.clock, opened.value.write(bytes(1000)));
    await run(l.clock, 1000);
    expect(accepted).toBeDefined();
    expect(a.tcp.stats().connections + b.tcp.stats().connections).toBe(2);
    const toA = forged(a, IP_B, IP_A);
    const toB = forged(b, IP_A, IP_B);
    await forger.send(ipv4Frame(MAC_A, MAC_X, toA));
    await forger.send(ipv4Frame(MAC_B, MAC_X, toB));
    const frames = (): number => a.host.netif.linkStats().tx.offered + b.host.netif.linkStats().tx.offered;
    return { l, a, b, frames, before: frames() };
  }

  it("without the limit, answer each other for as long as they run (the loop the limit breaks)", async () => {
    const { l, frames, before } = await desynchronised({ invalidRateLimitMs: 0 });
    await run(l.clock, 1000);
    // One segment every 2 ms (1 ms on each link), for the whole second.
    expect(frames() - before).toBeGreaterThan(400);
  });

  it("with the default limit, stop after a few segments and stay quiet for ten minutes", async () => {
    const { l, a, b, frames, before } = await desynchronised({});
    await run(l.clock, 600_000);
    // Each side's ACK of the forged data, and one answer each to the other's.
    expect(frames() - before).toBeLessThanOrEqual(4);
    expect(a.tcp.stats().invalidAcksRateLimited + b.tcp.stats().invalidAcksRateLimited).toBeGreaterThan(0);
    expect(a.tcp.stats().connections + b.tcp.stats().connections).toBe(2);
  });
});
