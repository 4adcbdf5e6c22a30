// Scripts that play a hostile or busy peer from the kernel's side of a link (run in a namespace with
// Debian's python3 and scapy: `missingScapy()`), shared by the packages that meet such a peer.
import { fileURLToPath } from "node:url";

/**
 * `syn-flood.py IFACE OUR_MAC OUR_IP PORT COUNT`: COUNT spoofed TCP SYNs at OUR_IP:PORT out of IFACE
 * (IPv4 or IPv6), three in four from off-link sources; prints `{"syns": COUNT}`.
 */
export const synFloodScript = fileURLToPath(new URL("../fixtures/syn-flood.py", import.meta.url));
