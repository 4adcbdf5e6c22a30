/**
 * The simulated DHCP server: hosts created with `ipv4: "dhcp"` take leases through tcpip's DHCP
 * client, talk over them, and get the same address back after a crash and restart; the server's
 * state machine NAKs an address that is not the client's and runs out of addresses cleanly.
 */

import { Ipv4Addr, Ipv4Prefix, Macaddr, ppTcpError } from "@mirage-ts/mirage-types";
import { DhcpMessageType, DhcpOption } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { Echo } from "../../../examples/tcp-echo/unikernel.js";
import { SimDhcpServer, SimWorld, expectPcap, parseRuntimeArgs, tcpExchange } from "../src/index.js";
import { sha256 } from "./helpers.js";

describe("SimWorld's DHCP server", () => {
  it("leases addresses that hosts use, and gives a restarted host its address back", async () => {
    parseRuntimeArgs([]);
    const world = new SimWorld({ seed: 21, capture: true });
    await world.host("router", { ipv4: "10.0.0.1/24", link: { delayMs: 1 } });
    const dhcp = world.dhcpServer("router", { first: "10.0.0.100", count: 10, router: "10.0.0.1" });
    const server = await world.host("server", { ipv4: "dhcp", link: { delayMs: 1, loss: 0.05 } });
    const client = await world.host("client", { ipv4: "dhcp" });
    expect(server.ipv4.toString()).toBe("10.0.0.100");
    expect(client.ipv4.toString()).toBe("10.0.0.101");
    expect(server.stack.dhcpClient?.lease()?.gateway?.toString()).toBe("10.0.0.1");
    server.boot((h) => Echo.start(h.stack));
    const data = new Uint8Array(50_000).map((_, i) => i & 0xff);
    const echo = async () => {
      const opened = await world.runUntil(client.stack.tcp().createConnection(server.ipv4, 7));
      if (!opened.ok) throw new Error(ppTcpError(opened.error));
      expect(sha256(await world.runUntil(tcpExchange(opened.value, data)))).toBe(sha256(data));
    };
    await echo();
    world.crash("server");
    await world.runUntil(world.restart("server"));
    expect(server.ipv4.toString()).toBe("10.0.0.100");
    await echo();
    expect(dhcp.stats()).toMatchObject({ acks: 3, naks: 0 });
    expect(dhcp.stats().offers).toBeGreaterThanOrEqual(3);
    expectPcap(world.get("router").pcap()).toContain({ from: "10.0.0.1", srcPort: 67, dstPort: 68 }, { atLeast: 6 });
  });

  it("NAKs an address that is not the client's, and offers nothing when the pool is used up", () => {
    const server = new SimDhcpServer(Ipv4Prefix.parse("10.0.0.1/24"), { first: "10.0.0.50", count: 1 });
    const message = (mac: string, type: number, requested?: string) => ({
      op: "request" as const,
      xid: 7,
      secs: 0,
      broadcast: true,
      ciaddr: Ipv4Addr.any,
      yiaddr: Ipv4Addr.any,
      siaddr: Ipv4Addr.any,
      giaddr: Ipv4Addr.any,
      chaddr: Macaddr.parse(mac),
      options: new Map([
        [DhcpOption.messageType, Uint8Array.of(type)],
        ...(requested === undefined ? [] : [[DhcpOption.requestedIp, Ipv4Addr.parse(requested).toBytes()] as const]),
      ]),
    });
    const kind = (reply: ReturnType<SimDhcpServer["handle"]>) => reply?.options.get(DhcpOption.messageType)?.[0];
    const offer = server.handle(message("02:00:00:00:00:01", DhcpMessageType.discover), 0);
    expect(kind(offer)).toBe(DhcpMessageType.offer);
    expect(offer?.yiaddr.toString()).toBe("10.0.0.50");
    expect(kind(server.handle(message("02:00:00:00:00:01", DhcpMessageType.request, "10.0.0.50"), 0))).toBe(
      DhcpMessageType.ack,
    );
    expect(server.handle(message("02:00:00:00:00:02", DhcpMessageType.discover), 0)).toBeUndefined();
    expect(kind(server.handle(message("02:00:00:00:00:02", DhcpMessageType.request, "10.0.0.50"), 0))).toBe(
      DhcpMessageType.nak,
    );
    expect(server.leaseOf(Macaddr.parse("02:00:00:00:00:01"), 1000)?.toString()).toBe("10.0.0.50");
    expect(server.stats()).toEqual({ offers: 1, acks: 1, naks: 1, releases: 0, declines: 0, ignored: 1 });
    expect(() => new SimDhcpServer(Ipv4Prefix.parse("10.0.0.1/24"), { first: "10.0.1.1" })).toThrow(
      /not inside the server's subnet 10\.0\.0\.0\/24/,
    );
  });
});
