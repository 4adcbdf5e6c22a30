// IPv6 interop with the Linux kernel in a network namespace, over both NETWORK backends (a socat UDP
// tunnel, and the tap fd): `ping -6` up to 8000 bytes (fragments both ways), the kernel's neighbour
// entry REACHABLE, the stack pinging the kernel with a fragmented request, `curl -6` fetching 10 MB
// from the dual-stack DirectStack with equal SHA-256 and the same server answering `curl -4`; and
// SLAAC from radvd running in the namespace.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRequiring, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LAB_MS, TEST_MS, transferMs } from "./helpers/limits.js";
import { type Backend, type Driver, Lab, interopUnavailable, missingBackend } from "./helpers/netns.js";

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
      const lab = new Lab();
      const dir = mkdtempSync(join(tmpdir(), "tcpip-ipv6-"));
      const pcap = join(dir, "capture.pcap");
      let driver: Driver;

      beforeAll(async () => {
        driver = await lab.start(backend, {
          cidr: "10.99.0.2/24",
          gateway: "10.99.0.1",
          direct: true,
          ipv6: `${UNIKERNEL}/64`,
          pcap,
        });
        await waitForPreferred(driver, `${UNIKERNEL}/64`);
      }, LAB_MS);

      afterAll(async () => {
        await lab.destroy();
        rmSync(dir, { recursive: true, force: true });
      }, LAB_MS);

      it(
        "answers `ping -6` of 56, 1400 and 8000 bytes (fragmented both ways)",
        async () => {
          for (const size of [56, 1400, 8000]) {
            const output = lab.exec("ping", ["-6", "-c", "3", "-s", String(size), "-i", "0.2", "-W", "2", UNIKERNEL]);
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
        lab.exec("ping", ["-6", "-c", "1", "-W", "2", UNIKERNEL]);
        const neigh = lab.exec("ip", ["-6", "neigh", "show", UNIKERNEL, "dev", lab.tap]);
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
            const out = lab.exec(
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
  const lab = new Lab();
  let driver: Driver;

  beforeAll(async () => {
    driver = await lab.start("tap", {
      cidr: "10.99.0.2/24",
      gateway: "10.99.0.1",
      direct: true,
      ipv6: `${UNIKERNEL}/64`,
    });
    await waitForPreferred(driver, `${UNIKERNEL}/64`);
  }, LAB_MS);

  afterAll(async () => {
    await lab.destroy();
  }, LAB_MS);

  it(
    "serves 10 MB to `curl -6` and `curl -4` with equal SHA-256, in segments of up to 64 KiB",
    async () => {
      const serving = await driver.command({ cmd: "http-serve", port: 80, bytes: TEN_MB }, "http-serving");
      for (const [flag, host] of [
        ["-6", `[${UNIKERNEL}]`],
        ["-4", "10.99.0.2"],
      ] as const) {
        const out = lab.exec(
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
  const lab = new Lab();
  let driver: Driver;

  beforeAll(async () => {
    driver = await lab.start("tap", { cidr: "10.99.0.2/24", direct: true, ipv6: "" });
  }, LAB_MS);

  afterAll(() => lab.destroy(), LAB_MS);

  it("forms an EUI-64 address from radvd's prefix, takes radvd's router, and answers `ping -6` on it", async () => {
    const dir = lab.exec("mktemp", ["-d"]).trim();
    const conf = join(dir, "radvd.conf");
    lab.exec("sh", [
      "-c",
      `printf 'interface ${lab.tap} { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; ` +
        `prefix 2001:db8:7::/64 { }; };\\n' > ${conf}`,
    ]);
    lab.spawn("radvd", ["-C", conf, "-p", join(dir, "radvd.pid"), "-n", "-m", "stderr"]);
    // 02:00:00:00:00:02 gives the modified EUI-64 identifier 0:ff:fe00:2.
    const slaac = "2001:db8:7::ff:fe00:2/64";
    const state = await waitForPreferred(driver, slaac);
    console.log(`[tcpip] radvd: ${JSON.stringify(state)}`);
    expect(state.addresses.find((a) => a.cidr === slaac)?.origin).toBe("slaac");
    expect(state.routers.length).toBe(1);
    expect(state.routers[0]).toMatch(/^fe80::/);
    const output = lab.exec("ping", ["-6", "-c", "3", "-i", "0.2", "-W", "2", "2001:db8:7::ff:fe00:2"]);
    expect(output).toMatch(/3 packets transmitted, 3 received/);
  }, 60_000);
});
