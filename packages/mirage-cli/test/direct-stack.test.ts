// The examples configured with `--net=direct`: built in a temporary copy, run on mirage-ts's own
// TCP/IP stack against the Linux kernel in a network namespace (over a socat UDP tunnel and over a
// tap; the address static after `--no-dhcp`, else from dnsmasq), and reached from the kernel side.
// static-website is also built with `--net=socket` and held to the same checks on the host's
// sockets, run in a second namespace behind a veth so curl and the SYN flood cross a link to it.
import { createHash, randomBytes } from "node:crypto";
import {
  Namespace,
  describeRequiring,
  interfaceName,
  itRequiring,
  missingNamespaces,
  missingScapy,
  missingTapAddon,
  startDnsmasq,
  synFloodScript,
  waitFor,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { COMMAND_MS, RUN_TEST_MS, WAIT_MS, buildsMs, transferMs } from "./support/limits.js";
import { talk } from "./support/network-example.js";
import { built, removeProject } from "./support/project.js";
import {
  KERNEL,
  KERNEL_DUAL,
  KERNEL_IP,
  KERNEL_IP6,
  type Running,
  socketPeer,
  udpInterface,
  unikernel,
} from "./support/unikernel-link.js";

const UNIKERNEL_IP = "10.99.0.2";
const UNIKERNEL_IP6 = "fd00:99::2";
const FLOOD = 3000;
// The SYN flood of the static-website checks needs scapy; the tap cases need the native addon too.
const unavailable = missingNamespaces("nc", "curl", "dnsmasq", "/usr/bin/python3") ?? missingScapy();
const noTap = unavailable ?? missingTapAddon();

/** The frames the kernel has sent out of `ns`'s link `tap` (the tap or the veth end) towards the unikernel. */
async function sentFrames(ns: Namespace, tap: string): Promise<number> {
  const r = await ns.run("cat", [`/sys/class/net/${tap}/statistics/tx_packets`]);
  expect(r.code, r.stderr).toBe(0);
  return Number(r.stdout.toString());
}

/** The backends static-website is checked on, and how the test names say each. */
const BACKENDS = {
  tap: "--net=direct over a tap",
  udp: "--net=direct over a UDP tunnel",
  socket: "--net=socket (host sockets) over a veth",
} as const;
type Backend = keyof typeof BACKENDS;

/** A running static-website, with its stack's count of TCP segments received where the test can read it. */
interface Website {
  readonly uk: Running;
  readonly tcpSegmentsIn?: () => Promise<number>;
}

/** Tcp InSegs from the text of /proc/net/snmp. */
function tcpInSegs(snmp: string): number {
  const [names, values] = snmp
    .split("\n")
    .filter((line) => line.startsWith("Tcp:"))
    .map((line) => line.split(/\s+/u));
  const at = names?.indexOf("InSegs") ?? -1;
  const count = Number(values?.[at]);
  if (at < 0 || !Number.isSafeInteger(count)) throw new Error(`no Tcp InSegs in /proc/net/snmp:\n${snmp}`);
  return count;
}

/**
 * The static-website checks, whatever the stack: the site serves `big.bin` (= `big`) at
 * UNIKERNEL_IP:80 at the far end of `ns`'s link, and curl reaches it from the kernel side. After
 * the HTTP checks, a flood of spoofed SYNs goes out of that link at it, and the site must still
 * serve the 10 MB file intact.
 */
async function checkWebsite(ns: Namespace, tap: string, { uk, tcpSegmentsIn }: Website, big: Buffer): Promise<void> {
  await waitFor("the unikernel to listen", () => uk.stderr().includes("serving on port 80"));
  const url = (path: string) => `http://${UNIKERNEL_IP}${path}`;
  const curl = async (...args: string[]) => {
    const r = await ns.run("curl", ["-sS", "--max-time", String(transferMs(big.length) / 1000), ...args]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  // Two requests on one connection: curl connects once.
  const reuse = await curl(
    "-o",
    "/dev/null",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code} %{num_connects} %{content_type}\n",
    url("/"),
    url("/css/site.css"),
  );
  expect(reuse.toString()).toBe("200 1 text/html; charset=utf-8\n200 0 text/css; charset=utf-8\n");
  // Field order carries no meaning (the web's Headers sorts them): each field is checked on its own.
  const head = (await curl("-I", url("/alphabet.txt"))).toString();
  expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/u);
  expect(head).toMatch(/\r\nContent-Length: 37\r\n/u);
  expect(head).toMatch(/\r\nAccept-Ranges: bytes\r\n/u);
  expect((await curl("-o", "/dev/null", "-w", "%{http_code}", url("/missing"))).toString()).toBe("404");
  expect((await curl("-r", "10-15", url("/alphabet.txt"))).toString()).toBe("abcdef");
  expect((await curl("-o", "/dev/null", "-w", "%{http_code}", "-r", "99-", url("/alphabet.txt"))).toString()).toBe(
    "416",
  );
  const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
  const body = await curl(url("/big.bin"));
  expect(body.length).toBe(big.length);
  expect(sha256(body)).toBe(sha256(big));
  const tail = await curl("-r", `${big.length - 1000}-`, url("/big.bin"));
  expect(tail.equals(big.subarray(big.length - 1000))).toBe(true);
  expect(uk.stderr()).toContain(`"GET /big.bin HTTP/1.1" 200 ${big.length}`);
  // Thousands of spoofed SYNs (tcpip's scapy fixture) out of the link, then the site must still serve curl.
  const neigh = (await ns.run("ip", ["neigh", "show", UNIKERNEL_IP])).stdout.toString();
  const mac = /lladdr ([0-9a-f:]{17})/u.exec(neigh)?.[1];
  expect(mac, neigh).toBeDefined();
  const sentBefore = await sentFrames(ns, tap);
  const segmentsBefore = await tcpSegmentsIn?.();
  const flood = await ns.run("/usr/bin/python3", [synFloodScript, tap, mac!, UNIKERNEL_IP, "80", String(FLOOD)], {
    timeoutMs: COMMAND_MS,
  });
  expect(flood.code, flood.stderr).toBe(0);
  expect(JSON.parse(flood.stdout.toString())).toEqual({ syns: FLOOD });
  // The flood left by the link (the counters also take ARP and curl's segments, hence >=), and
  // where the stack's counter can be read, its TCP took them in.
  expect((await sentFrames(ns, tap)) - sentBefore).toBeGreaterThanOrEqual(FLOOD);
  if (tcpSegmentsIn !== undefined && segmentsBefore !== undefined)
    expect((await tcpSegmentsIn()) - segmentsBefore).toBeGreaterThanOrEqual(FLOOD);
  expect(sha256(await curl(url("/big.bin")))).toBe(sha256(big));
}

describeRequiring(
  unavailable,
  "examples on the direct stack, and on host sockets behind a veth (netns)",
  { timeout: RUN_TEST_MS },
  () => {
    let fixed = "";
    let dhcp = "";
    let echo = "";
    let website = "";
    let socketWebsite = "";
    // Served from the directory at run time (`--kv_ro=direct`): crunching 10 MB into the bundle
    // would only slow the build.
    const big = randomBytes(10 << 20);

    beforeAll(async () => {
      [fixed, dhcp, echo, website, socketWebsite] = await Promise.all([
        built("network", ["--net=direct", "--no-dhcp"]),
        built("network", ["--net=direct"]),
        built("tcp-echo", ["--net=direct", "--no-dhcp"]),
        built("static-website", ["--net=direct", "--no-dhcp", "--kv_ro=direct"], { "htdocs/big.bin": big }),
        built("static-website", ["--net=socket", "--kv_ro=direct"], { "htdocs/big.bin": big }),
      ]);
    }, buildsMs(5));

    afterAll(async () => {
      await Promise.all([fixed, dhcp, echo, website, socketWebsite].filter((d) => d !== "").map(removeProject));
    });

    it("network --net=direct --no-dhcp over a UDP tunnel logs a kernel peer and what it sent", async () => {
      const ns = Namespace.create("mirage-cli");
      const tap = interfaceName("mc");
      try {
        const spec = await udpInterface(ns, tap);
        const uk = unikernel(ns, fixed, "dist/network.mjs", [
          `--interface=${spec}`,
          `--ipv4=${UNIKERNEL_IP}/24`,
          "--port=8080",
        ]);
        await talk(ns, uk, UNIKERNEL_IP, 8080, "hello over udp");
        expect(uk.stderr()).toContain(`[INFO] [arp] sending gratuitous ARP for ${UNIKERNEL_IP}`);
      } finally {
        await ns.remove();
      }
    });

    itRequiring(
      noTap,
      "network --net=direct --no-dhcp over a tap logs a kernel peer and what it sent",
      {},
      async () => {
        const ns = Namespace.create("mirage-cli");
        const tap = interfaceName("mc");
        try {
          const uk = unikernel(ns, fixed, "dist/network.mjs", [
            `--interface=tap:${tap}`,
            `--ipv4=${UNIKERNEL_IP}/24`,
            "--port=9090",
          ]);
          await ns.adopt(tap, KERNEL);
          await talk(ns, uk, UNIKERNEL_IP, 9090, "hello over a tap");
        } finally {
          await ns.remove();
        }
      },
    );

    itRequiring(
      noTap,
      "network --net=direct over a tap takes its address from dnsmasq and serves on it",
      {},
      async () => {
        const ns = Namespace.create("mirage-cli");
        const tap = interfaceName("mc");
        try {
          const leased = "10.99.0.50";
          const uk = unikernel(ns, dhcp, "dist/network.mjs", [`--interface=tap:${tap}`]);
          await ns.adopt(tap, KERNEL);
          await startDnsmasq(ns, tap, `${leased},${leased},255.255.255.0,1h`);
          await talk(ns, uk, leased, 8080, "hello after DHCP");
          expect(uk.stderr()).toContain(`[INFO] [arp] sending gratuitous ARP for ${leased}`);
        } finally {
          await ns.remove();
        }
      },
    );

    it("network --net=direct over a UDP tunnel takes its address from dnsmasq", async () => {
      const ns = Namespace.create("mirage-cli");
      const tap = interfaceName("mc");
      try {
        const leased = "10.99.0.60";
        const spec = await udpInterface(ns, tap);
        await startDnsmasq(ns, tap, `${leased},${leased},255.255.255.0,1h`);
        const uk = unikernel(ns, dhcp, "dist/network.mjs", [`--interface=${spec}`, "--port=8081"]);
        await talk(ns, uk, leased, 8081, "hello after DHCP over udp");
      } finally {
        await ns.remove();
      }
    });

    it("tcp-echo --net=direct over a UDP tunnel echoes what the kernel sends", async () => {
      const ns = Namespace.create("mirage-cli");
      const tap = interfaceName("mc");
      try {
        const spec = await udpInterface(ns, tap);
        const uk = unikernel(ns, echo, "dist/tcp-echo.mjs", [`--interface=${spec}`, `--ipv4=${UNIKERNEL_IP}/24`]);
        await waitFor("the unikernel to listen", () => uk.stderr().includes("echoing on port 7"));
        const text = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join("");
        const echoed = await ns.run("nc", ["-N", "-w", String(WAIT_MS / 1000), UNIKERNEL_IP, "7"], { input: text });
        expect(echoed.code, echoed.stderr).toBe(0);
        expect(echoed.stdout.toString()).toBe(text);
        await waitFor("the unikernel to log the close", () => uk.stderr().includes("closed after"));
        expect(uk.stderr()).toContain(`[INFO] [tcp-echo] ${KERNEL_IP}:`);
        expect(uk.stderr()).toContain(`closed after ${text.length} bytes`);
      } finally {
        await ns.remove();
      }
    });

    /** Starts static-website on `backend` at UNIKERNEL_IP:80, at the far end of `ns`'s link. */
    async function startWebsite(ns: Namespace, tap: string, backend: Backend): Promise<Website> {
      const args = [`--ipv4=${UNIKERNEL_IP}/24`, "--port=80"];
      if (backend === "socket") {
        const peer = socketPeer(ns, tap, UNIKERNEL_IP);
        const uk = unikernel(peer, socketWebsite, "dist/static-website.mjs", args, { inside: true });
        return {
          uk,
          tcpSegmentsIn: async () => tcpInSegs((await peer.run("cat", ["/proc/net/snmp"])).stdout.toString()),
        };
      }
      const spec = backend === "tap" ? `tap:${tap}` : await udpInterface(ns, tap);
      const uk = unikernel(ns, website, "dist/static-website.mjs", [`--interface=${spec}`, ...args]);
      if (backend === "tap") await ns.adopt(tap, KERNEL);
      return { uk };
    }

    // One check list for every backend, so the direct stack and the host's sockets are held to the same site.
    for (const backend of ["tap", "udp", "socket"] as const) {
      const missing = backend === "tap" ? noTap : undefined;
      const title =
        `static-website ${BACKENDS[backend]} serves curl: ` +
        "keep-alive, HEAD, 404, ranges, 10 MB intact, and a SYN flood";
      itRequiring(missing, title, { timeout: RUN_TEST_MS + 2 * transferMs(big.length) + COMMAND_MS }, async () => {
        const ns = Namespace.create("mirage-cli");
        const tap = interfaceName("mc");
        try {
          await checkWebsite(ns, tap, await startWebsite(ns, tap, backend), big);
        } finally {
          await ns.remove();
        }
      });
    }

    const dualTitle =
      "static-website --net=direct (genericStackv4v6) answers curl -6 and curl -4 with the 10 MB file intact, " +
      "and curl -6 again after an IPv6 SYN flood";
    it(dualTitle, { timeout: RUN_TEST_MS + 3 * transferMs(big.length) + COMMAND_MS }, async () => {
      const ns = Namespace.create("mirage-cli", { ipv6: true });
      const tap = interfaceName("mc");
      try {
        const spec = await udpInterface(ns, tap, KERNEL_DUAL);
        const uk = unikernel(ns, website, "dist/static-website.mjs", [
          `--interface=${spec}`,
          `--ipv4=${UNIKERNEL_IP}/24`,
          `--ipv6=${UNIKERNEL_IP6}/64`,
          "--port=80",
        ]);
        await waitFor("DAD of the IPv6 address", () => uk.stderr().includes(`DAD: ${UNIKERNEL_IP6} is preferred`));
        await waitFor("the unikernel to listen", () => uk.stderr().includes("serving on port 80"));
        const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
        const fetch = async (family: "-4" | "-6", host: string) => {
          const r = await ns.run("curl", [
            family,
            "-sS",
            "--max-time",
            String(transferMs(big.length) / 1000),
            `http://${host}/big.bin`,
          ]);
          expect(r.code, r.stderr).toBe(0);
          expect(sha256(r.stdout), family).toBe(sha256(big));
        };
        await fetch("-6", `[${UNIKERNEL_IP6}]`);
        await fetch("-4", UNIKERNEL_IP);
        // One listener served both families: the access log names the kernel's address of each.
        for (const peer of [KERNEL_IP6, KERNEL_IP.replaceAll(".", "\\.")]) {
          expect(uk.stderr()).toMatch(new RegExp(`${peer}:\\d+ "GET /big\\.bin HTTP/1\\.1" 200 ${big.length}`, "u"));
        }
        // An IPv6 SYN flood (SYN cookies over IPv6; on-link sources wait on ND), then curl -6 still gets the file.
        const neigh = (await ns.run("ip", ["-6", "neigh", "show", UNIKERNEL_IP6])).stdout.toString();
        const mac = /lladdr ([0-9a-f:]{17})/u.exec(neigh)?.[1];
        expect(mac, neigh).toBeDefined();
        const flood = await ns.run(
          "/usr/bin/python3",
          [synFloodScript, tap, mac!, UNIKERNEL_IP6, "80", String(FLOOD)],
          {
            timeoutMs: COMMAND_MS,
          },
        );
        expect(flood.code, flood.stderr).toBe(0);
        expect(JSON.parse(flood.stdout.toString())).toEqual({ syns: FLOOD });
        await fetch("-6", `[${UNIKERNEL_IP6}]`);
      } finally {
        await ns.remove();
      }
    });

    it("network --net=direct with a malformed --interface fails with the accepted forms", async () => {
      const ns = Namespace.create("mirage-cli");
      try {
        const uk = unikernel(ns, fixed, "dist/network.mjs", ["--interface=udp:nope"]);
        const code = await new Promise<number | null>((resolve) => uk.child.on("exit", resolve));
        expect(code).not.toBe(0);
        expect(uk.stderr()).toContain("expected tap:NAME, NAME or udp:LOCAL,REMOTE");
      } finally {
        await ns.remove();
      }
    });
  },
);
