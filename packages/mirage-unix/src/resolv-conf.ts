/**
 * The host's name servers from resolv.conf, the default of a DNS resolver on unix (as the lwt and
 * miou clients of ocaml-dns read it).
 *
 * @packageDocumentation
 */

import { readFileSync } from "node:fs";

/**
 * The `nameserver` addresses of a resolv.conf text, in order; IPv6 zone suffixes (`%eth0`) dropped.
 *
 * @public
 */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split("\n")) {
    const fields = line
      .replace(/[#;].*$/, "")
      .trim()
      .split(/\s+/);
    if (fields[0] === "nameserver" && fields[1] !== undefined) servers.push(fields[1].replace(/%.*$/, ""));
  }
  return servers;
}

/**
 * The host's name servers from `path` (`/etc/resolv.conf`); none if the file cannot be read.
 *
 * @public
 */
export function hostNameservers(path = "/etc/resolv.conf"): string[] {
  try {
    return parseResolvConf(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
}
