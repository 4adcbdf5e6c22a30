/**
 * A device's `FrameFlags` travel with a frame from the listener through ethernet and IPv4 to TCP: a
 * segment the device vouched for is not summed again (its checksum field may hold anything, as a
 * partial one does), one it did not vouch for still is.
 */

import { FrameFlags } from "@mirage-ts/mirage-types";
import { TcpLayer, internetChecksum } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { settle } from "./helpers/simulation.js";
import { IP_A, IP_B, MAC_A, MAC_B, host, lab } from "./helpers/stacks.js";

/** A SYN from 10.0.0.1:40000 to 10.0.0.2:80 in an ethernet frame, its TCP checksum field wrong. */
function synWithBadChecksum(): Uint8Array {
  const frame = new Uint8Array(14 + 20 + 20);
  MAC_B.write(frame, 0);
  MAC_A.write(frame, 6);
  frame.set([0x08, 0x00], 12);
  frame.set([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, ...IP_A.toBytes(), ...IP_B.toBytes()], 14);
  const ipSum = internetChecksum(frame.subarray(14, 34));
  frame.set([ipSum >>> 8, ipSum & 0xff], 24);
  // Ports 40000 -> 80, seq 1000, data offset 5, SYN, window 65535, checksum 0x1234 (wrong).
  frame.set([0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0x12, 0x34], 34);
  return frame;
}

describe("frame flags from the device to TCP", () => {
  it("a segment vouched for is taken without its checksum verified; an unvouched one is dropped", async () => {
    const l = lab(3);
    const b = await host(l, MAC_B, "10.0.0.2/24");
    const tcp = new TcpLayer({ ip: b.stack.ipv4, clock: l.clock, random: l.random });
    b.stack.setTcpInput((src, dst, segment, _datagram, flags) => tcp.input(src, dst, segment, flags));
    tcp.listen(80, () => undefined);

    await b.stack.input(synWithBadChecksum());
    expect(tcp.stats()).toMatchObject({ segmentsIn: 1, badChecksum: 1, halfOpen: 0 });

    await b.stack.input(synWithBadChecksum(), FrameFlags.checksumValid);
    await settle();
    expect(tcp.stats()).toMatchObject({ segmentsIn: 2, badChecksum: 1, halfOpen: 1 });

    await b.stack.input(synWithBadChecksum(), FrameFlags.checksumPartial);
    expect(tcp.stats().badChecksum).toBe(1);
  });
});
