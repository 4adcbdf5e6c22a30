/**
 * The run-time arguments of a web service (the keys of Mirage's HTTP unikernels): `--tls` chooses
 * HTTPS, `--http-port` and `--https-port` the TCP ports, in the HTTP OPTIONS and TLS OPTIONS
 * sections. A group prefixes the name (`--admin-http-port`), so two services take separate ones.
 *
 * @packageDocumentation
 */

import {
  type Arg,
  type Converter,
  boolConv,
  info,
  intConv,
  invalidValue,
  makeConv,
  opt,
  optionName,
  quotedDialect,
} from "@mirage-ts/cmdliner";
import { sections } from "./arg-info.js";
import { groupName } from "./group-name.js";
import { requireWhenGiven } from "./internal/given-requirements.js";
import type { NetworkArgOptions } from "./network-args.js";

const quote = quotedDialect.quote;
const named = (name: string, options: NetworkArgOptions): string => groupName(name, options.group);

/**
 * A TCP port, 1 to 65535.
 *
 * @beta
 */
export const portConv: Converter<number> = makeConv({
  docv: "PORT",
  parse: (text: string) => {
    const parsed = intConv.parse(text);
    if (parsed.ok && parsed.value >= 1 && parsed.value <= 65535) return parsed;
    return { ok: false, error: invalidValue(text, "a TCP port from 1 to 65535") };
  },
});

/**
 * `--tls=BOOL`: serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) on `--https-port`, with plain HTTP on
 * `--http-port` redirecting to it; `false` serves plain HTTP (HTTP/1.1 and h2c) on `--http-port`.
 *
 * @beta
 */
export function tlsArg(defaultValue = false, options: NetworkArgOptions = {}): Arg<boolean> {
  const doc = "Serve HTTPS on the HTTPS port, plain HTTP redirecting to it; false serves plain HTTP only.";
  return opt(boolConv, defaultValue, info([named("tls", options)], { docs: sections.tls, docv: "BOOL", doc }));
}

/**
 * `--http-port=PORT`: the TCP port of plain HTTP (default 80).
 *
 * @beta
 */
export function httpPortArg(defaultValue = 80, options: NetworkArgOptions = {}): Arg<number> {
  const doc = "The TCP port of plain HTTP (which redirects to HTTPS when TLS is on).";
  return opt(portConv, defaultValue, info([named("http-port", options)], { docs: sections.http, doc }));
}

/**
 * `--https-port=PORT`: the TCP port of HTTPS (default 443).
 *
 * @beta
 */
export function httpsPortArg(defaultValue = 443, options: NetworkArgOptions = {}): Arg<number> {
  const doc = "The TCP port of HTTPS (HTTP/2 and HTTP/1.1 by ALPN), when TLS is on.";
  const arg = opt(portConv, defaultValue, info([named("https-port", options)], { docs: sections.http, doc }));
  const tls = named("tls", options);
  // Nothing would listen on it: the service serves plain HTTP on --http-port.
  requireWhenGiven(arg, (valueNamed) => {
    if (valueNamed(tls) !== false) return undefined;
    const port = optionName(arg.info.names[0] ?? "");
    const flag = optionName(tls);
    return (
      `option ${quote(port)} needs ${quote(`${flag}=true`)}: with ${flag}=false nothing listens on the HTTPS port; ` +
      `drop ${port}, or add ${flag}=true`
    );
  });
  return arg;
}
