/**
 * DNS devices (upstream `Mirage.generic_dns_client`): the stub resolver of `@mirage-ts/dns` over a
 * stack, with Mirage's run-time arguments `--dns-servers`, `--dns-timeout` and `--dns-cache-size`.
 *
 * @packageDocumentation
 */

import { type Impl, type RuntimeArg, type Typ, apply, fn, pkg, typ } from "@mirage-ts/functoria";
import { groupedRuntimeArg } from "../internal/network-args.js";
import { platformImpl } from "../internal/platform.js";
import { compatibleRange } from "../version.js";
import { defaultRandom, defaultTimers } from "./base.js";
import { stackv4v6 } from "./types.js";

/** The dns package, which the DNS devices need. */
const DNS = pkg("@mirage-ts/dns", { range: compatibleRange });

/**
 * A DNS resolver (`DnsResolver` of `@mirage-ts/dns`, upstream `Dns_client_mirage.S`).
 *
 * @public
 */
export const dnsClient: Typ<"dns_client"> = typ("dns_client");

function dnsArg(name: string, key: string, group: string | undefined): RuntimeArg {
  return groupedRuntimeArg("@mirage-ts/dns", name, key, group, [], [DNS]);
}

/**
 * A stub resolver over `stack`: the name servers of `--dns-servers`, else the platform's (the
 * host's resolv.conf on unix); `--dns-timeout` in nanoseconds and `--dns-cache-size` as Mirage.
 *
 * @public
 */
export function genericDnsClient(
  stack: Impl<"stackv4v6">,
  options: { readonly group?: string } = {},
): Impl<"dns_client"> {
  const device = platformImpl({
    name: "Dns_client",
    type: fn(stackv4v6, dnsClient),
    packages: [DNS],
    extraDeps: [defaultTimers, defaultRandom],
    runtimeArgs: [
      dnsArg("dnsServersArg", "dns-servers", options.group),
      dnsArg("dnsTimeoutArg", "dns-timeout", options.group),
      dnsArg("dnsCacheSizeArg", "dns-cache-size", options.group),
    ],
    connect: (t, importValue, [s = "", clock = "", random = "", servers = "", timeout = "", cache = ""]) => {
      const resolver = importValue("@mirage-ts/dns", "DnsResolver");
      const choose = importValue("@mirage-ts/dns", "chooseNameservers");
      const host = t.devices.hostNameservers?.(importValue) ?? "[]";
      return (
        `${resolver}.connect(${s}, ${clock}, ${random}, ` +
        `{ nameservers: ${choose}(${servers}, ${host}), timeoutMs: ${timeout} / 1e6, cacheSize: ${cache} })`
      );
    },
  });
  return apply(device, stack);
}
