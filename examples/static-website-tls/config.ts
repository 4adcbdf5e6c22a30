// mirage >= 0.2.0 & < 0.3.0
import {
  defaultNetwork,
  fn,
  genericHttpService,
  genericKvRo,
  genericStackv4v6,
  httpService,
  job,
  kvRo,
  main,
  register,
  stackv4v6,
} from "@mirage-ts/mirage-cli";

// mirage-skeleton's static_website_tls: the site from htdocs/ (`--data-kv_ro`), the certificate and
// key from tls/server.pem and tls/server.key (`--certs-kv_ro`), HTTPS with HTTP/2 and HTTP/1.1 by ALPN
// on --https-port, and plain HTTP on --http-port redirecting to it; on the host sockets (`--net=socket`)
// or mirage-ts's own stack. `--tls=false` at run time serves the site over plain HTTP instead.
const https = main({
  module: "./unikernel.js",
  name: "Https",
  type: fn(stackv4v6, fn(kvRo, fn(httpService, job))),
});

const stack = genericStackv4v6(defaultNetwork);
const data = genericKvRo("htdocs", { group: "data" });
const certs = genericKvRo("tls", { group: "certs" });
register("https", [
  https
    .$(stack)
    .$(data)
    .$(genericHttpService(stack, certs, { tls: true })),
]);
