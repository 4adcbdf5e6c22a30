/**
 * Neighbour Discovery message bodies (RFC 4861 §4) and their options (§4.6), the MLDv2 report
 * (RFC 3810 §5.2), and the addresses derived for ND: solicited-node groups, multicast MACs and
 * EUI-64 interface identifiers (RFC 4291 App. A). Decoders never throw; an option of length zero
 * makes the whole message invalid (RFC 4861 §4.6).
 *
 * @packageDocumentation
 */

import { Ipv6Addr, Macaddr, type Result, ok } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";

/**
 * A prefix information option (RFC 4861 §4.6.2).
 *
 * @beta
 */
export interface PrefixInformation {
  /** The prefix length. */
  readonly length: number;
  /** The L flag: the prefix is on-link. */
  readonly onLink: boolean;
  /** The A flag: addresses may be formed from it (SLAAC). */
  readonly autonomous: boolean;
  /** Valid lifetime in seconds (0xffffffff is infinity). */
  readonly validLifetime: number;
  /** Preferred lifetime in seconds. */
  readonly preferredLifetime: number;
  /** The prefix. */
  readonly prefix: Ipv6Addr;
}

/**
 * The options of an ND message that the stack uses.
 *
 * @beta
 */
export interface NdOptions {
  /** Source link-layer address option. */
  readonly sourceMac: Macaddr | undefined;
  /** Target link-layer address option. */
  readonly targetMac: Macaddr | undefined;
  /** Prefix information options. */
  readonly prefixes: readonly PrefixInformation[];
  /** The MTU option. */
  readonly mtu: number | undefined;
}

/** The all-nodes multicast group, ff02::1 (RFC 4291 §2.7.1). */
export const ALL_NODES = Ipv6Addr.parse("ff02::1");
/** The all-routers multicast group, ff02::2 (RFC 4291 §2.7.1). */
export const ALL_ROUTERS = Ipv6Addr.parse("ff02::2");
/** The group MLDv2 reports are sent to, ff02::16 (RFC 3810 §5.2.14). */
export const MLDV2_ROUTERS = Ipv6Addr.parse("ff02::16");

/** The R, S and O flags of a Neighbor Advertisement (RFC 4861 §4.4), where they sit in its ICMPv6 `rest`. */
export const NaFlag = { router: 0x80000000, solicited: 0x40000000, override: 0x20000000 } as const;

/**
 * The MLDv2 multicast address record types (RFC 3810 §5.2.12) a listener in EXCLUDE mode with no
 * sources sends: its current state, a leave and a join.
 *
 * @beta
 */
export const MldRecordType = {
  /** MODE_IS_EXCLUDE: the current state, in answer to a query. */
  modeIsExclude: 2,
  /** CHANGE_TO_INCLUDE_MODE: the group was left. */
  changeToInclude: 3,
  /** CHANGE_TO_EXCLUDE_MODE: the group was joined. */
  changeToExclude: 4,
} as const;

const OPTION_SOURCE_MAC = 1;
const OPTION_TARGET_MAC = 2;
const OPTION_PREFIX = 3;
const OPTION_MTU = 5;

/**
 * Why the options of an ND message were refused: one runs past the end of the message, or one has
 * length zero (which makes the whole message invalid, RFC 4861 §4.6).
 *
 * @beta
 */
export type NdOptionsDecodeError = DecodeError<"truncated" | "zero_length_option">;

/**
 * Decodes the options in `data`. Never throws.
 *
 * @beta
 */
export function decodeNdOptions(data: Uint8Array): Result<NdOptions, NdOptionsDecodeError> {
  let sourceMac: Macaddr | undefined;
  let targetMac: Macaddr | undefined;
  let mtu: number | undefined;
  const prefixes: PrefixInformation[] = [];
  for (let at = 0; at < data.length; ) {
    if (at + 2 > data.length) return decodeError("truncated", `an ND option at byte ${at} is truncated`);
    const type = data[at]!;
    const length = data[at + 1]! * 8;
    if (length === 0) return decodeError("zero_length_option", `ND option ${type} at byte ${at} has length 0`);
    if (at + length > data.length) return decodeError("truncated", `ND option ${type} overruns the message`);
    if ((type === OPTION_SOURCE_MAC || type === OPTION_TARGET_MAC) && length >= 8) {
      const mac = Macaddr.read(data, at + 2);
      if (type === OPTION_SOURCE_MAC) sourceMac = mac;
      else targetMac = mac;
    } else if (type === OPTION_PREFIX && length === 32) {
      const flags = data[at + 3]!;
      prefixes.push({
        length: data[at + 2]!,
        onLink: (flags & 0x80) !== 0,
        autonomous: (flags & 0x40) !== 0,
        validLifetime: readU32(data, at + 4),
        preferredLifetime: readU32(data, at + 8),
        prefix: Ipv6Addr.read(data, at + 16),
      });
    } else if (type === OPTION_MTU && length === 8) {
      mtu = readU32(data, at + 4);
    }
    at += length;
  }
  return ok({ sourceMac, targetMac, prefixes, mtu });
}

/**
 * A link-layer address option (source, `type` 1, or target, 2) of 8 bytes.
 *
 * @beta
 */
export function encodeMacOption(type: 1 | 2, mac: Macaddr): Uint8Array {
  const option = new Uint8Array(8);
  option[0] = type;
  option[1] = 1;
  mac.write(option, 2);
  return option;
}

/**
 * The body (after the 8-byte ICMPv6 header) of a solicitation or advertisement naming `target`,
 * with an optional link-layer address option.
 *
 * @beta
 */
export function encodeTargetBody(target: Ipv6Addr, option: Uint8Array | undefined): Uint8Array {
  const body = new Uint8Array(16 + (option?.length ?? 0));
  target.write(body, 0);
  if (option !== undefined) body.set(option, 16);
  return body;
}

/**
 * An MLDv2 report body (after the ICMPv6 header, whose last word holds the record count): one record
 * per group, of `recordType` (one of {@link MldRecordType}), no sources.
 *
 * @beta
 */
export function encodeMldv2Records(groups: readonly Ipv6Addr[], recordType: number): Uint8Array {
  const body = new Uint8Array(20 * groups.length);
  groups.forEach((group, i) => {
    body[20 * i] = recordType;
    group.write(body, 20 * i + 4);
  });
  return body;
}

/**
 * The solicited-node multicast group of `address` (ff02::1:ffXX:XXXX, RFC 4291 §2.7.1).
 *
 * @beta
 */
export function solicitedNode(address: Ipv6Addr): Ipv6Addr {
  const [, , , w3] = address.toWords();
  return Ipv6Addr.fromWords([0xff020000, 0, 1, (0xff000000 | (w3 & 0xffffff)) >>> 0]);
}

/**
 * The Ethernet multicast address of an IPv6 multicast group (33:33 and its last 32 bits, RFC 2464 §7).
 *
 * @beta
 */
export function multicastMac(group: Ipv6Addr): Macaddr {
  const bytes = new Uint8Array(6);
  bytes[0] = 0x33;
  bytes[1] = 0x33;
  bytes.set(group.toBytes().subarray(12), 2);
  return Macaddr.fromBytes(bytes);
}

/**
 * The address of `prefix`'s first 64 bits with the modified EUI-64 interface identifier of `mac`
 * (RFC 4291 App. A).
 *
 * @beta
 */
export function eui64Address(prefix: Ipv6Addr, mac: Macaddr): Ipv6Addr {
  const m = mac.toBytes();
  const [w0, w1] = prefix.toWords();
  const w2 = (((m[0]! ^ 0x02) << 24) | (m[1]! << 16) | (m[2]! << 8) | 0xff) >>> 0;
  const w3 = ((0xfe << 24) | (m[3]! << 16) | (m[4]! << 8) | m[5]!) >>> 0;
  return Ipv6Addr.fromWords([w0, w1, w2, w3]);
}

function readU32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}
