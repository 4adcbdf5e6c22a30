// The per-layer devices (netif → ethif → arp → createIpv4 or ipv4OfDhcp → directUdp/directTcp →
// directStackv4v6) composed in a config.ts around the `network` example's unikernel: configured,
// built (the generated main.ts type-checks against tcpip), and run on mirage-ts's own stack against
// the Linux kernel in a network namespace, over a socat UDP tunnel.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  Namespace,
  describeRequiring,
  interfaceName,
  itRequiring,
  missingNamespaces,
  missingTools,
  startDnsmasq,
  startRadvd,
  waitFor,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RUN_TEST_MS, WAIT_MS, buildsMs } from "./support/limits.js";
import { talk } from "./support/network-example.js";
import { ROOT, mirage, project, removeProject } from "./support/project.js";
import { KERNEL_DUAL, KERNEL_IP6, udpInterface, unikernel } from "./support/unikernel-link.js";
import { constraintLine } from "./support/versions.js";

const UNIKERNEL_IP = "10.99.0.2";
const UNIKERNEL_IP6 = "fd00:99::2";
const unavailable = missingNamespaces("nc", "ping", "dnsmasq");

/** A config.ts composing the stack layer by layer; `ipv4` is the expression of the IPv4 device. */
function config(ipv4: string): string {
  return [
    constraintLine(),
    "import { arp, createIpv4, defaultNetwork, directStackv4v6, ethif, fn, ipv4OfDhcp, job, main, register, " +
      'stackv4v6 } from "@mirage-ts/mirage-cli";',
    "",
    "const eth = ethif(defaultNetwork);",
    "const link = arp(eth);",
    `const ip = ${ipv4};`,
    'const network = main({ module: "./unikernel.js", name: "Network", type: fn(stackv4v6, job) });',
    "",
    'register("network", [network.$(directStackv4v6(defaultNetwork, eth, link, ip))]);',
    "",
  ].join("\n");
}

/** A project with the network example's unikernel and `config`, configured for unix and built. */
async function built(configTs: string): Promise<string> {
  const example = join(ROOT, "examples", "network");
  const dir = await project({
    "config.ts": configTs,
    "unikernel.ts": await readFile(join(example, "unikernel.ts"), "utf8"),
    "package.json": await readFile(join(example, "package.json"), "utf8"),
  });
  const configured = await mirage(dir, ["configure", "-t", "unix"]);
  expect(configured.code, configured.stderr).toBe(0);
  const build = await mirage(dir, ["build", "-q"]);
  expect(build.code, build.stderr).toBe(0);
  return dir;
}

/** The kernel's count of ICMP destination unreachable messages received in the namespace. */
async function destUnreachables(ns: Namespace): Promise<number> {
  const snmp = (await ns.run("cat", ["/proc/net/snmp"])).stdout.toString();
  const [names = "", values = ""] = snmp.split("\n").filter((line) => line.startsWith("Icmp:"));
  return Number(values.split(" ")[names.split(" ").indexOf("InDestUnreachs")]);
}

describeRequiring(unavailable, "the per-layer devices on the direct stack (netns)", { timeout: RUN_TEST_MS }, () => {
  let fixed = "";
  let dhcp = "";

  beforeAll(async () => {
    [fixed, dhcp] = await Promise.all([
      built(config("createIpv4(eth, link)")),
      built(config("ipv4OfDhcp(defaultNetwork, eth, link)")),
    ]);
  }, buildsMs(2));

  afterAll(async () => {
    await Promise.all([fixed, dhcp].filter((d) => d !== "").map(removeProject));
  });

  it("generates one stack that receives every layer", async () => {
    const main = await readFile(join(fixed, "mirage", "main.ts"), "utf8");
    expect(main).toMatch(
      new RegExp(
        String.raw`DirectStack\.ofLayers\(\{ netif: _netif__\d+, ethernet: _ethernetlayer__\d+, arp: _arplayer__\d+, ` +
          String.raw`ipv4: _ipv4layer__\d+, icmp: _icmpv4layer__\d+, udp: _udplayer__\d+, tcp: _tcplayer__\d+, ` +
          String.raw`ipv6Only: !_dualip__\d+\.usesIpv4, .*DirectStack\.ipv6Transports\(_dualip__\d+\.ipv6, `,
        "u",
      ),
    );
    expect(main.match(/new Icmpv4Layer\(/gu)).toHaveLength(1);
    expect(main.match(/Ipv6Layer\.connect\(/gu)).toHaveLength(1);
    expect(await readFile(join(dhcp, "mirage", "main.ts"), "utf8")).toMatch(
      new RegExp(
        String.raw`DhcpIpv4Layer\.connect\(_ethernetlayer__\d+, _arplayer__\d+, ` +
          String.raw`\{ netif: _netif__\d+, clock: _timers__\d+, random: _random__\d+ \}\)`,
        "u",
      ),
    );
  });

  it("createIpv4 over a UDP tunnel answers ping and logs a kernel nc peer and what it sent", async () => {
    const ns = Namespace.create("mirage-cli");
    const tap = interfaceName("mc");
    try {
      const spec = await udpInterface(ns, tap);
      const uk = unikernel(ns, fixed, "dist/network.mjs", [
        `--interface=${spec}`,
        `--ipv4=${UNIKERNEL_IP}/24`,
        "--port=8080",
      ]);
      await talk(ns, uk, UNIKERNEL_IP, 8080, "hello through the layers");
      expect(uk.stderr()).toContain(`[INFO] [arp] sending gratuitous ARP for ${UNIKERNEL_IP}`);
      const ping = await ns.run("ping", ["-c", "1", "-W", String(WAIT_MS / 1000), UNIKERNEL_IP]);
      expect(ping.code, ping.stdout.toString()).toBe(0);
      // A closed UDP port: the unikernel's UDP layer reports it to its ICMP layer, and the kernel counts it.
      const before = await destUnreachables(ns);
      await ns.run("nc", ["-u", "-w", "1", UNIKERNEL_IP, "9"], { input: "x\n" });
      let after = before;
      for (const end = Date.now() + WAIT_MS; after === before && Date.now() < end; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await destUnreachables(ns);
      }
      expect(after).toBe(before + 1);
    } finally {
      await ns.remove();
    }
  });

  it("directStackv4v6 is a dual stack: one listener answers nc -4 and nc -6, and ping -6 (createIpv6)", async () => {
    const ns = Namespace.create("mirage-cli", { ipv6: true });
    const tap = interfaceName("mc");
    try {
      const spec = await udpInterface(ns, tap, KERNEL_DUAL);
      const uk = unikernel(ns, fixed, "dist/network.mjs", [
        `--interface=${spec}`,
        `--ipv4=${UNIKERNEL_IP}/24`,
        `--ipv6=${UNIKERNEL_IP6}/64`,
        "--port=8080",
      ]);
      // The static address is usable once DAD passed (announced with an unsolicited NA).
      await waitFor("DAD of the IPv6 address", () => uk.stderr().includes(`DAD: ${UNIKERNEL_IP6} is preferred`));
      await talk(ns, uk, UNIKERNEL_IP6, 8080, "hello over IPv6", KERNEL_IP6);
      await talk(ns, uk, UNIKERNEL_IP, 8080, "hello over IPv4, same listener");
      const ping = await ns.run("ping", ["-6", "-c", "1", "-W", String(WAIT_MS / 1000), UNIKERNEL_IP6]);
      expect(ping.code, ping.stdout.toString()).toBe(0);
    } finally {
      await ns.remove();
    }
  });

  itRequiring(
    missingTools("radvd"),
    "ipv4OfDhcp with SLAAC: dnsmasq leases the IPv4 address, radvd's prefix gives the IPv6 one, both serve",
    {},
    async () => {
      const ns = Namespace.create("mirage-cli", { ipv6: true });
      const tap = interfaceName("mc");
      try {
        const leased = "10.99.0.71";
        const spec = await udpInterface(ns, tap, KERNEL_DUAL);
        await startDnsmasq(ns, tap, `${leased},${leased},255.255.255.0,1h`);
        startRadvd(ns, tap, "fd00:99::/64");
        const uk = unikernel(ns, dhcp, "dist/network.mjs", [`--interface=${spec}`, "--port=8083"]);
        // SLAAC gives an EUI-64 address of the unikernel's MAC in radvd's prefix, announced once DAD passed.
        const slaac = /DAD: (fd00:99::[0-9a-f:]+) is preferred/u;
        await waitFor("a SLAAC address from radvd's prefix", () => slaac.test(uk.stderr()));
        const address = slaac.exec(uk.stderr())?.[1] ?? "";
        await talk(ns, uk, leased, 8083, "hello to the DHCP address");
        await talk(ns, uk, address, 8083, "hello to the SLAAC address", KERNEL_IP6);
        expect(uk.stderr()).toContain(`[INFO] [arp] sending gratuitous ARP for ${leased}`);
        const ping = await ns.run("ping", ["-6", "-c", "1", "-W", String(WAIT_MS / 1000), address]);
        expect(ping.code, ping.stdout.toString()).toBe(0);
        // The kernel sees the unikernel's address as a neighbour on the tap.
        const neigh = await ns.run("ip", ["-6", "neigh", "show", address, "dev", tap]);
        expect(neigh.stdout.toString()).toMatch(/lladdr [0-9a-f:]{17}/u);
      } finally {
        await ns.remove();
      }
    },
  );

  it("ipv4OfDhcp over a UDP tunnel takes its address from dnsmasq and serves on it", async () => {
    const ns = Namespace.create("mirage-cli");
    const tap = interfaceName("mc");
    try {
      const leased = "10.99.0.70";
      const spec = await udpInterface(ns, tap);
      await startDnsmasq(ns, tap, `${leased},${leased},255.255.255.0,1h`);
      const uk = unikernel(ns, dhcp, "dist/network.mjs", [`--interface=${spec}`, "--port=8082"]);
      await talk(ns, uk, leased, 8082, "hello through the DHCP layer");
      expect(uk.stderr()).toContain(`[INFO] [arp] sending gratuitous ARP for ${leased}`);
    } finally {
      await ns.remove();
    }
  });
});
