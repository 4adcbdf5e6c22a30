/**
 * The resolver's run-time arguments, as Mirage's (`Mirage_runtime_network.dns_servers`, `dns_timeout`,
 * `dns_cache_size`): `--dns-servers`, `--dns-timeout` (nanoseconds) and `--dns-cache-size`.
 *
 * @packageDocumentation
 */

import { type Arg, groupName, info, intConv, listConv, makeConv, opt, sections } from "@mirage-ts/mirage-runtime";
import { type Nameserver, parseNameserver, ppNameserver } from "./nameserver.js";

/** @beta Options shared by the DNS arguments: a group prefixes their names (`--<group>-dns-servers`). */
export interface DnsArgOptions {
  readonly group?: string;
}

const named = (name: string, options: DnsArgOptions): string => groupName(name, options.group);

const nameserverConv = makeConv<Nameserver>({
  docv: "NAMESERVER",
  parse: (text) => {
    const parsed = parseNameserver(text);
    return parsed.ok ? parsed : { ok: false, error: parsed.error };
  },
  print: ppNameserver,
});

/**
 * `--dns-servers=NAMESERVER,…`: the name servers; none by default, which means the platform's
 * (the host's resolv.conf on unix).
 *
 * @beta
 */
export function dnsServersArg(options: DnsArgOptions = {}): Arg<readonly Nameserver[]> {
  return opt(
    listConv(nameserverConv),
    [],
    info([named("dns-servers", options)], {
      docs: sections.dns,
      doc: "DNS servers (udp:IP[:port], tcp:IP[:port] or IP); the platform's by default.",
    }),
  );
}

/**
 * `--dns-timeout=NS`: time to wait for one answer, in nanoseconds (Mirage's unit); 2 s by default.
 *
 * @beta
 */
export function dnsTimeoutArg(options: DnsArgOptions = {}): Arg<number> {
  return opt(
    intConv,
    2_000_000_000,
    info([named("dns-timeout", options)], {
      docs: sections.dns,
      docv: "NS",
      doc: "DNS request timeout in nanoseconds.",
    }),
  );
}

/**
 * `--dns-cache-size=N`: entries of the resolver's cache; 32 by default as Mirage.
 *
 * @beta
 */
export function dnsCacheSizeArg(options: DnsArgOptions = {}): Arg<number> {
  return opt(
    intConv,
    32,
    info([named("dns-cache-size", options)], { docs: sections.dns, docv: "N", doc: "DNS cache size." }),
  );
}

/**
 * The name servers to use: those given, else the platform's addresses (UDP, port 53).
 *
 * @throws RangeError when there are none at all, naming the argument to give.
 * @beta
 */
export function chooseNameservers(given: readonly Nameserver[], platform: readonly string[]): Nameserver[] {
  if (given.length > 0) return [...given];
  const fallback = platform.flatMap((text) => {
    const parsed = parseNameserver(text);
    return parsed.ok ? [parsed.value] : [];
  });
  if (fallback.length === 0)
    throw new RangeError("no DNS server: give --dns-servers (e.g. --dns-servers=udp:192.0.2.53)");
  return fallback;
}
