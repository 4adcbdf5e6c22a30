/**
 * TCP over the package's real lower layers: two Ipv4Stacks (ethernet, ARP, IPv4) on a virtual switch
 * with loss and reordering, the TCP layer plugged in through `setTcpInput`. The same transfer helper
 * as the fake-wire tests runs unchanged: only the `Ip` layers differ.
 */

import { Ipv4Addr as Addr, type Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { Ipv4Stack, type LinkImpairments, SeededRandom, VirtualClock, VirtualSwitch } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { TcpLayer } from "../src/tcp/tcp-layer.js";
import { runUntil, settle } from "./tcp/drive.js";
import { type Endpoints, randomBytes, transfer } from "./tcp/transfer.js";

async function stackPair(link: LinkImpairments): Promise<Endpoints & { readonly addrA: Ipv4Addr }> {
  const clock = new VirtualClock();
  const random = new SeededRandom(11);
  const sw = new VirtualSwitch({ clock, random });
  const make = async (mac: string, cidr: string): Promise<{ stack: Ipv4Stack; tcp: TcpLayer<Ipv4Addr> }> => {
    const netif = sw.connect({ mac: Macaddr.parse(mac), link });
    const stack = await Ipv4Stack.connect({ netif, clock, random, config: { cidr: Ipv4Prefix.parse(cidr) } });
    const tcp = new TcpLayer<Ipv4Addr>({
      ip: stack.ipv4,
      clock,
      random,
      config: { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20 },
    });
    stack.setTcpInput((src, dst, payload) => tcp.input(src, dst, payload));
    return { stack, tcp };
  };
  const a = await make("02:00:00:00:00:0a", "10.0.0.1/24");
  const b = await make("02:00:00:00:00:0b", "10.0.0.2/24");
  await settle();
  return { clock, a: a.tcp, b: b.tcp, addrA: Addr.parse("10.0.0.1"), addrB: Addr.parse("10.0.0.2") };
}

describe("TCP over ethernet, ARP and IPv4 on a virtual switch", () => {
  it("moves 8 MiB intact through loss and reordering, and cleans up", async () => {
    const pair = await stackPair({ delayMs: 2, loss: 0.01, reorder: 0.01 });
    const data = randomBytes(8 << 20, 77);
    const r = await transfer(pair, data);
    expect(r.receivedHash).toBe(r.sentHash);
    await runUntil(pair.clock, () => pair.a.stats().connections === 0 && pair.b.stats().connections === 0);
    for (const layer of [pair.a, pair.b]) {
      expect(layer.stats()).toMatchObject({
        timers: 0,
        sendBufferedBytes: 0,
        receiveBufferedBytes: 0,
        internalErrors: 0,
      });
    }
    expect(pair.a.stats().retransmittedSegments).toBeGreaterThan(0);
  }, 60_000);

  it("a connection to a closed port is refused by a RST through the stack", async () => {
    const pair = await stackPair({ delayMs: 1 });
    const opened = pair.a.createConnection(pair.addrB, 9);
    let result: unknown;
    void opened.then((r) => (result = r));
    await runUntil(pair.clock, () => result !== undefined);
    expect(result).toEqual({ ok: false, error: { kind: "refused" } });
    expect(pair.b.stats().resetsSent).toBe(1);
  });
});
