import { endianness } from "node:os";
import { itRequiring } from "@mirage-ts/test-support";
import { describe, expect, it } from "vitest";
import { netDevDrops, procEndpoint, udpSocketDrops } from "../src/internal/host-counters.js";

// Lines as Linux 6.x prints them, each cut in two here.
const NET_DEV = [
  "Inter-|   Receive                                                |  Transmit",
  " face |bytes    packets errs drop fifo frame compressed multicast|" +
    "bytes    packets errs drop fifo colls carrier compressed",
  "    lo:    1234      12    0    0    0     0          0         0" +
    "     1234      12    0    0    0     0       0          0",
  "mutap0123456789:  98765  432    1    7    0     0          0         0" +
    "    54321     210    0   93    0     0       0          0",
  "",
].join("\n");

const UDP = [
  "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
  "  421: 0100007F:9C40 0100007F:15B3 01 00000000:00000000 00:00000000 00000000     0        0 531 2 " +
    "0000000000000000 17",
  "  422: 0100007F:9C40 0200007F:15B3 01 00000000:00000000 00:00000000 00000000     0        0 532 2 " +
    "0000000000000000 3",
  "",
].join("\n");

describe("the kernel's drop counters", () => {
  it("reads an interface's drops from /proc/net/dev, by its whole name", () => {
    expect(netDevDrops(NET_DEV, "mutap0123456789")).toEqual({ rx: 7, tx: 93 });
    expect(netDevDrops(NET_DEV, "lo")).toEqual({ rx: 0, tx: 0 });
    expect(netDevDrops(NET_DEV, "mutap")).toBeUndefined();
    expect(netDevDrops("", "lo")).toBeUndefined();
  });

  it("writes endpoints as /proc/net/udp does: 32-bit words in host order", () => {
    expect(procEndpoint({ address: "127.0.0.1", port: 40000 }, true)).toBe("0100007F:9C40");
    expect(procEndpoint({ address: "127.0.0.1", port: 40000 }, false)).toBe("7F000001:9C40");
    expect(procEndpoint({ address: "::1", port: 5555 }, true)).toBe("00000000000000000000000001000000:15B3");
    expect(procEndpoint({ address: "fe80::1%eth0", port: 1 }, false)).toBe("FE800000000000000000000000000001:0001");
  });

  itRequiring(
    endianness() === "LE" ? undefined : "a little-endian machine (the sample lines are one's)",
    "finds a connected socket's drops by both its ends",
    {},
    () => {
      const local = { address: "127.0.0.1", port: 40000 };
      expect(udpSocketDrops(UDP, local, { address: "127.0.0.1", port: 5555 })).toBe(17);
      expect(udpSocketDrops(UDP, local, { address: "127.0.0.2", port: 5555 })).toBe(3);
      expect(udpSocketDrops(UDP, local, { address: "127.0.0.3", port: 5555 })).toBeUndefined();
    },
  );
});
