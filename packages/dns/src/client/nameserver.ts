/**
 * Name-server addresses as Mirage writes them: `udp:IP[:port]`, `tcp:IP[:port]` or a bare address
 * (UDP, port 53); IPv6 addresses with a port in brackets (`udp:[2001:db8::1]:5353`).
 *
 * @packageDocumentation
 */

import { type Ipaddr, Ipaddr as IpaddrOps, type Result, err, ok } from "@mirage-ts/mirage-types";

/**
 * A name server: its address, port, and whether queries start on TCP (`tcp:`) or on UDP.
 *
 * @beta
 */
export interface Nameserver {
  readonly protocol: "udp" | "tcp";
  readonly address: Ipaddr;
  readonly port: number;
}

/**
 * Parses one name server; the error says what is wrong and shows the accepted forms.
 *
 * @beta
 */
export function parseNameserver(text: string): Result<Nameserver, string> {
  const forms = "expected udp:IP[:port], tcp:IP[:port] or IP (IPv6 with a port as [IP]:port)";
  let rest = text.trim();
  let protocol: "udp" | "tcp" = "udp";
  const scheme = /^(udp|tcp):/i.exec(rest);
  if (scheme !== null) {
    protocol = (scheme[1] as string).toLowerCase() as "udp" | "tcp";
    rest = rest.slice(scheme[0].length);
  }
  let host = rest;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed !== null) {
    host = bracketed[1] as string;
    portText = bracketed[2];
  } else if (!rest.includes(":") || rest.indexOf(":") === rest.lastIndexOf(":")) {
    const colon = rest.indexOf(":");
    if (colon >= 0) {
      host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
    }
  }
  let address: Ipaddr;
  try {
    address = IpaddrOps.parse(host);
  } catch {
    return err(`name server "${text}": "${host}" is not an IP address; ${forms}`);
  }
  const port = portText === undefined ? 53 : Number(portText);
  if (!/^\d{1,5}$/.test(portText ?? "53") || port < 1 || port > 65535) {
    return err(`name server "${text}": port "${portText}" is not 1..65535; ${forms}`);
  }
  return ok({ protocol, address, port });
}

/**
 * Prints a name server in the form {@link parseNameserver} reads.
 *
 * @beta
 */
export function ppNameserver(server: Nameserver): string {
  const host = server.address.version === 6 ? `[${server.address.toString()}]` : server.address.toString();
  return `${server.protocol}:${host}:${server.port}`;
}
