/**
 * DNS for mirage-ts: the wire format, a stub resolver over any `Stack` and an authoritative server.
 *
 * @packageDocumentation
 */

export { Opcode, parseRrType, Rcode, RrClass, RrType, type RrTypeNumber, rrTypeName } from "./wire/constants.js";
export { DecodeErrorCounts, type DnsDecodeError, type DnsDecodeErrorKind, ppDnsDecodeError } from "./wire/errors.js";
export {
  decodeMessage,
  type Edns,
  type EdnsOption,
  type EncodeOptions,
  encodeMessage,
  type Message,
  type MessageFlags,
  type MessageTsig,
  type Question,
  type ResourceRecord,
} from "./wire/message.js";
export { canonicalName, isSubdomain, parseName, splitLabels } from "./wire/name.js";
export type {
  AaaaRdata,
  ARdata,
  CaaRdata,
  MxRdata,
  NameRdata,
  OpaqueRdata,
  Rdata,
  SoaRdata,
  SrvRdata,
  TsigRdata,
  TxtRdata,
} from "./wire/rdata.js";
export { rdataType } from "./wire/rdata.js";
export type { Clock } from "./clock.js";
export { type CacheEntry, DnsCache, type DnsCacheOptions } from "./client/cache.js";
export { type DnsError, ppDnsError } from "./client/errors.js";
export { type Nameserver, parseNameserver, ppNameserver } from "./client/nameserver.js";
export { checkResponse, interpret, type Mismatch, type Outcome } from "./client/outcome.js";
export {
  DnsResolver,
  type DnsResolverConfig,
  type DnsResolverStats,
  type LookupOptions,
} from "./client/resolver.js";
export { frame, LengthPrefixedReader } from "./wire/tcp-framing.js";
export { type Answer, answerQuestion, findZone } from "./server/answer.js";
export { DnsServerDevice, type DnsServerDeviceOptions, type NotifyTarget } from "./server/device.js";
export { parseMasterFile, type SourcedRecord } from "./server/master-file.js";
export { type RateDecision, RateLimiter, type RateLimitOptions } from "./server/rrl.js";
export { DnsServer, type DnsServerConfig, type DnsServerStats, type QuerySource } from "./server/server.js";
export {
  type Hmac,
  parseTsigKey,
  signRequest,
  signResponse,
  type TsigKey,
  type TsigVerdict,
  verifyRequest,
  webCryptoHmac,
} from "./server/tsig.js";
export { Zone } from "./server/zone.js";
export {
  chooseNameservers,
  type DnsArgOptions,
  dnsCacheSizeArg,
  dnsServersArg,
  dnsTimeoutArg,
} from "./client/args.js";
export {
  type ConnectByNameError,
  type ConnectByNameOptions,
  connectByName,
  interleave,
  ppConnectByNameError,
} from "./client/happy-eyeballs.js";
