/**
 * The packet counters of an `Ipv6Layer`, in their own module so the layer stays about behaviour.
 *
 * @packageDocumentation
 */

/**
 * Packet counters of an IPv6 layer.
 *
 * @beta
 */
export interface Ipv6Counters {
  /** Packets received. */
  rxPackets: number;
  /** Datagrams handed to TCP or UDP. */
  rxDelivered: number;
  /** Packets with a bad fixed header (length, version), dropped. */
  rxInvalid: number;
  /** Packets from a multicast source, dropped. */
  rxMartian: number;
  /** Packets for another address or an unjoined group, dropped. */
  rxNotForUs: number;
  /** Packets whose extension-header chain was refused (too long, truncated, bad option, routing). */
  rxBadExtensionHeaders: number;
  /** Of those, chains longer than the bound. */
  rxChainTooLong: number;
  /** Of those, routing headers of type 0 (RFC 5095). */
  rxRoutingType0: number;
  /** Fragments received. */
  rxFragments: number;
  /** Atomic fragments (RFC 6946), processed without reassembly. */
  rxAtomicFragments: number;
  /** First fragments without the whole header chain (RFC 7112), dropped. */
  rxIncompleteChain: number;
  /** Reassemblies that timed out with their first fragment (answered with Time Exceeded). */
  rxReassemblyTimeouts: number;
  /** Packets of an unknown upper-layer protocol (answered with a parameter problem). */
  rxUnknownProtocol: number;
  /** ICMPv6 messages with a bad checksum or length. */
  rxIcmpInvalid: number;
  /** Packets dropped because IPv6 is disabled on the interface (RFC 4862 §5.4.5). */
  rxDisabled: number;
  /** Packets sent (each fragment counts). */
  txPackets: number;
  /** Fragments sent. */
  txFragments: number;
  /** Writes refused for lack of a route or neighbour. */
  txNoRoute: number;
  /** Writes refused because they needed fragmentation and it was not allowed. */
  txWouldFragment: number;
  /** Frames the link refused. */
  txLinkErrors: number;
  /** Writes refused because IPv6 is disabled on the interface (also counted in `txNoRoute`). */
  txDisabled: number;
}

/** Zeroed counters. */
export function newCounters(): Ipv6Counters {
  return {
    rxPackets: 0,
    rxDelivered: 0,
    rxInvalid: 0,
    rxMartian: 0,
    rxNotForUs: 0,
    rxBadExtensionHeaders: 0,
    rxChainTooLong: 0,
    rxRoutingType0: 0,
    rxFragments: 0,
    rxAtomicFragments: 0,
    rxIncompleteChain: 0,
    rxReassemblyTimeouts: 0,
    rxUnknownProtocol: 0,
    rxIcmpInvalid: 0,
    rxDisabled: 0,
    txPackets: 0,
    txFragments: 0,
    txNoRoute: 0,
    txWouldFragment: 0,
    txLinkErrors: 0,
    txDisabled: 0,
  };
}
