// mirage >= 0.2.0 & < 0.3.0
import {
  defaultNetwork,
  defaultPClock,
  defaultRandom,
  defaultTimers,
  fn,
  genericKvRo,
  genericStackv4v6,
  job,
  kvRo,
  main,
  pclock,
  random,
  register,
  stackv4v6,
  timers,
} from "@mirage-ts/mirage-cli";

// An authoritative DNS server (ocaml-dns's primary unikernel): every `<zone>.zone` master file of
// zones/ (crunched into the bundle, or read at run time with `--kv_ro=direct`) is served on UDP and
// TCP port `--port`; AXFR under `--tsig-key`; NOTIFY to `--notify` secondaries at start.
const primary = main({
  module: "./unikernel.js",
  name: "Primary",
  type: fn(stackv4v6, fn(kvRo, fn(timers, fn(random, fn(pclock, job))))),
});

register("dns-primary", [
  primary
    .$(genericStackv4v6(defaultNetwork))
    .$(genericKvRo("zones"))
    .$(defaultTimers)
    .$(defaultRandom)
    .$(defaultPClock),
]);
