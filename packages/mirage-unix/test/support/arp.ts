/**
 * Just enough ARP and ICMP to answer the kernel peer: a unikernel's address answering "who-has" and
 * echo requests, built on the raw frames a NETWORK device carries.
 */
import type { Macaddr } from "@mirage-ts/mirage-types";

const ipv4 = (text: string) => Uint8Array.from(text.split(".").map(Number));
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** An ARP request (op 1) for `target`, as the kernel sends it: the asker's MAC and IPv4 address. */
export function arpRequestFor(
  frame: Uint8Array,
  target: string,
): { readonly senderMac: Uint8Array; readonly senderIp: Uint8Array } | undefined {
  if (frame.length < 42 || frame[12] !== 0x08 || frame[13] !== 0x06 || frame[21] !== 1) return undefined;
  if (!equal(frame.subarray(38, 42), ipv4(target))) return undefined;
  return { senderMac: frame.slice(22, 28), senderIp: frame.slice(28, 32) };
}

/** Fills `buffer` with the ARP reply "`ip` is at `mac`" to a request; returns its length. */
export function fillArpReply(
  buffer: Uint8Array,
  request: { senderMac: Uint8Array; senderIp: Uint8Array },
  mac: Macaddr,
  ip: string,
): number {
  buffer.set(request.senderMac, 0);
  mac.write(buffer, 6);
  buffer.set([0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 2], 12);
  mac.write(buffer, 22);
  buffer.set(ipv4(ip), 28);
  buffer.set(request.senderMac, 32);
  buffer.set(request.senderIp, 38);
  return 42;
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Fills `buffer` with the reply to an ICMP echo request to `ip` in `frame`; returns 0 if it is not one. */
export function fillEchoReply(buffer: Uint8Array, frame: Uint8Array, mac: Macaddr, ip: string): number {
  if (frame.length < 42 || frame[12] !== 0x08 || frame[13] !== 0x00 || frame[23] !== 1) return 0;
  if (!equal(frame.subarray(30, 34), ipv4(ip))) return 0;
  const ihl = ((frame[14] as number) & 0x0f) * 4;
  const icmp = 14 + ihl;
  if (frame[icmp] !== 8) return 0;
  const length = 14 + (((frame[16] as number) << 8) | (frame[17] as number));
  buffer.set(frame.subarray(0, length));
  buffer.set(frame.subarray(6, 12), 0);
  mac.write(buffer, 6);
  buffer.set(frame.subarray(30, 34), 26);
  buffer.set(frame.subarray(26, 30), 30);
  buffer[22] = 64;
  buffer[24] = buffer[25] = 0;
  const ipSum = checksum(buffer.subarray(14, 14 + ihl));
  buffer[24] = ipSum >> 8;
  buffer[25] = ipSum & 0xff;
  buffer[icmp] = 0;
  buffer[icmp + 2] = buffer[icmp + 3] = 0;
  const icmpSum = checksum(buffer.subarray(icmp, length));
  buffer[icmp + 2] = icmpSum >> 8;
  buffer[icmp + 3] = icmpSum & 0xff;
  return length;
}
