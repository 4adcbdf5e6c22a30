import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ipv4Prefix } from "@mirage-ts/mirage-types";
import { Ipv4Stack, PcapNetwork, PcapWriter, VirtualClock } from "@mirage-ts/tcpip";
import { itRequiring, missingTools } from "@mirage-ts/test-support";
import { describe, expect, it } from "vitest";
import { runUntil } from "./helpers/simulation.js";
import { IP_B, MAC_A, MAC_B, host, lab } from "./helpers/stacks.js";

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe("PcapWriter", () => {
  it("writes the libpcap header and one record per frame with its timestamp", () => {
    const clock = new VirtualClock(1500.25);
    const chunks: Uint8Array[] = [];
    const writer = new PcapWriter({ sink: (c) => chunks.push(c), clock, epochMs: 1_700_000_000_000, snaplen: 8 });
    writer.record(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    expect(writer.records).toBe(1);
    const bytes = concat(chunks);
    const view = new DataView(bytes.buffer);
    expect([view.getUint32(0, true), view.getUint16(4, true), view.getUint16(6, true)]).toEqual([0xa1b2c3d4, 2, 4]);
    expect([view.getUint32(16, true), view.getUint32(20, true)]).toEqual([8, 1]);
    expect([view.getUint32(24, true), view.getUint32(28, true)]).toEqual([1_700_000_001, 500_250]);
    expect([view.getUint32(32, true), view.getUint32(36, true)]).toEqual([8, 10]);
    expect([...bytes.subarray(40)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => new PcapWriter({ sink: () => undefined, clock, snaplen: 0 })).toThrow(RangeError);
  });

  itRequiring(
    missingTools("tcpdump"),
    "records what a stack sends and receives through PcapNetwork, readable by tcpdump",
    {},
    async () => {
      const l = lab();
      const chunks: Uint8Array[] = [];
      const writer = new PcapWriter({ sink: (c) => chunks.push(c), clock: l.clock, epochMs: Date.UTC(2026, 0, 1) });
      const netif = new PcapNetwork(l.sw.connect({ mac: MAC_A }), writer);
      const a = await Ipv4Stack.connect({
        netif,
        clock: l.clock,
        random: l.random,
        config: { cidr: Ipv4Prefix.parse("10.0.0.1/24") },
      });
      await host(l, MAC_B, "10.0.0.2/24");
      const reply = await runUntil(l.clock, a.icmp.ping(IP_B));
      expect(reply.ok).toBe(true);
      // GARP, ARP request, ARP reply, echo request, echo reply (B's GARP too).
      expect(writer.records).toBe(6);
      expect(netif.mac().equals(MAC_A)).toBe(true);
      expect(netif.mtu()).toBe(1500);
      const dir = mkdtempSync(join(tmpdir(), "tcpip-pcap-"));
      try {
        const file = join(dir, "ping.pcap");
        writeFileSync(file, concat(chunks));
        const text = execFileSync("tcpdump", ["-n", "-r", file], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
        expect(text).toContain("ARP, Request who-has 10.0.0.2 tell 10.0.0.1");
        expect(text).toContain("ARP, Reply 10.0.0.2 is-at 02:00:00:00:00:0b");
        expect(text).toContain("10.0.0.1 > 10.0.0.2: ICMP echo request");
        expect(text).toContain("10.0.0.2 > 10.0.0.1: ICMP echo reply");
        expect(text.trim().split("\n")).toHaveLength(6);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
