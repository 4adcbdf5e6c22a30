import { createSocket } from "node:dgram";
import { connectNetif, parseNetifSpec } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";

describe("--interface specifications", () => {
  it.each([
    ["tap0", { kind: "tap", name: "tap0" }],
    ["tap:mirage1", { kind: "tap", name: "mirage1" }],
    [
      "udp:5556,5555",
      { kind: "udp", localAddress: "127.0.0.1", localPort: 5556, remoteAddress: "127.0.0.1", remotePort: 5555 },
    ],
    [
      "udp:127.0.0.2:5556,10.1.1.1:5555",
      { kind: "udp", localAddress: "127.0.0.2", localPort: 5556, remoteAddress: "10.1.1.1", remotePort: 5555 },
    ],
    [
      "udp:[::1]:5556,[::1]:5555",
      { kind: "udp", localAddress: "::1", localPort: 5556, remoteAddress: "::1", remotePort: 5555 },
    ],
    ["tap:tap0,queue=8192", { kind: "tap", name: "tap0", queueLength: 8192 }],
    ["mirage1,queue=1", { kind: "tap", name: "mirage1", queueLength: 1 }],
    [
      "udp:5556,5555,queue=524288",
      {
        kind: "udp",
        localAddress: "127.0.0.1",
        localPort: 5556,
        remoteAddress: "127.0.0.1",
        remotePort: 5555,
        queueLength: 524288,
      },
    ],
  ])("%s", (spec, parsed) => {
    expect(parseNetifSpec(spec)).toEqual(parsed);
  });

  it.each([
    "",
    "udp:5556",
    "udp:1,2,3",
    "udp:5556,0",
    "udp:5556,70000",
    "udp:host:5556,5555",
    "tap:",
    "tap:name-much-too-long-for-linux",
    "tap:tap0,queue=8,queue=9",
    "udp:5556,5555,queue=8,",
  ])("rejects %j naming the accepted forms", (spec) => {
    expect(() => parseNetifSpec(spec)).toThrow(/invalid interface .*expected tap:NAME, NAME or udp:LOCAL,REMOTE/);
  });

  it.each(["0", "524289", "-1", "1.5", "", "many", "12345678"])("rejects queue=%s naming the range", (queue) => {
    const spec = `tap:tap0,queue=${queue}`;
    expect(() => parseNetifSpec(spec)).toThrow(
      new RangeError(
        `invalid interface ${JSON.stringify(spec)}: queue=${queue} must be a number of frames from 1 to 524288`,
      ),
    );
  });

  it("connects a UDP tunnel from its specification and carries a frame", async () => {
    const peer = createSocket("udp4");
    await new Promise<void>((resolve) => peer.bind(0, "127.0.0.1", resolve));
    const peerPort = peer.address().port;
    const netif = await connectNetif(`udp:0,${peerPort},queue=16`);
    try {
      const got = new Promise<Buffer>((resolve) => peer.once("message", resolve));
      const frame = Uint8Array.from({ length: 60 }, (_, i) => i);
      const sent = await netif.write(60, (buffer) => {
        buffer.set(frame);
        return 60;
      });
      expect(sent.ok).toBe(true);
      expect([...(await got)]).toEqual([...frame]);
    } finally {
      await netif.disconnect();
      peer.close();
    }
  });
});
