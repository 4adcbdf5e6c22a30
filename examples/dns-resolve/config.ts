// mirage >= 0.2.0 & < 0.3.0
import {
  defaultNetwork,
  dnsClient,
  fn,
  genericDnsClient,
  genericStackv4v6,
  job,
  main,
  register,
} from "@mirage-ts/mirage-cli";

// Resolves `--domain-name` through the DNS client device (mirage-skeleton applications/dns): the name
// servers of `--dns-servers`, or the host's resolv.conf on the unix target. With `--http-port`, it then
// connects to the name by happy eyeballs and logs the status line of a hand-written `GET / HTTP/1.0`.
const resolve = main({ module: "./unikernel.js", name: "Resolve", type: fn(dnsClient, job) });

register("dns-resolve", [resolve.$(genericDnsClient(genericStackv4v6(defaultNetwork)))]);
