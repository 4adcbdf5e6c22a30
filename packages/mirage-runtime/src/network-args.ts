/**
 * The network run-time arguments (upstream `Mirage_runtime_network`): `--interface`, `--ipv4`,
 * `--ipv4-gateway`, `--ipv6`, `--ipv6-gateway`, `--accept-router-advertisements`, `--ipv4-only` and
 * `--ipv6-only`, in the NETWORK OPTIONS section. A group prefixes the name (`--data-ipv4`), so
 * two stacks in one unikernel take separate arguments.
 *
 * @packageDocumentation
 */

import {
  type Arg,
  type Converter,
  boolConv,
  info,
  invalidValue,
  makeConv,
  opt,
  optional,
  stringConv,
} from "@mirage-ts/cmdliner";
import { Ipv4Addr, Ipv4Prefix, Ipv6Addr, Ipv6Prefix } from "@mirage-ts/mirage-types";
import { sections } from "./arg-info.js";
import { groupName } from "./group-name.js";

/**
 * Options of the network arguments.
 *
 * @public
 */
export interface NetworkArgOptions {
  /** Prefixes the argument's name with `<group>-`. */
  readonly group?: string;
}

const named = (name: string, options: NetworkArgOptions): string => groupName(name, options.group);

/**
 * `--<name>=<docv>` in the network section: `undefined` when absent, unless `defaultText` (read by
 * `parse`, which throws on bad text) gives the default.
 */
function addressArg<T>(
  name: string,
  conv: Converter<T>,
  parse: (text: string) => T,
  defaultText: string | undefined,
  doc: string,
  options: NetworkArgOptions,
): Arg<T | undefined> {
  const argInfo = info([named(name, options)], { docs: sections.network, docv: conv.docv, doc });
  return defaultText === undefined ? optional(conv, argInfo) : opt(conv, parse(defaultText), argInfo);
}

// Address converters print with toString and turn the parser's TypeError into a parse error.
function addressConv<T extends { toString(): string }>(
  docv: string,
  parse: (text: string) => T,
  expected: string,
): Converter<T> {
  return makeConv<T>({
    docv,
    parse: (text) => {
      try {
        return { ok: true, value: parse(text) };
      } catch {
        return { ok: false, error: invalidValue(text, expected) };
      }
    },
    print: (value) => value.toString(),
  });
}

/**
 * Parses an IPv4 prefix with its host address, `10.0.0.2/24`.
 *
 * @public
 */
export const ipv4PrefixConv: Converter<Ipv4Prefix> = addressConv(
  "PREFIX",
  Ipv4Prefix.parse,
  "an IPv4 prefix like 10.0.0.2/24",
);

/**
 * Parses an IPv4 address, `10.0.0.1`.
 *
 * @public
 */
export const ipv4AddrConv: Converter<Ipv4Addr> = addressConv("IP", Ipv4Addr.parse, "an IPv4 address like 10.0.0.1");

/**
 * `--interface=INTERFACE`: the network interface the unikernel listens on; its meaning is the
 * platform's (on unix: `tap0`, `tap:tap0` or `udp:LOCAL,REMOTE`).
 *
 * @public
 */
export function interfaceArg(defaultInterface: string, options: NetworkArgOptions = {}): Arg<string> {
  return opt(
    stringConv,
    defaultInterface,
    info([named("interface", options)], {
      docs: sections.network,
      docv: "INTERFACE",
      doc: "The network interface listened by the unikernel.",
    }),
  );
}

/**
 * `--ipv4=PREFIX`: the unikernel's IPv4 address and network, `10.0.0.2/24`.
 *
 * @throws TypeError if `defaultPrefix` is not an IPv4 prefix.
 * @public
 */
export function ipv4Arg(defaultPrefix: string, options: NetworkArgOptions = {}): Arg<Ipv4Prefix> {
  return opt(
    ipv4PrefixConv,
    Ipv4Prefix.parse(defaultPrefix),
    info([named("ipv4", options)], {
      docs: sections.network,
      docv: "PREFIX",
      doc: "The network of the unikernel specified as an IP address and netmask, e.g. 192.168.0.1/16 .",
    }),
  );
}

/**
 * `--ipv4-gateway=IP`: the unikernel's IPv4 gateway; `undefined` (none) unless a default is given.
 *
 * @throws TypeError if `defaultGateway` is given and is not an IPv4 address.
 * @public
 */
export function ipv4GatewayArg(
  defaultGateway: string | undefined,
  options: NetworkArgOptions = {},
): Arg<Ipv4Addr | undefined> {
  return addressArg(
    "ipv4-gateway",
    ipv4AddrConv,
    Ipv4Addr.parse,
    defaultGateway,
    "The gateway of the unikernel.",
    options,
  );
}

/**
 * Parses an IPv6 prefix with its host address, `2001:db8::2/64`.
 *
 * @beta
 */
export const ipv6PrefixConv: Converter<Ipv6Prefix> = addressConv(
  "PREFIX",
  Ipv6Prefix.parse,
  "an IPv6 prefix like 2001:db8::2/64",
);

/**
 * Parses an IPv6 address, `2001:db8::1`.
 *
 * @beta
 */
export const ipv6AddrConv: Converter<Ipv6Addr> = addressConv("IP", Ipv6Addr.parse, "an IPv6 address like 2001:db8::1");

/**
 * `--ipv6=PREFIX`: a static IPv6 address and network, `2001:db8::2/64`; `undefined` (none: link-local
 * and SLAAC addresses only) unless a default is given.
 *
 * @throws TypeError if `defaultPrefix` is given and is not an IPv6 prefix.
 * @beta
 */
export function ipv6Arg(
  defaultPrefix: string | undefined,
  options: NetworkArgOptions = {},
): Arg<Ipv6Prefix | undefined> {
  const doc = "The network of the unikernel specified as IPv6 address and prefix length.";
  return addressArg("ipv6", ipv6PrefixConv, Ipv6Prefix.parse, defaultPrefix, doc, options);
}

/**
 * `--ipv6-gateway=IP`: the unikernel's IPv6 default router; `undefined` (none: routers come from
 * advertisements) unless a default is given.
 *
 * @throws TypeError if `defaultGateway` is given and is not an IPv6 address.
 * @beta
 */
export function ipv6GatewayArg(
  defaultGateway: string | undefined,
  options: NetworkArgOptions = {},
): Arg<Ipv6Addr | undefined> {
  const doc = "The IPv6 gateway of the unikernel.";
  return addressArg("ipv6-gateway", ipv6AddrConv, Ipv6Addr.parse, defaultGateway, doc, options);
}

function boolArg(name: string, defaultValue: boolean, doc: string, options: NetworkArgOptions): Arg<boolean> {
  return opt(boolConv, defaultValue, info([named(name, options)], { docs: sections.network, docv: "BOOL", doc }));
}

/**
 * `--accept-router-advertisements=BOOL`: take default routers, prefixes and SLAAC addresses from
 * IPv6 router advertisements (default `true`).
 *
 * @beta
 */
export function acceptRouterAdvertisementsArg(defaultValue = true, options: NetworkArgOptions = {}): Arg<boolean> {
  return boolArg("accept-router-advertisements", defaultValue, "Accept router advertisements.", options);
}

/**
 * `--ipv4-only=BOOL`: use IPv4 only (default `false`).
 *
 * @beta
 */
export function ipv4OnlyArg(defaultValue = false, options: NetworkArgOptions = {}): Arg<boolean> {
  return boolArg("ipv4-only", defaultValue, "Only use IPv4 for the unikernel.", options);
}

/**
 * `--ipv6-only=BOOL`: use IPv6 only (default `false`).
 *
 * @beta
 */
export function ipv6OnlyArg(defaultValue = false, options: NetworkArgOptions = {}): Arg<boolean> {
  return boolArg("ipv6-only", defaultValue, "Only use IPv6 for the unikernel.", options);
}
