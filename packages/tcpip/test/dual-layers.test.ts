/**
 * A dual stack composed from layers created one by one (upstream `direct_stackv4v6 net eth arp ip4 ip6`,
 * as mirage-cli's catalogue generates it): `DualIp.connect` joins the IPv4 and IPv6 layers,
 * `DirectStack.ipv6Transports` gives UDP and TCP over the IPv6 one, and `DirectStack.ofLayers` serves
 * both families; `ipv4Only` disconnects the IPv6 layer and `ipv6Only` leaves IPv4 unused.
 */

import { createHash } from "node:crypto";
import { Ipv4Addr, Ipv4Prefix, Ipv6Addr, Ipv6Prefix, Macaddr, ppTcpError } from "@mirage-ts/mirage-types";
import {
  ArpLayer,
  DirectStack,
  DualIp,
  type DualIpOptions,
  EthernetLayer,
  Icmpv4Layer,
  Ipv4Layer,
  Ipv6Layer,
  TcpLayer,
  UdpLayer,
  icmpPortUnreachable,
} from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { echoServer, stackOn } from "./helpers/direct-stacks.js";
import { run } from "./helpers/simulation.js";
import { type Lab, lab } from "./helpers/stacks.js";
import { drive, runUntil } from "./tcp/drive.js";
import { randomBytes } from "./tcp/transfer.js";

const V4_A = Ipv4Addr.parse("10.0.0.1");
const V6_A = Ipv6Addr.parse("2001:db8::1");

/** The stack of the catalogue's generated code, on a new port of `l`'s switch. */
async function perLayerStack(l: Lab, options: DualIpOptions): Promise<{ stack: DirectStack; ipv6: Ipv6Layer }> {
  const { clock, random } = l;
  const netif = l.sw.connect({ mac: Macaddr.parse("02:00:00:00:00:0a") });
  const ethernet = new EthernetLayer(netif);
  const arp = new ArpLayer(ethernet, { clock });
  const ipv4 = await drive(
    clock,
    Ipv4Layer.connect(ethernet, arp, { clock, random, config: { cidr: Ipv4Prefix.parse("10.0.0.1/24") } }),
  );
  const ipv6 = Ipv6Layer.connect(ethernet, {
    clock,
    random,
    config: { addresses: [Ipv6Prefix.parse("2001:db8::1/64")] },
  });
  const dual = await drive(clock, DualIp.connect(ipv4, ipv6, options));
  const icmp = new Icmpv4Layer(ipv4, { clock });
  const udp = new UdpLayer(ipv4, { random, onPortUnreachable: icmpPortUnreachable(icmp) });
  const tcp = new TcpLayer({ ip: ipv4, clock, random });
  const v6 = dual.ipv6 === undefined ? {} : DirectStack.ipv6Transports(dual.ipv6, { clock, random });
  const stack = DirectStack.ofLayers({ netif, ethernet, arp, ipv4, icmp, udp, tcp, ipv6Only: !dual.usesIpv4, ...v6 });
  return { stack, ipv6 };
}

async function client(l: Lab) {
  return stackOn(l, "02:00:00:00:00:0b", {
    ipv4: { cidr: Ipv4Prefix.parse("10.0.0.2/24") },
    ipv6: { addresses: [Ipv6Prefix.parse("2001:db8::2/64")] },
  });
}

async function echoed(l: Lab, from: DirectStack, dst: Ipv4Addr | Ipv6Addr, data: Uint8Array): Promise<string> {
  const opened = await drive(l.clock, from.tcp().createConnection(dst, 7));
  if (!opened.ok) throw new Error(ppTcpError(opened.error));
  const hash = createHash("sha256");
  let received = 0;
  await drive(l.clock, opened.value.write(data));
  while (received < data.length) {
    const r = await drive(l.clock, opened.value.read());
    if (!r.ok || r.value.kind === "eof") break;
    received += r.value.data.length;
    hash.update(r.value.data);
  }
  await drive(l.clock, opened.value.close());
  return hash.digest("hex");
}

describe("a dual stack from separate layers", () => {
  it("serves IPv4 and IPv6 clients with one listener", async () => {
    const l = lab(21);
    const { stack } = await perLayerStack(l, {});
    const b = await client(l);
    await runUntil(l.clock, () => stack.ip().configuredIps().length === 3 && b.ip().configuredIps().length === 3);
    echoServer(stack);
    const data = randomBytes(50_000, 3);
    const digest = createHash("sha256").update(data).digest("hex");
    expect(await echoed(l, b, V6_A, data)).toBe(digest);
    expect(await echoed(l, b, V4_A, data)).toBe(digest);
    expect(stack.stats().tcp6?.passiveOpens).toBe(1);
    expect(stack.stats().tcp.passiveOpens).toBe(1);
  });

  it("with ipv4Only, disconnects the IPv6 layer and refuses IPv6", async () => {
    const l = lab(22);
    const { stack, ipv6 } = await perLayerStack(l, { ipv4Only: true });
    expect(stack.ipv6Layers).toBeUndefined();
    // Disconnected before its first DAD probe: the layer never took an address.
    await run(l.clock, 5000);
    expect(ipv6.configuredIps()).toEqual([]);
    const write = await drive(l.clock, stack.udp().write(Ipv6Addr.parse("2001:db8::2"), 9, new Uint8Array(1)));
    expect(write).toEqual({ ok: false, error: { kind: "no_route", reason: "IPv6 is not used by this stack" } });
  });

  it("with ipv6Only, serves IPv6 and refuses IPv4", async () => {
    const l = lab(23);
    const { stack } = await perLayerStack(l, { ipv6Only: true });
    const b = await client(l);
    await runUntil(l.clock, () => stack.ip().configuredIps().length === 2 && b.ip().configuredIps().length === 3);
    expect(
      stack
        .ip()
        .configuredIps()
        .every((p) => p.version === 6),
    ).toBe(true);
    echoServer(stack);
    const data = randomBytes(5_000, 4);
    expect(await echoed(l, b, V6_A, data)).toBe(createHash("sha256").update(data).digest("hex"));
    const write = await drive(l.clock, stack.udp().write(Ipv4Addr.parse("10.0.0.2"), 9, new Uint8Array(1)));
    expect(write).toEqual({ ok: false, error: { kind: "no_route", reason: "IPv4 is not used by this stack" } });
  });

  it("refuses ipv4Only with ipv6Only", async () => {
    const l = lab(24);
    await expect(perLayerStack(l, { ipv4Only: true, ipv6Only: true })).rejects.toThrow(
      "`ipv4Only` and `ipv6Only` exclude each other",
    );
  });
});
