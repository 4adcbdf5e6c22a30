/**
 * `@mirage-ts/mirage-cli`: the `mirage` tool and what a unikernel's `config.ts` imports: the
 * configuration DSL of functoria, Mirage's device catalogue and keys, the targets, and
 * {@link register}.
 *
 * @packageDocumentation
 */

// The DSL, re-exported so that a config.ts needs this package only.
export {
  type AbstractImpl,
  Action,
  type App,
  type Arg,
  type ArgInfo,
  type Fn,
  type Impl,
  type Info,
  type Job,
  type Key,
  type MainOptions,
  type Package,
  type RuntimeArg,
  type Typ,
  type Value,
  all,
  ap,
  apply,
  conv,
  defaultValue,
  dep,
  flag,
  fn,
  ifImpl,
  ifValue,
  impl,
  job,
  key,
  main,
  map,
  matchImpl,
  matchValue,
  noop,
  opt,
  optAll,
  pkg,
  pure,
  required,
  runtimeArg,
  typ,
  value,
} from "@mirage-ts/functoria";

export {
  argv,
  arpv4,
  block,
  console,
  ethernet,
  http,
  httpClient,
  httpService,
  info,
  ipv4,
  kvRo,
  kvRw,
  mclock,
  network,
  pclock,
  random,
  sleep,
  stackv4v6,
  tcp,
  timers,
  udp,
} from "./catalogue/types.js";
export {
  defaultConsole,
  defaultMClock,
  defaultPClock,
  defaultRandom,
  defaultSleep,
  defaultTimers,
} from "./catalogue/base.js";
export { blockOfFile, genericBlock, ramdisk } from "./catalogue/block.js";
export { crunch } from "./catalogue/crunch.js";
export { directKvRo, directKvRw, genericKvRo, kvRwMem } from "./catalogue/kv.js";
export type { KeyChoiceOptions } from "./catalogue/key-choice.js";
export { defaultNetwork, netif } from "./catalogue/network.js";
export { arp, ethif } from "./catalogue/ethernet.js";
export { type Ipv4Options, createIpv4, ipv4OfDhcp } from "./catalogue/ip.js";
export { type Ipv6Options, createIpv4v6, createIpv6, ipv4v6, ipv6 } from "./catalogue/ipv6.js";
export { directTcp, directUdp } from "./catalogue/transport.js";
export { type GenericStackOptions, directStackv4v6, genericStackv4v6, socketStackv4v6 } from "./catalogue/stack.js";
export { appInfo } from "./catalogue/app-info.js";
export { dnsClient, genericDnsClient } from "./catalogue/dns.js";
export {
  type HttpServiceOptions,
  httpFetchClient,
  genericHttpService,
  httpServer,
  httpsServer,
} from "./catalogue/http.js";
export { defaultArgv, defaultReporter, noArgv } from "./init-jobs.js";
export { MIRAGE_SECTION, UNIKERNEL_SECTION, blockKey, isUnix, kvRoKey, netKey, noDhcpKey, target } from "./keys.js";
export { type ImportValue, type PlatformDevices, type Target, findTarget, targets } from "./targets.js";
export { type RegisterOptions, register } from "./register.js";
export { mirageBuilder } from "./builder.js";
export { type MirageRunOptions, runMirage } from "./cli.js";
export { version } from "./version.js";
