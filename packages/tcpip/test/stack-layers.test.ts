/**
 * Stacks composed layer by layer (`DirectStack.ofLayers`, as `Tcpip_stack_direct.MakeV4V6` and the
 * per-layer devices of mirage-cli compose them) on a virtual switch: TCP, UDP and ICMP with a stack
 * made by `DirectStack.connect`, ICMP port unreachable through the given UDP layer, and a
 * `DhcpIpv4Layer` that takes a lease before the stack exists and keeps renewing it after the stack
 * took its device over.
 */

import { Ipv4Addr, Ipv4Prefix, Macaddr, type Network, ppTcpError } from "@mirage-ts/mirage-types";
import {
  ArpLayer,
  DhcpIpv4Layer,
  DirectStack,
  EthernetLayer,
  Icmpv4Layer,
  Ipv4Layer,
  Ipv4Stack,
  TcpLayer,
  UdpLayer,
  icmpPortUnreachable,
} from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { FakeDhcpServer } from "./helpers/dhcp-server.js";
import { run } from "./helpers/simulation.js";
import { type Lab, lab } from "./helpers/stacks.js";
import { drive, runUntil } from "./tcp/drive.js";

const IP_LAYERS = Ipv4Addr.parse("10.0.0.2");
const IP_PEER = Ipv4Addr.parse("10.0.0.1");

/** The layers above IPv4, each created over the one below, as the generated `main.ts` creates them. */
function layersOver(l: Lab, netif: Network, ipv4: Ipv4Layer) {
  const { clock, random } = l;
  const icmp = new Icmpv4Layer(ipv4, { clock });
  const udp = new UdpLayer(ipv4, { random, onPortUnreachable: icmpPortUnreachable(icmp) });
  const tcp = new TcpLayer({ ip: ipv4, clock, random });
  return { netif, icmp, udp, tcp };
}

async function staticLayers(l: Lab, mac: string, cidr: string): Promise<DirectStack> {
  const netif = l.sw.connect({ mac: Macaddr.parse(mac) });
  const ethernet = new EthernetLayer(netif);
  const arp = new ArpLayer(ethernet, { clock: l.clock });
  const ipv4 = await Ipv4Layer.connect(ethernet, arp, {
    clock: l.clock,
    random: l.random,
    config: { cidr: Ipv4Prefix.parse(cidr) },
  });
  return DirectStack.ofLayers({ ethernet, arp, ipv4, ...layersOver(l, netif, ipv4) });
}

async function peer(l: Lab): Promise<DirectStack> {
  const netif = l.sw.connect({ mac: Macaddr.parse("02:00:00:00:00:0a") });
  return drive(
    l.clock,
    DirectStack.connect({ netif, clock: l.clock, random: l.random, ipv4: { cidr: Ipv4Prefix.parse("10.0.0.1/24") } }),
  );
}

/** Opens a TCP connection from `client` to `address`:7, sends `text` and returns what comes back. */
async function echoOnce(l: Lab, client: DirectStack, address: Ipv4Addr, text: string): Promise<string> {
  const opened = await drive(l.clock, client.tcp().createConnection(address, 7));
  if (!opened.ok) throw new Error(ppTcpError(opened.error));
  await drive(l.clock, opened.value.write(new TextEncoder().encode(text)));
  const read = await drive(l.clock, opened.value.read());
  await drive(l.clock, opened.value.close());
  return read.ok && read.value.kind === "data" ? new TextDecoder().decode(read.value.data) : "";
}

function echoServer(server: DirectStack): void {
  server.tcp().listen(7, async (flow) => {
    const read = await flow.read();
    if (read.ok && read.value.kind === "data") await flow.write(read.value.data);
    await flow.close();
  });
}

describe("DirectStack.ofLayers", () => {
  it("talks TCP, UDP and ICMP with a stack made by DirectStack.connect", async () => {
    const l = lab(11);
    const layers = await staticLayers(l, "02:00:00:00:00:0b", "10.0.0.2/24");
    const other = await peer(l);
    expect(layers.dhcpClient).toBeUndefined();

    echoServer(layers);
    expect(await echoOnce(l, other, IP_LAYERS, "to the layers")).toBe("to the layers");
    echoServer(other);
    expect(await echoOnce(l, layers, IP_PEER, "from the layers")).toBe("from the layers");

    const heard: string[] = [];
    layers
      .udp()
      .listen(
        53,
        (src, _dst, srcPort, payload) =>
          void layers.udp().write(src, srcPort, payload.slice().reverse(), { srcPort: 53 }),
      );
    other.udp().listen(4000, (_src, _dst, _port, payload) => void heard.push(new TextDecoder().decode(payload)));
    await drive(l.clock, other.udp().write(IP_LAYERS, 53, new TextEncoder().encode("abc"), { srcPort: 4000 }));
    await runUntil(l.clock, () => heard.length === 1);
    expect(heard).toEqual(["cba"]);

    const pong = await drive(l.clock, other.layers.icmp.ping(IP_LAYERS, { timeoutMs: 1000 }));
    expect(pong.ok).toBe(true);
    expect(layers.stats().icmp.echoRepliesSent).toBe(1);
    const back = await drive(l.clock, layers.layers.icmp.ping(IP_PEER, { timeoutMs: 1000 }));
    expect(back.ok).toBe(true);

    // A closed port on the composed stack: the UDP layer given to it reports to its ICMP layer.
    await drive(l.clock, other.udp().write(IP_LAYERS, 9999, new Uint8Array(4)));
    await runUntil(l.clock, () => other.stats().icmp.rxErrors === 1);
    expect(layers.stats().icmp.errorsSent).toBe(1);
    expect(layers.stats().udp.rxNoListener).toBe(1);
    expect(layers.stats().listenerErrors).toBe(0);
    await drive(l.clock, layers.disconnect());
    expect(layers.stats().tcp).toMatchObject({ connections: 0, listeners: 0 });
  });

  it("takes a DHCP lease before the stack exists, then serves on it and renews through the stack", async () => {
    const l = lab(12);
    // The server is not the TCP peer below (10.0.0.1): the renewal must reach the server itself.
    const server = new FakeDhcpServer(l, { ip: "10.0.0.254", offer: "10.0.0.50", leaseS: 600, t1S: 300, t2S: 500 });
    const netif = l.sw.connect({ mac: Macaddr.parse("02:00:00:00:00:0c") });
    const ethernet = new EthernetLayer(netif);
    const arp = new ArpLayer(ethernet, { clock: l.clock });
    const leases: string[] = [];
    const ipv4 = await drive(
      l.clock,
      DhcpIpv4Layer.connect(ethernet, arp, {
        netif,
        clock: l.clock,
        random: l.random,
        dhcp: { onLease: (lease) => void leases.push(String(lease?.cidr)) },
      }),
    );
    expect(leases).toEqual(["10.0.0.50/24"]);
    expect(ipv4.configuredIps().map(String)).toEqual(["10.0.0.50/24"]);
    expect(ipv4.client.state()).toBe("bound");

    const stack = DirectStack.ofLayers({ ethernet, arp, ipv4, ...layersOver(l, netif, ipv4) });
    expect(stack.dhcpClient).toBe(ipv4.client);
    expect(() => DirectStack.ofLayers({ ethernet, arp, ipv4, ...layersOver(l, netif, ipv4) })).toThrow(
      "DhcpIpv4Layer.handOver: the layer already belongs to a stack",
    );
    echoServer(stack);
    const other = await peer(l);
    expect(await echoOnce(l, other, Ipv4Addr.parse("10.0.0.50"), "after DHCP")).toBe("after DHCP");

    // T1: the renewal's unicast ACK arrives through the stack's frames and UDP layer.
    await run(l.clock, 301_000);
    expect(server.received.map((r) => r.type)).toEqual([1, 3, 3]);
    expect(server.received[2]).toMatchObject({ ciaddr: "10.0.0.50", ipDst: "10.0.0.254" });
    await runUntil(l.clock, () => leases.length === 2);
    expect(stack.stats().dhcp).toMatchObject({ leasesObtained: 2, ignored: 0 });
    expect(stack.stats().icmp.errorsSent).toBe(0);
    expect(ipv4.client.state()).toBe("bound");

    await drive(l.clock, stack.disconnect());
    expect(ipv4.client.state()).toBe("stopped");
  });

  const refusesDhcpTitle =
    "refuses a DHCP layer listening on another device or with a static address, " +
    "and fails connect when the device stops first";
  it(refusesDhcpTitle, async () => {
    const l = lab(13);
    new FakeDhcpServer(l, { offer: "10.0.0.51" });
    const netif = l.sw.connect({ mac: Macaddr.parse("02:00:00:00:00:0d") });
    const ethernet = new EthernetLayer(netif);
    const arp = new ArpLayer(ethernet, { clock: l.clock });
    const ipv4 = await drive(
      l.clock,
      DhcpIpv4Layer.connect(ethernet, arp, { netif, clock: l.clock, random: l.random }),
    );
    const elsewhere = l.sw.connect({ mac: Macaddr.parse("02:00:00:00:00:0e") });
    expect(() => DirectStack.ofLayers({ ethernet, arp, ipv4, ...layersOver(l, elsewhere, ipv4) })).toThrow(TypeError);
    await expect(
      Ipv4Stack.connect({
        netif: elsewhere,
        clock: l.clock,
        random: l.random,
        config: { cidr: Ipv4Prefix.parse("10.0.0.9/24") },
        dhcp: {},
      }),
    ).rejects.toThrow("Ipv4Stack.connect: give either a static `config` or `dhcp`, not both");

    const silent = lab(14);
    const lost = silent.sw.connect({ mac: Macaddr.parse("02:00:00:00:00:0f") });
    const lostEthernet = new EthernetLayer(lost);
    const pending = DhcpIpv4Layer.connect(lostEthernet, new ArpLayer(lostEthernet, { clock: silent.clock }), {
      netif: lost,
      clock: silent.clock,
      random: silent.random,
    });
    const outcome = pending.then(
      () => "bound",
      (error: unknown) => String(error),
    );
    await run(silent.clock, 10_000);
    await lost.disconnect();
    expect(await outcome).toBe(
      "Error: DhcpIpv4Layer.connect: " +
        "the network device stopped delivering frames before a lease was bound (it was disconnected)",
    );
  });
});
