/**
 * The HTTP devices (upstream `Mirage.cohttp_server`, `paf_server`, `cohttp_client`): from
 * `@mirage-ts/http-unix` on a Node host, the HTTP/1.1 server of `@mirage-ts/http` on the others.
 *
 * @packageDocumentation
 */

import { type Impl, type RuntimeArg, apply, fn, impl, map, pkg, runtimeArg, value } from "@mirage-ts/functoria";
import { requireNodeTarget, targetOf } from "../internal/platform.js";
import { target } from "../keys.js";
import { findTarget } from "../targets.js";
import { compatibleRange } from "../version.js";
import { defaultTimers } from "./base.js";
import { http, httpClient, httpService, kvRo, stackv4v6 } from "./types.js";

const HTTP_UNIX = pkg("@mirage-ts/http-unix", { range: compatibleRange });
const HTTP = pkg("@mirage-ts/http", { range: compatibleRange });

const httpServerImpl = impl({
  name: "HttpServer",
  type: fn(stackv4v6, http),
  keys: [target],
  extraDeps: [defaultTimers],
  // A Node host drives llhttp through http-unix; a page or a simulation (whose virtual clock Node's
  // timers would escape) has the neutral server of @mirage-ts/http on the platform's timers.
  packagesV: map(value(target), (t) => (findTarget(t).nodeHost === true ? [HTTP_UNIX, HTTP] : [HTTP])),
  connect: ({ info, importValue, args: [stack = "", timers = ""] }) =>
    targetOf(info).nodeHost === true
      ? `${importValue("@mirage-ts/http-unix", "connectHttpServer")}(${stack}.tcp())`
      : `${importValue("@mirage-ts/http", "connectHttp1Server")}(${stack}.tcp(), { timers: ${timers} })`,
});

/**
 * An HTTP server over the TCP of `stack` (`HttpServer` of `@mirage-ts/http`): the unikernel calls
 * `listen(port, handler)` with a fetch-standard handler. On a Node host (`unix`) it is Node's llhttp
 * through `@mirage-ts/http-unix`; on the other targets (`browser`, and `sim` whose clock is virtual)
 * the HTTP/1.1 server of `@mirage-ts/http` (`connectHttp1Server`, web APIs only) on the platform's
 * timers. It works over both stacks of {@link genericStackv4v6} (`--net=socket` and `--net=direct`).
 *
 * @beta
 */
export function httpServer(stack: Impl<"stackv4v6">): Impl<"http"> {
  return apply(httpServerImpl, stack);
}

const nodeHttpsServer = impl({
  module: "@mirage-ts/http-unix",
  name: "connectHttpsServer",
  type: fn(stackv4v6, fn(kvRo, http)),
  packages: [HTTP_UNIX, HTTP],
  connect: ({ info, impl: connect, args: [stack = "", certs = ""] }) => {
    requireNodeTarget(info, "httpsServer");
    return `${connect}(${stack}.tcp(), ${certs})`;
  },
});

/**
 * An HTTPS server over the TCP of `stack`, HTTP/2 and HTTP/1.1 by ALPN, its certificate chain and
 * key read from `certs` as `server.pem` and `server.key` (upstream `static_website_tls` reading
 * `tls/`; `cohttp_server (conduit_direct ~tls:true stack)`). A bad or missing file fails the
 * unikernel at start, naming the file.
 *
 * @beta
 */
export function httpsServer(stack: Impl<"stackv4v6">, certs: Impl<"kv_ro">): Impl<"http"> {
  return apply(nodeHttpsServer, stack, certs);
}

/**
 * Options of {@link genericHttpService}.
 *
 * @beta
 */
export interface HttpServiceOptions {
  /** Prefixes the run-time arguments: `--<group>-tls`, `--<group>-http-port`, `--<group>-https-port`. */
  readonly group?: string;
  /** The default of `--tls` (default false: plain HTTP). */
  readonly tls?: boolean;
  /** The default of `--http-port` (default 80). */
  readonly httpPort?: number;
  /** The default of `--https-port` (default 443). */
  readonly httpsPort?: number;
}

/** A run-time argument of mirage-runtime's http-args, with its default and group. */
function serviceArg(name: string, key: string, defaultValue: string, group: string | undefined): RuntimeArg {
  const named = group === undefined || group === "" ? key : `${group}-${key}`;
  return runtimeArg({
    module: "@mirage-ts/mirage-runtime",
    name,
    args: [defaultValue, ...(named === key ? [] : [`{ group: ${JSON.stringify(group)} }`])],
    key: named.replaceAll("-", "_"),
  });
}

/**
 * A web service over the TCP of `stack` chosen at boot by Mirage's keys: `--tls=true` serves HTTPS
 * (HTTP/2 and HTTP/1.1 by ALPN) on `--https-port` with the certificate chain and key read from
 * `certs` as `server.pem` and `server.key`, plain HTTP on `--http-port` redirecting to it (as
 * mirage-skeleton's static_website_tls); `--tls=false` serves plain HTTP (HTTP/1.1 and h2c) on
 * `--http-port` and leaves `certs` unread. The unikernel calls `serve(handler)` once. It works over
 * both stacks of {@link genericStackv4v6}.
 *
 * @beta
 */
export function genericHttpService(
  stack: Impl<"stackv4v6">,
  certs: Impl<"kv_ro">,
  options: HttpServiceOptions = {},
): Impl<"http_service"> {
  const service = impl({
    module: "@mirage-ts/http-unix",
    name: "connectHttpService",
    type: fn(stackv4v6, fn(kvRo, httpService)),
    packages: [HTTP_UNIX, HTTP],
    runtimeArgs: [
      serviceArg("tlsArg", "tls", String(options.tls ?? false), options.group),
      serviceArg("httpPortArg", "http-port", String(options.httpPort ?? 80), options.group),
      serviceArg("httpsPortArg", "https-port", String(options.httpsPort ?? 443), options.group),
    ],
    connect: ({ info, impl: connect, args: [s = "", kv = "", tls = "", httpPort = "", httpsPort = ""] }) => {
      requireNodeTarget(info, "genericHttpService");
      return `${connect}(${s}.tcp(), ${kv}, { tls: ${tls}, httpPort: ${httpPort}, httpsPort: ${httpsPort} })`;
    },
  });
  return apply(service, stack, certs);
}

const nodeHttpClient = impl({
  module: "@mirage-ts/http-unix",
  name: "connectHttpClient",
  type: fn(stackv4v6, httpClient),
  packages: [HTTP_UNIX, HTTP],
  connect: ({ info, impl: connect, args: [stack = ""] }) => {
    requireNodeTarget(info, "httpFetchClient");
    return `${connect}(${stack}.tcp())`;
  },
});

/**
 * An HTTP client whose connections go through `stack` (`HttpClient` of `@mirage-ts/http`,
 * upstream `cohttp_client`, http-mirage-client): undici's `fetch` through `@mirage-ts/http-unix`,
 * https verified against the platform's roots. Host names need a resolver; IP literals work as they are.
 *
 * @beta
 */
export function httpFetchClient(stack: Impl<"stackv4v6">): Impl<"http_client"> {
  return apply(nodeHttpClient, stack);
}
