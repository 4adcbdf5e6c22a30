/**
 * The DHCP message codec (RFC 2131 over the BOOTP layout of RFC 951, options of RFC 2132): the fixed
 * 236-byte header, the magic cookie, and options as a map from code to bytes. Repeated options are
 * concatenated (RFC 3396) and the option-overload option lets `file` and `sname` carry options too.
 *
 * @packageDocumentation
 */

import { Ipv4Addr, Macaddr, type Result, concatBytes, ok } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";

/**
 * DHCP message types (option 53).
 *
 * @public
 */
export const DhcpMessageType = {
  discover: 1,
  offer: 2,
  request: 3,
  decline: 4,
  ack: 5,
  nak: 6,
  release: 7,
  inform: 8,
} as const;

/**
 * DHCP option codes the client reads or sends.
 *
 * @public
 */
export const DhcpOption = {
  pad: 0,
  subnetMask: 1,
  router: 3,
  dnsServers: 6,
  hostName: 12,
  domainName: 15,
  interfaceMtu: 26,
  broadcastAddress: 28,
  requestedIp: 50,
  leaseTime: 51,
  overload: 52,
  messageType: 53,
  serverIdentifier: 54,
  parameterRequestList: 55,
  message: 56,
  maxMessageSize: 57,
  renewalTime: 58,
  rebindingTime: 59,
  clientIdentifier: 61,
  end: 255,
} as const;

/**
 * A DHCP message for an Ethernet client.
 *
 * @public
 */
export interface DhcpMessage {
  /** `request` (BOOTREQUEST, client to server) or `reply` (BOOTREPLY). */
  readonly op: "request" | "reply";
  /** The transaction id chosen by the client. */
  readonly xid: number;
  /** Seconds since the client began acquiring or renewing. */
  readonly secs: number;
  /** The broadcast flag: the client cannot receive unicast before it is configured. */
  readonly broadcast: boolean;
  /** The client's address, when it has one and can answer ARP (renewing, rebinding). */
  readonly ciaddr: Ipv4Addr;
  /** "Your" address: the address offered or assigned to the client. */
  readonly yiaddr: Ipv4Addr;
  /** The next server's address. */
  readonly siaddr: Ipv4Addr;
  /** The relay agent's address. */
  readonly giaddr: Ipv4Addr;
  /** The client's hardware address. */
  readonly chaddr: Macaddr;
  /** Options by code; each value is the option's bytes (repeated options concatenated). */
  readonly options: ReadonlyMap<number, Uint8Array>;
}

const FIXED_SIZE = 236;
const MAGIC_COOKIE = 0x63825363;

/**
 * Why a DHCP message was refused: shorter than its fixed part, a BOOTP op that is neither request
 * nor reply, a hardware type other than Ethernet, no magic cookie, or an option that runs past its area.
 *
 * @public
 */
export type DhcpDecodeError = DecodeError<"truncated" | "bad_op" | "bad_hardware_type" | "bad_cookie" | "bad_option">;

/**
 * Decodes a DHCP message (a UDP payload). Only Ethernet hardware addresses are accepted. Never throws.
 *
 * @returns the message, or the defect.
 * @public
 */
export function decodeDhcpMessage(buffer: Uint8Array): Result<DhcpMessage, DhcpDecodeError> {
  if (buffer.length < FIXED_SIZE + 4) {
    return decodeError("truncated", `DHCP message of ${buffer.length} bytes is shorter than ${FIXED_SIZE + 4}`);
  }
  const op = buffer[0];
  if (op !== 1 && op !== 2) return decodeError("bad_op", `BOOTP op ${op} is neither request (1) nor reply (2)`);
  if (buffer[1] !== 1 || buffer[2] !== 6) {
    const message = `hardware type ${buffer[1]}/length ${buffer[2]} is not Ethernet (1/6)`;
    return decodeError("bad_hardware_type", message);
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (view.getUint32(FIXED_SIZE) !== MAGIC_COOKIE) return decodeError("bad_cookie", "DHCP magic cookie missing");
  // Pieces of each option, joined once at the end: repeated options must not cost quadratic copies.
  const pieces = new Map<number, Uint8Array[]>();
  const parsed = parseOptions(buffer.subarray(FIXED_SIZE + 4), pieces);
  if (parsed !== undefined) return decodeError("bad_option", parsed);
  // Option overload (RFC 2132 §9.3): 1 = file, 2 = sname, 3 = both carry more options.
  const overload = pieces.get(DhcpOption.overload)?.[0]?.[0] ?? 0;
  const file = overload & 1 ? parseOptions(buffer.subarray(108, 236), pieces) : undefined;
  if (file !== undefined) return decodeError("bad_option", `${file} (in the file field)`);
  const sname = overload & 2 ? parseOptions(buffer.subarray(44, 108), pieces) : undefined;
  if (sname !== undefined) return decodeError("bad_option", `${sname} (in the sname field)`);
  const options = new Map<number, Uint8Array>();
  for (const [code, parts] of pieces) options.set(code, parts.length === 1 ? parts[0]! : concatBytes(parts));
  return ok({
    op: op === 1 ? "request" : "reply",
    xid: view.getUint32(4),
    secs: view.getUint16(8),
    broadcast: (view.getUint16(10) & 0x8000) !== 0,
    ciaddr: Ipv4Addr.read(buffer, 12),
    yiaddr: Ipv4Addr.read(buffer, 16),
    siaddr: Ipv4Addr.read(buffer, 20),
    giaddr: Ipv4Addr.read(buffer, 24),
    chaddr: Macaddr.read(buffer, 28),
    options,
  });
}

/**
 * Adds the options in `area` to `into` (each option's pieces in order); stops at the end option.
 * Returns what is wrong with an option, or `undefined`.
 */
function parseOptions(area: Uint8Array, into: Map<number, Uint8Array[]>): string | undefined {
  let i = 0;
  while (i < area.length) {
    const code = area[i]!;
    if (code === DhcpOption.end) return undefined;
    if (code === DhcpOption.pad) {
      i++;
      continue;
    }
    if (i + 1 >= area.length) return `DHCP option ${code} is truncated before its length`;
    const length = area[i + 1]!;
    if (i + 2 + length > area.length) return `DHCP option ${code} of ${length} bytes overruns the message`;
    const data = area.slice(i + 2, i + 2 + length);
    const earlier = into.get(code);
    if (earlier === undefined) into.set(code, [data]);
    else earlier.push(data);
    i += 2 + length;
  }
  // A missing end option is tolerated: several servers omit it when the message is padded out.
  return undefined;
}

/**
 * Encodes a DHCP message into a new buffer: the fixed header, the magic cookie, the options in map
 * order (those over 255 bytes split as RFC 3396 says), the end option, and padding to the 300-byte
 * minimum BOOTP size that some servers and relays expect.
 *
 * @throws RangeError if an option code is not from 1 to 254 (pad and end are written by the encoder).
 * @public
 */
export function encodeDhcpMessage(message: DhcpMessage): Uint8Array {
  let optionsLength = 1;
  for (const [code, data] of message.options) {
    if (!Number.isInteger(code) || code < 1 || code > 254) {
      throw new RangeError(`invalid DHCP option code ${code}: must be an integer from 1 to 254`);
    }
    optionsLength += data.length + 2 * Math.max(1, Math.ceil(data.length / 255));
  }
  const buffer = new Uint8Array(Math.max(300, FIXED_SIZE + 4 + optionsLength));
  const view = new DataView(buffer.buffer);
  buffer[0] = message.op === "request" ? 1 : 2;
  buffer[1] = 1;
  buffer[2] = 6;
  view.setUint32(4, message.xid >>> 0);
  view.setUint16(8, message.secs & 0xffff);
  view.setUint16(10, message.broadcast ? 0x8000 : 0);
  message.ciaddr.write(buffer, 12);
  message.yiaddr.write(buffer, 16);
  message.siaddr.write(buffer, 20);
  message.giaddr.write(buffer, 24);
  message.chaddr.write(buffer, 28);
  view.setUint32(FIXED_SIZE, MAGIC_COOKIE);
  let i = FIXED_SIZE + 4;
  for (const [code, data] of message.options) {
    let start = 0;
    do {
      const chunk = data.subarray(start, start + 255);
      buffer[i] = code;
      buffer[i + 1] = chunk.length;
      buffer.set(chunk, i + 2);
      i += 2 + chunk.length;
      start += 255;
    } while (start < data.length);
  }
  buffer[i] = DhcpOption.end;
  return buffer;
}
