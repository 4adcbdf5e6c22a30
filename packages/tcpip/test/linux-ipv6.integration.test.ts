// IPv6 interop with the Linux kernel in a network namespace, over both NETWORK backends (a socat UDP
// tunnel, and the tap fd): `ping -6` up to 8000 bytes (fragments both ways), the kernel's neighbour
// entry REACHABLE, the stack pinging the kernel with a fragmented request, `curl -6` fetching 10 MB
// from the dual-stack DirectStack with equal SHA-256 and the same server answering `curl -4`; the
// kernel's port unreachable reaching the UDP application over both families; SLAAC from radvd
// running in the namespace; and MLDv2 as tcpdump reads it: joins repeated, queries sent with scapy
// answered, the groups left when the stack stops; and IPv6 disabled when the kernel holds the
// unikernel's link-local address and defends it against its DAD probe (RFC 4862 §5.4.5).

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRequiring, missingScapy, missingTools, startRadvd } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LAB_MS, TEST_MS, transferMs } from "./helpers/limits.js";
import { type Backend, type Driver, FIXTURES, Lab, interopUnavailable, missingBackend } from "./helpers/stack-lab.js";

const unavailable = interopUnavailable(["curl", "tcpdump"]);
const UNIKERNEL = "2001:db8:99::2";
const TEN_MB = 10 * 1024 * 1024;

interface Ipv6State {
  addresses: { cidr: string; origin: string; state: string }[];
  routers: string[];
  neighbours: { ip: string; state: string }[];
}

async function ipv6State(driver: Driver): Promise<Ipv6State> {
  return (await driver.command({ cmd: "ipv6" }, "ipv6")) as unknown as Ipv6State;
}

async function waitForPreferred(driver: Driver, cidr: string): Promise<Ipv6State> {
  for (let i = 0; i < 100; i++) {
    const state = await ipv6State(driver);
    if (state.addresses.some((a) => a.cidr === cidr && a.state === "preferred")) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${cidr} never became preferred: ${JSON.stringify(await ipv6State(driver))}`);
}

for (const backend of ["socat", "tap"] as const satisfies readonly Backend[]) {
  describeRequiring(
    unavailable ?? missingBackend(backend),
    `Linux IPv6 interop over the ${backend} backend`,
    {},
    () => {
      let lab: Lab;
      const dir = mkdtempSync(join(tmpdir(), "tcpip-ipv6-"));
      const pcap = join(dir, "capture.pcap");
      let driver: Driver;

      beforeAll(async () => {
        lab = await Lab.start(backend, {
          cidr: "10.99.0.2/24",
          gateway: "10.99.0.1",
          direct: true,
          ipv6: `${UNIKERNEL}/64`,
          pcap,
        });
        driver = lab.driver;
        await waitForPreferred(driver, `${UNIKERNEL}/64`);
      }, LAB_MS);

      afterAll(async () => {
        await lab?.remove();
        rmSync(dir, { recursive: true, force: true });
      }, LAB_MS);

      it(
        "answers `ping -6` of 56, 1400 and 8000 bytes (fragmented both ways)",
        async () => {
          for (const size of [56, 1400, 8000]) {
            const output = lab.ns.exec("ping", [
              "-6",
              "-c",
              "3",
              "-s",
              String(size),
              "-i",
              "0.2",
              "-W",
              "2",
              UNIKERNEL,
            ]);
            console.log(`[tcpip] ${backend}: ping -6 -s ${size}: ${output.trim().split("\n").at(-2)}`);
            expect(output).toMatch(/3 packets transmitted, 3 received/);
          }
          const { stats } = (await driver.command({ cmd: "stats" }, "stats")) as unknown as {
            stats: { ipv6: { reassembly: { reassembled: number }; txFragments: number } };
          };
          expect(stats.ipv6.reassembly.reassembled).toBeGreaterThanOrEqual(3);
          expect(stats.ipv6.txFragments).toBeGreaterThanOrEqual(3 * 6);
        },
        TEST_MS,
      );

      it("is REACHABLE in the kernel's IPv6 neighbour table", () => {
        lab.ns.exec("ping", ["-6", "-c", "1", "-W", "2", UNIKERNEL]);
        const neigh = lab.ns.exec("ip", ["-6", "neigh", "show", UNIKERNEL, "dev", lab.tap]);
        console.log(`[tcpip] ${backend}: ip -6 neigh: ${neigh.trim()}`);
        expect(neigh).toContain("lladdr 02:00:00:00:00:02");
        expect(neigh).toContain("REACHABLE");
      });

      it(
        "pings the kernel over IPv6 with a fragmented request, and knows it as a neighbour",
        async () => {
          expect(await driver.command({ cmd: "ping", dst: "2001:db8:99::1" }, "ping")).toMatchObject({ ok: true });
          expect(await driver.command({ cmd: "ping", dst: "2001:db8:99::1", size: 4000 }, "ping")).toMatchObject({
            ok: true,
          });
          const state = await ipv6State(driver);
          expect(state.neighbours.find((n) => n.ip === "2001:db8:99::1")?.state).toMatch(/reachable|stale|delay/);
        },
        TEST_MS,
      );

      it(
        "delivers the kernel's port unreachable to the UDP application (Udp.onIcmpError), IPv4 and IPv6",
        async () => {
          for (const [dst, srcPort, type, code] of [
            ["10.99.0.1", 4004, 3, 3],
            ["2001:db8:99::1", 4006, 1, 4],
          ] as const) {
            expect(await driver.command({ cmd: "udp-send", dst, port: 9, srcPort }, "udp-sent")).toMatchObject({
              ok: true,
            });
            const error = await driver.next("udp-icmp-error");
            console.log(`[tcpip] ${backend}: UDP to ${dst}:9 -> ${error.kind} from ${String(error.from)}`);
            expect(error).toMatchObject({ kind: "port_unreachable", from: dst, type, code, dst, dstPort: 9, srcPort });
            expect(error.quote).toEqual([...new TextEncoder().encode("hello")]);
          }
        },
        TEST_MS,
      );

      it("records IPv6 in a pcap that `tcpdump -r` reads: ND, MLDv2, fragments and echo", () => {
        const text = execFileSync("tcpdump", ["-n", "-r", pcap, "ip6"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
        console.log(`[tcpip] ${backend}: tcpdump -r read ${text.trim().split("\n").length} IPv6 packets`);
        expect(text).toMatch(/ICMP6, neighbor solicitation, who has 2001:db8:99::2/);
        expect(text).toMatch(/ICMP6, neighbor advertisement, tgt is 2001:db8:99::2/);
        expect(text).toMatch(/multicast listener report v2/);
        expect(text).toMatch(/2001:db8:99::2 > 2001:db8:99::1: frag \(0\|1448\) ICMP6, echo reply/);
      });

      it(
        "serves 10 MB to `curl -6` with equal SHA-256, and the same listener answers `curl -4`",
        async () => {
          const serving = (await driver.command(
            { cmd: "http-serve", port: 80, bytes: TEN_MB },
            "http-serving",
          )) as unknown as {
            sha256: string;
          };
          for (const [flag, host] of [
            ["-6", `[${UNIKERNEL}]`],
            ["-4", "10.99.0.2"],
          ] as const) {
            const out = lab.ns.exec(
              "sh",
              ["-c", `curl -sS ${flag} --max-time 120 http://${host}/ | sha256sum`],
              transferMs(TEN_MB),
            );
            console.log(`[tcpip] ${backend}: curl ${flag}: ${out.trim()}`);
            expect(out.split(" ")[0]).toBe(serving.sha256);
          }
        },
        2 * transferMs(TEN_MB) + TEST_MS,
      );
    },
  );
}

// Without a pcap in between, the tap offers its offloads: TCP over IPv6 and IPv4 goes out in 64 KiB
// writes with partial checksums (TSO6 and TSO4), which the kernel cuts and checksums.
describeRequiring(unavailable ?? missingBackend("tap"), "IPv6 and IPv4 TCP over the tap with offloads", {}, () => {
  let lab: Lab;
  let driver: Driver;

  beforeAll(async () => {
    lab = await Lab.start("tap", {
      cidr: "10.99.0.2/24",
      gateway: "10.99.0.1",
      direct: true,
      ipv6: `${UNIKERNEL}/64`,
    });
    driver = lab.driver;
    await waitForPreferred(driver, `${UNIKERNEL}/64`);
  }, LAB_MS);

  afterAll(async () => {
    await lab?.remove();
  }, LAB_MS);

  it(
    "serves 10 MB to `curl -6` and `curl -4` with equal SHA-256, in segments of up to 64 KiB",
    async () => {
      const serving = await driver.command({ cmd: "http-serve", port: 80, bytes: TEN_MB }, "http-serving");
      for (const [flag, host] of [
        ["-6", `[${UNIKERNEL}]`],
        ["-4", "10.99.0.2"],
      ] as const) {
        const out = lab.ns.exec(
          "sh",
          ["-c", `curl -sS ${flag} --max-time 120 http://${host}/ | sha256sum`],
          transferMs(TEN_MB),
        );
        expect(out.split(" ")[0]).toBe(serving.sha256);
      }
      const { stats, offloads } = (await driver.command({ cmd: "stats" }, "stats")) as unknown as {
        stats: { tcp: { segmentsOut: number }; tcp6: { segmentsOut: number } };
        offloads: unknown;
      };
      expect(offloads).toMatchObject({ checksum: true, tcpv4: true, tcpv6: true });
      // One write per 64 KiB or so, far fewer than one per 1440 bytes.
      for (const layer of [stats.tcp, stats.tcp6]) expect(layer.segmentsOut).toBeLessThan(TEN_MB / 1440 / 4);
    },
    2 * transferMs(TEN_MB) + TEST_MS,
  );
});

const radvdMissing = unavailable ?? missingBackend("tap") ?? missingTools("radvd");

describeRequiring(radvdMissing, "SLAAC from radvd in a namespace", {}, () => {
  let lab: Lab;
  let driver: Driver;

  beforeAll(async () => {
    lab = await Lab.start("tap", { cidr: "10.99.0.2/24", direct: true, ipv6: "" });
    driver = lab.driver;
  }, LAB_MS);

  afterAll(() => lab?.remove(), LAB_MS);

  it("forms an EUI-64 address from radvd's prefix, takes radvd's router, and answers `ping -6` on it", async () => {
    // The router's own address in the prefix it advertises: the kernel's route to the SLAAC address.
    lab.ns.configure(lab.tap, ["2001:db8:7::1/64"]);
    startRadvd(lab.ns, lab.tap, "2001:db8:7::/64");
    // 02:00:00:00:00:02 gives the modified EUI-64 identifier 0:ff:fe00:2.
    const slaac = "2001:db8:7::ff:fe00:2/64";
    const state = await waitForPreferred(driver, slaac);
    console.log(`[tcpip] radvd: ${JSON.stringify(state)}`);
    expect(state.addresses.find((a) => a.cidr === slaac)?.origin).toBe("slaac");
    expect(state.routers.length).toBe(1);
    expect(state.routers[0]).toMatch(/^fe80::/);
    const output = lab.ns.exec("ping", ["-6", "-c", "3", "-i", "0.2", "-W", "2", "2001:db8:7::ff:fe00:2"]);
    expect(output).toMatch(/3 packets transmitted, 3 received/);
  }, 60_000);
});

/** The MLDv2 reports the unikernel sent (from its link-local address or `::`), as `tcpdump -v` prints them. */
function mldReports(pcap: string): string[] {
  const text = execFileSync("tcpdump", ["-n", "-v", "-r", pcap, "ip6"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  // tcpdump -v prints the IPv6 addresses on the line after the header; join them back.
  return text
    .replace(/\n\s+/g, " ")
    .split("\n")
    .filter((line) => /(fe80::ff:fe00:2|::) > ff02::16: .*multicast listener report v2/.test(line));
}

async function waitForReports(pcap: string, pattern: RegExp, count: number): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const matching = mldReports(pcap).filter((line) => pattern.test(line));
    if (matching.length >= count) return matching;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} reports match ${pattern}: ${mldReports(pcap).join("\n")}`);
}

describeRequiring(unavailable ?? missingBackend("tap") ?? missingScapy(), "MLDv2 against Linux and scapy", {}, () => {
  let lab: Lab;
  const dir = mkdtempSync(join(tmpdir(), "tcpip-mld-"));
  const pcap = join(dir, "capture.pcap");
  const group = "ff02::1:ff00:2";
  let driver: Driver;

  beforeAll(async () => {
    lab = await Lab.start("tap", { cidr: "10.99.0.2/24", direct: true, ipv6: `${UNIKERNEL}/64`, pcap });
    driver = lab.driver;
    await waitForPreferred(driver, `${UNIKERNEL}/64`);
  }, LAB_MS);

  afterAll(async () => {
    await lab?.remove();
    rmSync(dir, { recursive: true, force: true });
  }, LAB_MS);

  it(
    "repeats its join, answers General and Address Specific Queries, and leaves its groups when it stops",
    async () => {
      // The join of fe80::ff:fe00:2's and 2001:db8:99::2's solicited-node group, sent twice (Robustness 2).
      const joins = await waitForReports(pcap, new RegExp(`gaddr ${group} to_ex`), 2);
      console.log(`[tcpip] MLD join: ${joins[0]}`);
      const script = join(FIXTURES, "mld-query.py");
      lab.ns.exec("/usr/bin/python3", [script, lab.tap]);
      const general = await waitForReports(pcap, new RegExp(`gaddr ${group} is_ex`), 1);
      console.log(`[tcpip] MLD answer to a General Query: ${general[0]}`);
      lab.ns.exec("/usr/bin/python3", [script, lab.tap, group]);
      await waitForReports(pcap, new RegExp(`gaddr ${group} is_ex`), 2);
      const { stats } = (await driver.command({ cmd: "stats" }, "stats")) as unknown as {
        stats: { ipv6: { ndp: { mldQueries: number; mldReports: number } } };
      };
      expect(stats.ipv6.ndp.mldQueries).toBe(2);
      await driver.stop();
      const leave = await waitForReports(pcap, new RegExp(`gaddr ${group} to_in`), 1);
      console.log(`[tcpip] MLD leave at stop: ${leave[0]}`);
    },
    TEST_MS,
  );
});

describeRequiring(
  unavailable ?? missingBackend("tap"),
  "a duplicate link-local address, defended by Linux, disables IPv6",
  {},
  () => {
    let lab: Lab;
    let driver: Driver;

    beforeAll(async () => {
      // Five DAD probes 1 s apart, so the kernel holds the address before the last one.
      lab = await Lab.start("tap", { cidr: "10.99.0.2/24", direct: true, ipv6: `${UNIKERNEL}/64`, dadTransmits: 5 });
      driver = lab.driver;
    }, LAB_MS);

    afterAll(() => lab?.remove(), LAB_MS);

    it(
      "disables IPv6 on the interface, says why, and answers nothing over IPv6 any more",
      async () => {
        // The unikernel's EUI-64 link-local address (MAC 02:00:00:00:00:02), held by the kernel.
        lab.ns.exec("ip", ["-6", "addr", "add", "fe80::ff:fe00:2/64", "dev", lab.tap, "nodad"]);
        let state = (await driver.command({ cmd: "ipv6" }, "ipv6")) as unknown as { disabled?: string };
        for (let i = 0; i < 100 && state.disabled === undefined; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          state = (await driver.command({ cmd: "ipv6" }, "ipv6")) as unknown as { disabled?: string };
        }
        console.log(`[tcpip] link-local DAD against Linux: ${state.disabled}`);
        expect(state.disabled).toMatch(/link-local address fe80::ff:fe00:2 used by another node; IPv6 is disabled/);
        expect(() => lab.ns.exec("ping", ["-6", "-c", "1", "-W", "1", UNIKERNEL])).toThrow();
        const { stats } = (await driver.command({ cmd: "stats" }, "stats")) as unknown as {
          stats: { ipv6: { rxDisabled: number; ndp: { linkLocalConflicts: number } } };
        };
        expect(stats.ipv6.ndp.linkLocalConflicts).toBe(1);
        expect(stats.ipv6.rxDisabled).toBeGreaterThan(0);
        // IPv4 goes on.
        expect(lab.ns.exec("ping", ["-c", "1", "-W", "2", "10.99.0.2"])).toMatch(/1 received/);
      },
      TEST_MS,
    );
  },
);
