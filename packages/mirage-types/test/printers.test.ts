import {
  Key,
  data,
  eof,
  ppArpError,
  ppBlockError,
  ppBlockInfo,
  ppBlockWriteError,
  ppChannelError,
  ppDeviceError,
  ppEthernetError,
  ppFlowWriteError,
  ppIpError,
  ppIpProto,
  ppKvError,
  ppKvWriteError,
  ppNetError,
  ppOrEof,
  ppTcpError,
  ppTcpWriteError,
} from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";

// Each row: printed text, upstream text (from the OCaml signature libraries' pp_error functions).
const k = Key.v("/a/b");
const rows: Array<[string, string, string]> = [
  ["Mirage_device Unimplemented", ppDeviceError({ kind: "unimplemented" }), "operation not yet implemented"],
  ["Mirage_device Disconnected", ppDeviceError({ kind: "disconnected" }), "device is disconnected"],
  ["Mirage_flow Closed", ppFlowWriteError({ kind: "closed" }), "attempted to write to a closed flow"],
  ["Mirage_flow or_eof Eof", ppOrEof(eof, () => "data"), "End-of-file"],
  ["Mirage_flow or_eof Data", ppOrEof(data(3), (n) => `n=${n}`), "n=3"],
  ["Mirage_net Invalid_length", ppNetError({ kind: "invalid_length" }), "invalid length (exceeds size)"],
  ["Mirage_net Disconnected", ppNetError({ kind: "disconnected" }), "network device is disconnected"],
  ["Mirage_net Msg", ppNetError({ kind: "msg", message: "tap0: EIO" }), "tap0: EIO"],
  ["Ethernet Exceeds_mtu", ppEthernetError({ kind: "exceeds_mtu" }), "exceeds MTU"],
  [
    "Ethernet Netif",
    ppEthernetError({ kind: "netif", error: { kind: "disconnected" } }),
    "network device is disconnected",
  ],
  ["Arp Timeout", ppArpError({ kind: "timeout" }), "could not determine a link-level address for the IP address given"],
  ["Ip No_route", ppIpError({ kind: "no_route", reason: "10.0.0.9" }), "no route to destination: 10.0.0.9"],
  ["Ip Would_fragment", ppIpError({ kind: "would_fragment" }), "would fragment"],
  ["Ip proto TCP", ppIpProto("tcp"), "TCP"],
  ["Ip proto UDP", ppIpProto("udp"), "UDP"],
  ["Ip proto ICMP", ppIpProto("icmp"), "ICMP"],
  ["Tcp Timeout", ppTcpError({ kind: "timeout" }), "connection attempt timed out"],
  ["Tcp Refused", ppTcpError({ kind: "refused" }), "connection attempt was refused"],
  ["Tcp Reset", ppTcpError({ kind: "reset" }), "connection was reset by the peer"],
  ["Tcp Msg", ppTcpError({ kind: "msg", message: "EHOSTUNREACH" }), "EHOSTUNREACH"],
  ["Tcp write Closed", ppTcpWriteError({ kind: "closed" }), "attempted to write to a closed flow"],
  ["Tcp write Refused", ppTcpWriteError({ kind: "refused" }), "connection attempt was refused"],
  ["Mirage_block Disconnected", ppBlockError({ kind: "disconnected" }), "Device is disconnected"],
  ["Mirage_block Is_read_only", ppBlockWriteError({ kind: "is_read_only" }), "attempted to write to a read-only disk"],
  ["Mirage_block write Disconnected", ppBlockWriteError({ kind: "disconnected" }), "Device is disconnected"],
  ["Mirage_block Msg", ppBlockError({ kind: "msg", message: "read: End_of_file" }), "read: End_of_file"],
  [
    "Mirage_block pp_info",
    ppBlockInfo({ readWrite: true, sectorSize: 512, sizeSectors: 2048n }),
    "{ Mirage_block.read_write = true; sector_size = 512; size_sectors = 2048L }",
  ],
  ["Mirage_kv Not_found", ppKvError({ kind: "not_found", key: k }), "Cannot find the key /a/b"],
  [
    "Mirage_kv Dictionary_expected",
    ppKvError({ kind: "dictionary_expected", key: k }),
    "Expecting a dictionary for the key /a/b",
  ],
  ["Mirage_kv Value_expected", ppKvError({ kind: "value_expected", key: k }), "Expecting a value for the key /a/b"],
  ["Mirage_kv No_space", ppKvWriteError({ kind: "no_space" }), "No space left on device"],
  [
    "Mirage_kv Rename_source_prefix",
    ppKvWriteError({ kind: "rename_source_prefix", source: Key.v("/a"), dest: k }),
    "Rename: source /a is prefix of destination /a/b",
  ],
  ["Mirage_kv Already_present", ppKvWriteError({ kind: "already_present", key: k }), "Key /a/b is already present"],
  ["Mirage_kv write Not_found", ppKvWriteError({ kind: "not_found", key: Key.empty }), "Cannot find the key /"],
  ["Mirage_kv Msg", ppKvError({ kind: "msg", message: "no such bucket" }), "no such bucket"],
  ["Mirage_kv write Msg", ppKvWriteError({ kind: "msg", message: "quota" }), "quota"],
  [
    "Mirage_channel Read_zero",
    ppChannelError({ kind: "read_zero" }, String),
    "FLOW.read returned 0 bytes in violation of the specification",
  ],
  [
    "Mirage_channel Line_too_long",
    ppChannelError({ kind: "line_too_long" }, String),
    "Unable to read a line because it is too long",
  ],
  [
    "Mirage_channel Flow",
    ppChannelError({ kind: "flow", error: { kind: "closed" } as const }, ppFlowWriteError),
    "attempted to write to a closed flow",
  ],
];

describe("error printers match upstream's text", () => {
  it.each(rows)("%s", (_name, printed, upstream) => {
    expect(printed).toBe(upstream);
  });
});
