// The kernel-side daemons the tests run in a namespace, started in the foreground so that the
// namespace holds their pid and kills it (never by name), with their files in the namespace's
// directory.
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Namespace } from "./namespace.js";
import { waitFor } from "./wait.js";

/** A DHCP server started by {@link startDnsmasq}. */
export interface Dnsmasq {
  readonly child: ChildProcess;
  /** Its lease file. */
  readonly leases: string;
  /** Its log (with `--log-dhcp`: every DISCOVER, OFFER, REQUEST and ACK). */
  readonly log: string;
}

/**
 * Starts dnsmasq as a DHCP server only (no DNS) on `link`, leasing `range` (dnsmasq's
 * `--dhcp-range`, e.g. `10.99.0.50,10.99.0.150,255.255.255.0,1h`), with `options` added; resolves
 * once it listens on port 67, so that a client's first DISCOVER is answered.
 */
export async function startDnsmasq(
  ns: Namespace,
  link: string,
  range: string,
  options: readonly string[] = [],
): Promise<Dnsmasq> {
  const leases = join(ns.dir, "dnsmasq.leases");
  const log = join(ns.dir, "dnsmasq.log");
  const child = ns.spawn("dnsmasq", [
    "--keep-in-foreground",
    "--conf-file=/dev/null",
    `--interface=${link}`,
    "--except-interface=lo",
    "--bind-interfaces",
    "--port=0",
    `--dhcp-range=${range}`,
    `--dhcp-leasefile=${leases}`,
    "--pid-file=",
    `--log-facility=${log}`,
    "--log-dhcp",
    ...options,
  ]);
  await waitFor("dnsmasq to listen on port 67", () => {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited with ${child.exitCode}`);
    return ns.exec("ss", ["-Hlnu", "sport = :67"]).trim() !== "";
  });
  return { child, leases, log };
}

/**
 * Starts radvd on `link`, advertising `prefix` (a /64, autonomous and on-link) every 3 to 4 s, so
 * that a host on the link forms a SLAAC address. The namespace needs IPv6 on; its kernel is kept
 * from configuring itself from its own advertisements (it would then speak from an address of the
 * prefix that no test expects).
 */
export function startRadvd(ns: Namespace, link: string, prefix: string): ChildProcess {
  ns.sysctl(`net.ipv6.conf.${link}.accept_ra=0`, `net.ipv6.conf.${link}.autoconf=0`);
  const conf = join(ns.dir, "radvd.conf");
  writeFileSync(
    conf,
    `interface ${link} { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; prefix ${prefix} { }; };\n`,
  );
  return ns.spawn("radvd", ["--nodaemon", "-C", conf, "-p", join(ns.dir, "radvd.pid"), "-m", "stderr"]);
}
