/**
 * Crafted-segment scenarios (packetdrill style, see tcp/script.ts): the SUT at 10.0.0.1 against a
 * scripted peer. The SUT's sequence numbers are relative to its ISN, the peer's are absolute.
 */

import { describe, expect, it } from "vitest";
import { runScript } from "./tcp/script.js";
import { established, plain } from "./tcp/scripts.js";

describe("handshake", () => {
  it("passive open with every option negotiated", async () => {
    const { stats } = await runScript(`
      0      listen 8080
      +0     < S 0:0(0) win 65535 <mss 1400,sackOK,TS val 100 ecr 0,nop,wscale 7>
      +0     > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val * ecr 100,wscale 3>
      +0.010 < . 1:1(0) ack 1 win 512 <nop,nop,TS val 110 ecr *>
      +0     accept
      +0     write 3000
      // MSS 1400 from the peer minus 12 bytes of timestamps; our window is 262144 >> 3.
      +0     > . 1:1389(1388) ack 1 win 32768 <TS val * ecr 110>
      +0     > . 1389:2777(1388) ack 1 win 32768
      +0     > P. 2777:3001(224) ack 1
    `);
    expect(stats.connections).toBe(1);
    expect(stats.passiveOpens).toBe(1);
  });

  it("active open", async () => {
    await runScript(
      `
      0      connect 80
      +0     > S 0:0(0) win 65535 <mss 1460>
      +0.020 < S. 0:0(0) ack 1 win 8192 <mss 1000>
      +0     > . 1:1(0) ack 1 win 65535
      +0     connected
      +0     write 2500
      +0     > . 1:1001(1000) ack 1
      +0     > . 1001:2001(1000) ack 1
      +0     > P. 2001:2501(500) ack 1
      +0.020 < . 1:1(0) ack 2501 win 8192
    `,
      { config: plain },
    );
  });

  it("retransmits the SYN with backoff, then fails with a timeout", async () => {
    const { stats } = await runScript(
      `
      0      connect 80
      +0     > S 0:0(0) <mss 1460>
      +1     > S 0:0(0)
      +2     > S 0:0(0)
      +3.999 connect-pending
      +0.001 connect-error timeout
      +0     stats connections 0 timers 0
    `,
      { config: { ...plain, synRetries: 2 } },
    );
    expect(stats.timedOut).toBe(1);
  });

  it("retransmits an unanswered SYN-ACK with backoff, then forgets the half-open connection", async () => {
    const { stats } = await runScript(
      `
      0      listen 8080
      +0     < S 0:0(0) win 1000
      +0     > S. 0:0(0) ack 1 <mss 1460>
      +1     > S. 0:0(0) ack 1
      +2     > S. 0:0(0) ack 1
      +3.999 stats halfOpen 1 connections 1
      +0.001 stats halfOpen 0 connections 0 timers 0
    `,
      { config: { ...plain, synAckRetries: 2 } },
    );
    expect(stats.timedOut).toBe(1);
  });

  it("answers a retransmitted SYN with the same SYN-ACK", async () => {
    await runScript(
      `
      0      listen 8080
      +0     < S 0:0(0) win 1000
      +0     > S. 0:0(0) ack 1
      +0.5   < S 0:0(0) win 1000
      +0     > S. 0:0(0) ack 1
      +0.01  < . 1:1(0) ack 1 win 1000
      +0     accept
    `,
      { config: plain },
    );
  });

  it("clamps a tiny peer MSS and the MSS to the path", async () => {
    await runScript(
      `
      0      listen 8080
      +0     < S 0:0(0) win 65535 <mss 10>
      +0     > S. 0:0(0) ack 1 <mss 1200>
      +0.01  < . 1:1(0) ack 1 win 65535
      +0     accept
      +0     nodelay on
      +0     write 200
      +0     > . 1:89(88) ack 1
      +0     > . 89:177(88) ack 1
      +0     > P. 177:201(24) ack 1
    `,
      { config: plain, mtu: 1220 },
    );
  });

  it("sizes window scaling by the receive buffer", async () => {
    await runScript(
      `
      0      listen 8080
      +0     < S 0:0(0) win 65535 <mss 1460,wscale 2>
      +0     > S. 0:0(0) ack 1 win 65535 <mss 1460,wscale 5>
      +0.01  < . 1:1(0) ack 1 win 1000
      +0     accept
      +0     write 10
      +0     > P. 1:11(10) ack 1 win 32768
    `,
      { config: { timestamps: false, sack: false, receiveBufferSize: 1 << 20 } },
    );
  });
});

describe("simultaneous open and close", () => {
  it("simultaneous open: crossing SYNs, then SYN-ACKs", async () => {
    await runScript(
      `
      0      connect 8080
      +0     > S 0:0(0) <mss 1460>
      +0.01  < S 0:0(0) win 5000 <mss 1000>
      +0     > S. 0:0(0) ack 1 <mss 1460>
      +0.01  < S. 0:0(0) ack 1 win 5000 <mss 1000>
      +0     connected
      +0     write 100
      +0     > P. 1:101(100) ack 1
    `,
      { config: plain },
    );
  });

  it("simultaneous open completed by plain ACKs", async () => {
    await runScript(
      `
      0      connect 8080
      +0     > S 0:0(0)
      +0.01  < S 0:0(0) win 5000 <mss 1000>
      +0     > S. 0:0(0) ack 1
      +0.01  < . 1:1(0) ack 1 win 5000
      +0     connected
    `,
      { config: plain },
    );
  });

  it("simultaneous close goes through CLOSING to TIME-WAIT", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.100  < F. 1:1(0) ack 1 win 65535
      0.100  > . 2:2(0) ack 2
      0.110  < . 2:2(0) ack 2 win 65535
      0.110  stats timeWait 1 connections 1
      60.109 stats timeWait 1
      60.110 stats timeWait 0 connections 0 timers 0 sendBufferedBytes 0 receiveBufferedBytes 0
    `,
      { config: plain },
    );
  });
});

describe("RST in every state", () => {
  it("SYN-SENT: ignores a RST without ACK or with a bad ACK, accepts one that acknowledges the SYN", async () => {
    await runScript(
      `
      0      connect 80
      +0     > S 0:0(0)
      +0.01  < R 0:0(0) win 0
      +0     < R. 0:0(0) ack 5 win 0
      +0     connect-pending
      +0     < R. 0:0(0) ack 1 win 0
      +0     connect-error refused
      +0     stats connections 0 timers 0
    `,
      { config: plain },
    );
  });

  it("SYN-RECEIVED: an exact RST sends the half-open connection back to LISTEN", async () => {
    await runScript(
      `
      0      listen 8080
      +0     < S 0:0(0) win 1000
      +0     > S. 0:0(0) ack 1
      +0.01  < R 1:1(0) win 0
      +0     stats halfOpen 0 connections 0 timers 0
      +0     no-accept
      +0.01  < S 0:0(0) win 1000
      +0     > S. 0:0(0) ack 1
    `,
      { config: plain },
    );
  });

  it("ESTABLISHED: an exact RST resets readers and writers", async () => {
    const { stats } = await runScript(
      `${established}
      0.100  read pending
      0.200  < R 1:1(0) win 0
      0.200  read reset
      0.200  write 10
      0.200  write-error reset
      0.200  read reset
      0.200  stats connections 0 timers 0 sendBufferedBytes 0
    `,
      { config: plain },
    );
    expect(stats.resetsReceived).toBe(1);
  });

  it("ESTABLISHED: a reset with unread data delivers the data first", async () => {
    await runScript(
      `${established}
      0.100  < P. 1:101(100) ack 1 win 65535
      0.100  < R 101:101(0) win 0
      0.100  read 100
      0.100  read reset
      0.100  stats receiveBufferedBytes 0 allocatedBufferBytes 0
    `,
      { config: plain },
    );
  });

  it("FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT and LAST-ACK close on an exact RST", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.110  < R 1:1(0) win 0
      0.110  stats connections 0 timers 0
    `,
      { config: plain },
    );
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.110  < . 1:1(0) ack 2 win 65535
      0.120  < R 1:1(0) win 0
      0.120  stats connections 0 timers 0
    `,
      { config: plain },
    );
    await runScript(
      `${established}
      0.100  < F. 1:1(0) ack 1 win 65535
      0.100  > . 1:1(0) ack 2
      0.100  read eof
      0.200  < R 2:2(0) win 0
      0.200  write 10
      0.200  write-error reset
      0.200  stats connections 0 timers 0
    `,
      { config: plain },
    );
    await runScript(
      `${established}
      0.100  < F. 1:1(0) ack 1 win 65535
      0.100  > . 1:1(0) ack 2
      0.100  read eof
      0.100  close
      0.100  > F. 1:1(0) ack 2
      0.200  < R 2:2(0) win 0
      0.200  stats connections 0 timers 0
    `,
      { config: plain },
    );
  });

  it("CLOSING closes on an exact RST", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.100  < F. 1:1(0) ack 1 win 65535
      0.100  > . 2:2(0) ack 2
      0.110  < R 2:2(0) win 0
      0.110  stats connections 0 timers 0
    `,
      { config: plain },
    );
  });

  it("TIME-WAIT ignores a RST (RFC 1337)", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.100  < F. 1:1(0) ack 2 win 65535
      0.100  > . 2:2(0) ack 2
      0.100  stats timeWait 1
      0.200  < R 2:2(0) win 0
      0.200  stats timeWait 1 connections 1
    `,
      { config: plain },
    );
  });

  it("closed port: a SYN gets RST-ACK, an ACK gets a RST at its ack number, a RST gets nothing", async () => {
    const { stats } = await runScript(
      `
      0      port 9999
      +0     < S 1000:1000(0) win 1000
      +0     > R. 0:0(0) ack 1001 win 0
      +0     < . 5:5(0) ack 77 win 1000
      +0     > R 77:77(0) win 0
      +0     < P 5:15(10) win 1000
      +0     > R. 0:0(0) ack 15
      +0     < R 5:5(0) win 0
      +0     stats connections 0 resetsSent 3
    `,
      { config: plain },
    );
    expect(stats.segmentsIn).toBe(4);
  });

  it("a listener answers a stray ACK with RST and ignores a stray RST", async () => {
    await runScript(
      `
      0      listen 8080
      +0     < . 5:5(0) ack 77 win 1000
      +0     > R 77:77(0) win 0
      +0     < R 5:5(0) win 0
      +0     stats connections 0
    `,
      { config: plain },
    );
  });
});

describe("RFC 5961", () => {
  it("1. a blind RST to SYN-SENT (bad ACK) is ignored and the connection completes", async () => {
    await runScript(
      `
      0      connect 80
      +0     > S 0:0(0)
      +0.01  < R. 0:0(0) ack 0 win 0
      +0     < S. 0:0(0) ack 1 win 5120
      +0     > . 1:1(0) ack 1
      +0     connected
    `,
      { config: plain },
    );
  });

  it("2. a RST acknowledging the SYN refuses the connection", async () => {
    await runScript(
      `
      0      connect 80
      +0     > S 0:0(0)
      +0.01  < R. 0:0(0) ack 1 win 0
      +0     connect-error refused
    `,
      { config: plain },
    );
  });

  it("3. an in-window RST that is not exact gets a challenge ACK and the connection survives", async () => {
    await runScript(
      `${established}
      0.100  < R 10:10(0) win 0
      0.100  > . 1:1(0) ack 1
      0.100  read pending
      0.100  stats connections 1 challengeAcks 1
    `,
      { config: plain },
    );
  });

  it("4. an exact RST resets the connection; an out-of-window one is dropped silently", async () => {
    await runScript(
      `${established}
      0.100  < R 100000:100000(0) win 0
      0.100  stats connections 1
      0.100  < R 1:1(0) win 0
      0.100  read reset
    `,
      { config: plain },
    );
  });

  it("5. a SYN on an established connection gets a challenge ACK", async () => {
    await runScript(
      `${established}
      0.100  < S 10:10(0) win 1000
      0.100  > . 1:1(0) ack 1
      0.100  stats connections 1
      0.100  read pending
    `,
      { config: plain },
    );
  });

  it("6. data with an ACK older than the largest window is not delivered and gets a challenge ACK", async () => {
    await runScript(
      `
      0      connect 80
      +0     > S 0:0(0)
      +0.01  < S. 1000000:1000000(0) ack 1 win 5120
      +0     > . 1:1(0) ack 1000001
      +0     connected
      // ack = 1 - (5120 + 100), far behind SND.UNA - MAX.SND.WND.
      +0.01  < P. 1000001:1000513(512) ack 4294962077 win 5120
      +0     > . 1:1(0) ack 1000001
      +0     read pending
    `,
      { config: plain },
    );
  });

  it("7. data with an old but acceptable ACK is delivered", async () => {
    await runScript(
      `
      0      connect 80
      +0     > S 0:0(0)
      +0.01  < S. 1000000:1000000(0) ack 1 win 5120
      +0     > . 1:1(0) ack 1000001
      +0     connected
      // ack = 1 - (5120 - 100): behind SND.UNA but within MAX.SND.WND.
      +0.01  < P. 1000001:1000513(512) ack 4294962277 win 5120
      +0     read 512
      +0.04  > . 1:1(0) ack 1000513
    `,
      { config: plain },
    );
  });

  it("challenge ACKs are rate limited per connection", async () => {
    const { stats } = await runScript(
      `${established}
      0.100  < S 10:10(0) win 1000
      0.100  > . 1:1(0) ack 1
      0.100  < R 10:10(0) win 0
      0.100  > . 1:1(0) ack 1
      0.100  < S 10:10(0) win 1000
      0.100  < R 10:10(0) win 0
      0.100  stats challengeAcks 2 challengeAcksSuppressed 2
      1.100  < S 10:10(0) win 1000
      1.100  > . 1:1(0) ack 1
    `,
      // No interval between answers to invalid segments: this is the per-second limit alone.
      { config: { ...plain, challengeAckLimit: 2, invalidRateLimitMs: 0 } },
    );
    expect(stats.challengeAcks).toBe(3);
  });

  it("an ACK for data never sent gets an ACK and is otherwise ignored", async () => {
    await runScript(
      `${established}
      0.100  < P. 1:11(10) ack 500 win 65535
      0.100  > . 1:1(0) ack 1
      0.100  read pending
    `,
      { config: plain },
    );
  });
});

describe("zero window", () => {
  it("probes a zero window with exponential backoff until it opens", async () => {
    await runScript(
      `
      0.000  listen 8080
      0.000  < S 0:0(0) win 1460 <mss 1460>
      0.000  > S. 0:0(0) ack 1 <mss 1460>
      0.010  < . 1:1(0) ack 1 win 1460
      0.010  accept
      0.010  write 3000
      0.010  > . 1:1461(1460) ack 1
      0.020  < . 1:1(0) ack 1461 win 0
      1.020  > . 1460:1460(0) ack 1
      1.030  < . 1:1(0) ack 1461 win 0
      3.020  > . 1460:1460(0) ack 1
      3.030  < . 1:1(0) ack 1461 win 0
      7.020  > . 1460:1460(0) ack 1
      7.030  < . 1:1(0) ack 1461 win 3000
      7.030  > . 1461:2921(1460) ack 1
      7.030  > P. 2921:3001(80) ack 1
      7.030  write-ok
    `,
      { config: plain },
    );
  });

  it("drops the connection when probes stay unanswered past the user timeout", async () => {
    await runScript(
      `
      0.000  listen 8080
      0.000  < S 0:0(0) win 1460 <mss 1460>
      0.000  > S. 0:0(0) ack 1 <mss 1460>
      0.010  < . 1:1(0) ack 1 win 1460
      0.010  accept
      0.010  write 3000
      0.010  > . 1:1461(1460) ack 1
      0.010  write-ok
      0.020  < . 1:1(0) ack 1461 win 0
      1.020  > . 1460:1460(0) ack 1
      3.020  > . 1460:1460(0) ack 1
      7.019  stats connections 1
      7.020  read timeout
      7.020  write 10
      7.020  write-error timeout
      7.020  stats connections 0 timers 0 sendBufferedBytes 0
    `,
      { config: { ...plain, userTimeoutMs: 7000 } },
    );
  });

  it("advertises a zero window when the buffer is full, answers probes, and reopens after a read", async () => {
    await runScript(
      `
      0.000  listen 8080
      0.000  < S 0:0(0) win 65535 <mss 1000>
      0.000  > S. 0:0(0) ack 1 win 2000 <mss 1460>
      0.010  < . 1:1(0) ack 1 win 65535
      0.010  accept
      0.020  < . 1:1001(1000) ack 1 win 65535
      0.020  < . 1001:2001(1000) ack 1 win 65535
      0.020  > . 1:1(0) ack 2001 win 0
      0.500  < . 2000:2000(0) ack 1 win 65535
      0.500  > . 1:1(0) ack 2001 win 0
      0.600  < . 2001:2002(1) ack 1 win 65535
      0.600  > . 1:1(0) ack 2001 win 0
      0.700  read 2000
      0.700  > . 1:1(0) ack 2001 win 2000
    `,
      { config: { ...plain, receiveBufferSize: 2000 } },
    );
  });

  it("avoids the silly window: a small opening is not advertised until it is worth a segment", async () => {
    await runScript(
      `
      0.000  listen 8080
      0.000  < S 0:0(0) win 65535 <mss 1000>
      0.000  > S. 0:0(0) ack 1 win 4000 <mss 1460>
      0.010  < . 1:1(0) ack 1 win 65535
      0.010  accept
      0.020  < . 1:1001(1000) ack 1 win 65535
      0.020  < . 1001:2001(1000) ack 1 win 65535
      0.020  > . 1:1(0) ack 2001 win 2000
      0.030  < . 2001:3001(1000) ack 1 win 65535
      0.030  < . 3001:3901(900) ack 1 win 65535
      0.030  > . 1:1(0) ack 3901 win 100
      // Reading 2000 bytes frees 2100, which would move the edge by 2000: worth an update.
      0.100  read 3900
      0.100  > . 1:1(0) ack 3901 win 4000
    `,
      { config: { ...plain, receiveBufferSize: 4000 } },
    );
  });
});

describe("delayed ACK", () => {
  it("delays a lone ACK by 40 ms, acknowledges every second segment, out-of-order and hole fills at once", async () => {
    await runScript(
      `${established}
      0.100  < P. 1:101(100) ack 1 win 65535
      0.140  > . 1:1(0) ack 101
      0.200  < . 101:1561(1460) ack 1 win 65535
      0.200  < . 1561:3021(1460) ack 1 win 65535
      0.200  > . 1:1(0) ack 3021
      0.300  < . 4481:5941(1460) ack 1 win 65535
      0.300  > . 1:1(0) ack 3021
      0.300  < . 3021:4481(1460) ack 1 win 65535
      0.300  > . 1:1(0) ack 5941
      0.300  read 5940
    `,
      { config: plain },
    );
  });

  it("acknowledges a burst of segments delivered together once, up to 64 KiB, but each out-of-order one", async () => {
    const burst = (from: number, count: number) =>
      Array.from(
        { length: count },
        (_, i) =>
          `0.200  ${i === count - 1 ? "<" : "<<"} . ${from + i * 1000}:${from + (i + 1) * 1000}(1000) ack 1 win 65535`,
      ).join("\n");
    await runScript(
      `${established}
      ${burst(1, 10)}
      0.200  > . 1:1(0) ack 10001
      // 80 segments: the ACK owed goes at 64 KiB of unacknowledged data, then at the burst's end.
      ${burst(10001, 80)}
      0.200  > . 1:1(0) ack 76001
      0.200  > . 1:1(0) ack 90001
      // A read hands over at most 64 KiB.
      0.200  read 65536
      0.200  read 24464
      // A hole: every segment after it is acknowledged at once, for the sender's duplicate-ACK count.
      0.300  << . 91001:92001(1000) ack 1 win 65535
      0.300  << . 92001:93001(1000) ack 1 win 65535
      0.300  < . 93001:94001(1000) ack 1 win 65535
      0.300  > . 1:1(0) ack 90001
      0.300  > . 1:1(0) ack 90001
      0.300  > . 1:1(0) ack 90001
    `,
      { config: { ...plain, receiveBufferSize: 1 << 20 } },
    );
  });

  it("acknowledges a segment larger than the MSS without the delay: it was coalesced from two or more", async () => {
    await runScript(
      `${established}
      // One full-sized segment (our MSS, 1460) waits for the delay; one of 2920 bytes (a peer's
      // segmentation offload, or our device's receive offload) is two, acknowledged at once.
      0.100  < . 1:1461(1460) ack 1 win 65535
      0.140  > . 1:1(0) ack 1461
      0.200  < . 1461:4381(2920) ack 1 win 65535
      0.200  > . 1:1(0) ack 4381
      0.300  < P. 4381:7301(2920) ack 1 win 65535
      0.300  > . 1:1(0) ack 7301
      0.300  read 7300
    `,
      { config: plain },
    );
  });

  it("piggybacks the ACK on data written within the delay", async () => {
    await runScript(
      `${established}
      0.100  < P. 1:101(100) ack 1 win 65535
      0.120  write 50
      0.120  > P. 1:51(50) ack 101
      0.300  stats segmentsOut 2
    `,
      { config: plain },
    );
  });

  it("acknowledges at once with a zero delay", async () => {
    await runScript(
      `${established}
      0.100  < P. 1:101(100) ack 1 win 65535
      0.100  > . 1:1(0) ack 101
    `,
      { config: { ...plain, delayedAckMs: 0 } },
    );
  });
});

describe("Nagle", () => {
  it("coalesces small writes while a small segment is unacknowledged, and not with no-delay", async () => {
    await runScript(
      `${established}
      0.100  write 100
      0.100  > P. 1:101(100) ack 1
      0.100  write 100
      0.110  write 100
      0.120  < . 1:1(0) ack 101 win 65535
      0.120  > P. 101:301(200) ack 1
      0.130  < . 1:1(0) ack 301 win 65535
      0.130  nodelay on
      0.130  write 100
      0.130  > P. 301:401(100) ack 1
      0.130  write 100
      0.130  > P. 401:501(100) ack 1
      0.140  nodelay off
      0.140  write 100
      0.150  < . 1:1(0) ack 501 win 65535
      0.150  > P. 501:601(100) ack 1
    `,
      { config: plain },
    );
  });

  it("turning no-delay on flushes data Nagle was holding", async () => {
    await runScript(
      `${established}
      0.100  write 100
      0.100  > P. 1:101(100) ack 1
      0.100  write 100
      0.110  nodelay on
      0.110  > P. 101:201(100) ack 1
    `,
      { config: plain },
    );
  });
});

describe("closing", () => {
  it("retransmits an unacknowledged FIN with backoff; FIN-WAIT-2 ends after its timeout", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      1.100  > F. 1:1(0) ack 1
      3.100  > F. 1:1(0) ack 1
      3.110  < . 1:1(0) ack 2 win 65535
      3.110  stats connections 1
      63.109 stats connections 1
      63.110 stats connections 0 timers 0
    `,
      { config: plain },
    );
  });

  it("TIME-WAIT re-acknowledges a retransmitted FIN and restarts, then expires", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.110  < . 1:1(0) ack 2 win 65535
      0.120  < F. 1:1(0) ack 2 win 65535
      0.120  > . 2:2(0) ack 2
      0.120  stats timeWait 1
      30.120 < F. 1:1(0) ack 2 win 65535
      30.120 > . 2:2(0) ack 2
      90.119 stats timeWait 1
      90.120 stats timeWait 0 connections 0 timers 0
    `,
      { config: plain },
    );
  });

  it("a new SYN with a higher sequence number reuses a tuple in TIME-WAIT (RFC 6191)", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.100  < F. 1:1(0) ack 2 win 65535
      0.100  > . 2:2(0) ack 2
      1.000  < S 100:100(0) win 65535 <mss 1460>
      1.000  > S. 0:0(0) ack 101 <mss 1460>
      1.000  stats timeWait 0 halfOpen 1
    `,
      { config: plain },
    );
  });

  it("half-close: after shutdown(write) data still flows in", async () => {
    await runScript(
      `${established}
      0.100  shutdown write
      0.100  > F. 1:1(0) ack 1
      0.100  write 10
      0.100  write-error closed
      0.110  < P. 1:101(100) ack 2 win 65535
      0.110  read 100
      0.150  > . 2:2(0) ack 101
      0.200  < F. 101:101(0) ack 2 win 65535
      0.200  > . 2:2(0) ack 102
      0.200  read eof
      0.200  stats timeWait 1
    `,
      { config: plain },
    );
  });

  it("closing with unread data sends a RST (RFC 1122 4.2.2.13)", async () => {
    await runScript(
      `${established}
      0.100  < P. 1:101(100) ack 1 win 65535
      0.110  close
      0.110  > R. 1:1(0) ack 101
      0.110  stats connections 0 timers 0 receiveBufferedBytes 0 allocatedBufferBytes 0
    `,
      { config: plain },
    );
  });

  it("data arriving after close is answered with RST", async () => {
    await runScript(
      `${established}
      0.100  close
      0.100  > F. 1:1(0) ack 1
      0.110  < P. 1:101(100) ack 2 win 65535
      0.110  > R. 2:2(0) ack 1
      0.110  stats connections 0
    `,
      { config: plain },
    );
  });
});

describe("timers", () => {
  it("keepalive probes an idle peer and drops it after the last unanswered probe", async () => {
    const { stats } = await runScript(
      `${established}
      10.010 > . 0:0(0) ack 1
      11.010 > . 0:0(0) ack 1
      12.010 > . 0:0(0) ack 1
      13.009 read pending
      13.010 read timeout
      13.010 stats connections 0 timers 0
    `,
      { config: { ...plain, keepalive: { afterNs: 10_000_000_000n, intervalNs: 1_000_000_000n, probes: 3 } } },
    );
    expect(stats.timedOut).toBe(1);
  });

  it("an answered keepalive probe keeps the connection", async () => {
    await runScript(
      `${established}
      10.010 > . 0:0(0) ack 1
      10.020 < . 1:1(0) ack 1 win 65535
      20.020 > . 0:0(0) ack 1
      20.030 < . 1:1(0) ack 1 win 65535
      25.000 stats connections 1
    `,
      { config: { ...plain, keepalive: { afterNs: 10_000_000_000n, intervalNs: 1_000_000_000n, probes: 3 } } },
    );
  });

  it("the user timeout drops a connection whose data stays unacknowledged", async () => {
    await runScript(
      `${established}
      0.100  write 100
      0.100  > P. 1:101(100) ack 1
      1.100  > P. 1:101(100) ack 1
      3.100  > P. 1:101(100) ack 1
      5.099  stats connections 1
      5.100  read timeout
      5.100  stats connections 0 timers 0
    `,
      { config: { ...plain, userTimeoutMs: 5000 } },
    );
  });

  it("RTO follows RFC 6298 with a configurable minimum", async () => {
    await runScript(
      `${established}
      0.100  write 100
      0.100  > P. 1:101(100) ack 1
      0.300  > P. 1:101(100) ack 1
      0.700  > P. 1:101(100) ack 1
      0.710  < . 1:1(0) ack 101 win 65535
    `,
      // The handshake measured 10 ms: RTO = max(10 + 4 * 5, 200).
      { config: { ...plain, minRtoMs: 200 } },
    );
  });
});

describe("listen backlog", () => {
  it("without SYN cookies, drops SYNs beyond the backlog and accepts again once one is handed over", async () => {
    const { stats } = await runScript(
      `
      0      listen 8080 backlog 2
      +0     < @40001 S 0:0(0) win 65535
      +0     > @40001 S. 0:0(0) ack 1
      +0     < @40002 S 0:0(0) win 65535
      +0     > @40002 S. 0:0(0) ack 1
      +0     < @40003 S 0:0(0) win 65535
      +0     stats listenOverflows 1 halfOpen 2
      +0.01  < @40001 . 1:1(0) ack 1 win 65535
      +0     accept
      +0     < @40003 S 0:0(0) win 65535
      +0     > @40003 S. 0:0(0) ack 1
      +0     stats halfOpen 2 connections 3
    `,
      { config: { ...plain, synCookies: false } },
    );
    expect(stats.passiveOpens).toBe(1);
  });

  it("without SYN cookies, bounds half-open connections over all listeners", async () => {
    await runScript(
      `
      0      listen 8080
      +0     < @40001 S 0:0(0) win 65535
      +0     > @40001 S. 0:0(0) ack 1
      +0     < @40002 S 0:0(0) win 65535
      +0     stats listenOverflows 1 halfOpen 1 connections 1
    `,
      { config: { ...plain, maxHalfOpen: 1, synCookies: false } },
    );
  });
});

describe("SYN cookies", () => {
  it("with cookies, never evicts a half-open connection for a SYN that found the backlog full", async () => {
    // 40002's ACK and 40003's cookie ACK fill the backlog with connections the listener has not taken yet
    // (it takes them after the batch); 40004's SYN then finds no room. Evicting 40001, half-open for a whole
    // initial RTO, would answer its ACK, queued right behind, with a RST: the peer believed it was connected.
    const { stats } = await runScript(
      `
      0      listen 8080 backlog 2
      +0     < @40001 S 0:0(0) win 65535
      +0     > @40001 S. 0:0(0) ack 1
      +0     < @40002 S 0:0(0) win 65535
      +0     > @40002 S. 0:0(0) ack 1
      +0     < @40003 S 0:0(0) win 65535
      +0     > @40003 S. 0:0(0) ack 1
      +1     > @40001 S. 0:0(0) ack 1
      +0     > @40002 S. 0:0(0) ack 1
      +0.1   << @40002 . 1:1(0) ack 1 win 65535
      +0     << @40003 . 1:1(0) ack 1 win 65535
      +0     << @40004 S 0:0(0) win 65535
      +0     < @40001 . 1:1(0) ack 1 win 65535
      +0     stats halfOpenEvicted 0 listenOverflows 1 connections 3
    `,
      { config: plain },
    );
    expect(stats.passiveOpens).toBe(3);
  });

  // A first SYN fills the backlog of 1; the next ones are answered with cookies.
  const full = `
      0      listen 8080 backlog 1
      +0     < @40001 S 0:0(0) win 65535
      +0     > @40001 S. 0:0(0) ack 1`;
  // The first retransmission of the half-open SYN-ACK comes after the scripts end.
  const slowRto = { ...plain, initialRtoMs: 200_000, maxRtoMs: 600_000 };

  it("a valid cookie ACK opens the connection, which carries data both ways", async () => {
    const { stats } = await runScript(
      `${full}
      +0     < @40002 S 0:0(0) win 65535 <mss 1460>
      +0     > @40002 S. 0:0(0) ack 1 <mss 1460>
      +0     stats synCookiesSent 1 halfOpen 1 connections 1
      +0.1   < @40002 P. 1:11(10) ack 1 win 65535
      +0     stats synCookiesValid 1 passiveOpens 1 connections 2
      +0     accept
      +0     read 10
      +0     write 100
      +0     > @40002 P. 1:101(100) ack 11
    `,
      { config: slowRto },
    );
    expect(stats.synCookiesInvalid).toBe(0);
  });

  it("a cookie ACK wins over the half-open entry a retransmitted SYN made once the backlog had room", async () => {
    // 40002's SYN gets a cookie; 40001 is taken, and 40002's retransmitted SYN, finding room, makes a
    // half-open entry with another ISS. The peer took the cookie's SYN-ACK: its ACK opens the connection
    // and the entry goes without a RST (connect-burst lost 128 of 2000 clients to that RST under load).
    const { stats } = await runScript(
      `${full}
      +0     < @40002 S 0:0(0) win 65535 <mss 1460>
      +0     > @40002 S. 0:0(0) ack 1 <mss 1460>
      +0     < @40001 . 1:1(0) ack 1 win 65535
      +0     accept
      +0.1   < @40002 S 0:0(0) win 65535 <mss 1460>
      +0     > @40002 S. 0:0(0) ack 1 <mss 1460>
      +0     stats halfOpen 1
      +0.1   < @40002 P. 1:11(10) ack 1 isn 1 win 65535
      +0     stats synCookiesValid 1 halfOpen 0 connections 2
      +0     accept
      +0     read 10
    `,
      { config: slowRto },
    );
    expect(stats.resetsSent).toBe(0);
  });

  it("a forged cookie ACK gets a RST and opens nothing", async () => {
    await runScript(
      `${full}
      +0     < @40002 S 0:0(0) win 65535
      +0     > @40002 S. 0:0(0) ack 1
      +0.1   < @40002 . 1:1(0) ack 12345 win 65535
      +0     > @40002 R 12345:12345(0)
      +0     < @40003 . 1:1(0) ack 1 win 65535
      +0     > @40003 R 1:1(0)
      +0     stats synCookiesInvalid 2 synCookiesValid 0 connections 1
      +0     no-accept
    `,
      { config: slowRto },
    );
  });

  it("a cookie is valid under the previous secret and expires with it", async () => {
    await runScript(
      `${full}
      +0     < @40002 S 0:0(0) win 65535
      +0     > @40002 S. 0:0(0) ack 1
      +0     < @40003 S 0:0(0) win 65535
      +0     > @40003 S. 0:0(0) ack 1
      +70    < @40002 . 1:1(0) ack 1 win 65535
      +0     stats synCookiesValid 1
      +0     accept
      +59    < @40004 S 0:0(0) win 65535
      +0     > @40004 S. 0:0(0) ack 1
      +0     < @40003 . 1:1(0) ack 1 win 65535
      +0     > @40003 R 1:1(0)
      +0     stats synCookiesSent 3 synCookiesValid 1 synCookiesInvalid 1
    `,
      { config: slowRto },
    );
  });

  // The peer's window of 30 is 3840 bytes at its shift of 7, 240 at ours of 3: the cookie must keep the peer's.
  it("keeps window scale, SACK and timestamps when the peer sends timestamps", async () => {
    await runScript(
      `
      0      listen 8080 backlog 1
      +0     < @40001 S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
      +0     > @40001 S. 0:0(0) ack 1 <mss 1460,sackOK,TS val * ecr 100,nop,wscale 3>
      +0     < @40002 S 0:0(0) win 65535 <mss 1460,sackOK,TS val 200 ecr 0,nop,wscale 7>
      +0     > @40002 S. 0:0(0) ack 1 <mss 1460,sackOK,TS val * ecr 200,nop,wscale 3>
      +0.1   < @40002 . 1:1(0) ack 1 win 30 <nop,nop,TS val 201 ecr *>
      +0     stats synCookiesValid 1
      +0     accept
      +0     write 3000
      +0     > @40002 . 1:1449(1448) ack 1 <nop,nop,TS val * ecr 201>
      +0     > @40002 . 1449:2897(1448) ack 1 <nop,nop,TS val * ecr 201>
      +0     > @40002 P. 2897:3001(104) ack 1 <nop,nop,TS val * ecr 201>
      +0.1   < @40002 . 1001:1101(100) ack 3001 win 30 <nop,nop,TS val 202 ecr *>
      +0     > @40002 . 3001:3001(0) ack 1 <sack 1001:1101>
    `,
      {
        config: {
          timestamps: true,
          sack: true,
          windowScaling: true,
          receiveBufferSize: 262144,
          initialRtoMs: 200_000,
          maxRtoMs: 600_000,
        },
      },
    );
  });

  it("offers neither window scale nor SACK without timestamps, and the connection goes without", async () => {
    await runScript(
      `
      0      listen 8080 backlog 1
      +0     < @40001 S 0:0(0) win 65535 <mss 1460,sackOK,nop,wscale 7>
      +0     > @40001 S. 0:0(0) ack 1 <mss 1460,sackOK,nop,wscale 3>
      +0     < @40002 S 0:0(0) win 65535 <mss 1000,sackOK,nop,wscale 7>
      +0     > @40002 S. 0:0(0) ack 1 <mss 1460>
      +0.1   < @40002 . 1:1(0) ack 1 win 1100
      +0     accept
      +0     write 3000
      +0     > @40002 . 1:537(536) ack 1
      +0     > @40002 . 537:1073(536) ack 1
    `,
      {
        config: {
          timestamps: false,
          sack: true,
          windowScaling: true,
          receiveBufferSize: 262144,
          initialRtoMs: 200_000,
          maxRtoMs: 600_000,
        },
      },
    );
  });
});

describe("loss recovery", () => {
  const sack = { timestamps: false, sack: true, windowScaling: false, receiveBufferSize: 65535 } as const;
  const sending = `
      0.000  listen 8080
      0.000  < S 0:0(0) win 65535 <mss 1000,sackOK>
      0.000  > S. 0:0(0) ack 1 <mss 1460,sackOK>
      0.100  < . 1:1(0) ack 1 win 65535
      0.100  accept
      0.100  write 10000
      0.100  > . 1:1001(1000) ack 1
      0.100  > . 1001:2001(1000) ack 1
      0.100  > . 2001:3001(1000) ack 1
      0.100  > . 3001:4001(1000) ack 1
      0.100  > . 4001:5001(1000) ack 1
      0.100  > . 5001:6001(1000) ack 1
      0.100  > . 6001:7001(1000) ack 1
      0.100  > . 7001:8001(1000) ack 1
      0.100  > . 8001:9001(1000) ack 1
      0.100  > P. 9001:10001(1000) ack 1`;

  it("SACK: retransmits once three segments above a hole are SACKed", async () => {
    const { stats } = await runScript(
      `${sending}
      0.200  < . 1:1(0) ack 1001 win 65535
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 2001:3001>
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 2001:4001>
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 2001:5001>
      0.200  > . 1001:2001(1000) ack 1
      0.300  < . 1:1(0) ack 10001 win 65535
      0.300  write-ok
    `,
      { config: sack },
    );
    expect(stats.fastRecoveries).toBe(1);
    expect(stats.retransmittedSegments).toBe(1);
    expect(stats.timeouts).toBe(0);
  });

  it("SACK: repairs two holes in one round trip without a timeout, sending as the pipe drains", async () => {
    const { stats } = await runScript(
      `${sending}
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 2001:3001>
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 4001:5001 2001:3001>
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 4001:6001 2001:3001>
      0.200  > . 1001:2001(1000) ack 1
      // 3001:4001 is now lost too (3000 bytes SACKed above it), but the pipe is full.
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 4001:7001 2001:3001>
      0.200  < . 1:1(0) ack 1001 win 65535 <sack 4001:8001 2001:3001>
      0.200  > . 3001:4001(1000) ack 1
      0.300  < . 1:1(0) ack 10001 win 65535
    `,
      { config: sack },
    );
    expect(stats.fastRecoveries).toBe(1);
    expect(stats.retransmittedSegments).toBe(2);
    expect(stats.timeouts).toBe(0);
  });

  it("NewReno: three duplicate ACKs retransmit, a partial ACK retransmits the next hole", async () => {
    const { stats } = await runScript(
      `
      0.000  listen 8080
      0.000  < S 0:0(0) win 65535 <mss 1000>
      0.000  > S. 0:0(0) ack 1 <mss 1460>
      0.100  < . 1:1(0) ack 1 win 65535
      0.100  accept
      0.100  write 6000
      0.100  > . 1:1001(1000) ack 1
      0.100  > . 1001:2001(1000) ack 1
      0.100  > . 2001:3001(1000) ack 1
      0.100  > . 3001:4001(1000) ack 1
      0.100  > . 4001:5001(1000) ack 1
      0.100  > P. 5001:6001(1000) ack 1
      0.200  < . 1:1(0) ack 1001 win 65535
      0.200  < . 1:1(0) ack 1001 win 65535
      0.200  < . 1:1(0) ack 1001 win 65535
      0.200  < . 1:1(0) ack 1001 win 65535
      0.200  > . 1001:2001(1000) ack 1
      0.300  < . 1:1(0) ack 3001 win 65535
      0.300  > . 3001:4001(1000) ack 1
      0.400  < . 1:1(0) ack 6001 win 65535
    `,
      { config: plain },
    );
    expect(stats.fastRecoveries).toBe(1);
    expect(stats.retransmittedSegments).toBe(2);
  });

  it("generates SACK blocks for out-of-order data, most recent first", async () => {
    await runScript(
      `
      0.000  listen 8080
      0.000  < S 0:0(0) win 65535 <mss 1000,sackOK>
      0.000  > S. 0:0(0) ack 1 <mss 1460,sackOK>
      0.010  < . 1:1(0) ack 1 win 65535
      0.010  accept
      0.100  < . 1001:2001(1000) ack 1 win 65535
      0.100  > . 1:1(0) ack 1 <sack 1001:2001>
      0.100  < . 3001:4001(1000) ack 1 win 65535
      0.100  > . 1:1(0) ack 1 <sack 3001:4001 1001:2001>
      0.100  < . 1:1001(1000) ack 1 win 65535
      0.100  > . 1:1(0) ack 2001 <sack 3001:4001>
      0.100  < . 2001:3001(1000) ack 1 win 65535
      0.100  > . 1:1(0) ack 4001
      0.100  read 4000
    `,
      { config: sack },
    );
  });

  it("PAWS drops a segment with an older timestamp and acknowledges", async () => {
    await runScript(`
      0.000  listen 8080
      0.000  < S 0:0(0) win 65535 <mss 1460,TS val 100 ecr 0>
      0.000  > S. 0:0(0) ack 1 <mss 1460,TS val * ecr 100>
      0.010  < . 1:1(0) ack 1 win 65535 <TS val 110 ecr *>
      0.010  accept
      0.020  < P. 1:101(100) ack 1 win 65535 <TS val 200 ecr *>
      0.060  > . 1:1(0) ack 101 <TS val * ecr 200>
      0.100  < P. 101:201(100) ack 1 win 65535 <TS val 150 ecr *>
      0.100  > . 1:1(0) ack 101 <TS val * ecr 200>
      0.100  stats pawsDropped 1
      0.100  read 100
    `);
  });
});

describe("ICMP errors (RFC 1122 §4.2.3.9, RFC 5927, RFC 1191)", () => {
  it("port unreachable about the SYN refuses the connection at once; one quoting SND.NXT is ignored", async () => {
    const { stats } = await runScript(
      `
      0      connect 80
      +0     > S 0:0(0) <mss 1460>
      +0.010 < icmp port_unreachable 1
      +0     stats icmpErrors 1 icmpIgnored 1
      +0     connect-pending
      +0.010 < icmp port_unreachable 0
      +0     connect-error refused
      +0     stats connections 0 timers 0 icmpIgnored 1
    `,
      { config: plain },
    );
    expect(stats.retransmittedSegments).toBe(0);
  });

  it("a soft error about the SYN turns its timeout into a msg error", async () => {
    await runScript(
      `
      0      connect 80
      +0     > S 0:0(0) <mss 1460>
      +0.010 < icmp host_unreachable 0
      +0.990 > S 0:0(0)
      +2     connect-error msg
      +0     stats connections 0 timedOut 1
    `,
      { config: { ...plain, synRetries: 1 } },
    );
  });

  it("fragmentation needed resends what is in flight at once at the new size, and never raises it", async () => {
    const { stats } = await runScript(
      `${established}
      +0     write 3000
      +0     > . 1:1461(1460) ack 1
      +0     > . 1461:2921(1460) ack 1
      +0     > P. 2921:3001(80) ack 1
      // MTU 1000: 960-byte segments, all of them sent again now.
      +0.005 < icmp fragmentation_needed 1 mtu 1000
      +0     > . 1:961(960) ack 1
      +0     > . 961:1921(960) ack 1
      +0     > . 1921:2881(960) ack 1
      +0     > P. 2881:3001(120) ack 1
      +0     < icmp fragmentation_needed 961 mtu 1400
      +0     < icmp fragmentation_needed 3001 mtu 500
      +0     stats pmtuReductions 1 icmpErrors 3 icmpIgnored 2
      +0.010 < . 1:1(0) ack 3001 win 65535
      +0     write 1000
      +0     > . 3001:3961(960) ack 1
      +0     > P. 3961:4001(40) ack 1
    `,
      { config: plain },
    );
    expect(stats.timeouts).toBe(0);
    expect(stats.fastRecoveries).toBe(0);
  });
});

describe("the script runner itself", () => {
  const open = `
    0      listen 8080
    +0     < S 0:0(0) win 1000
  `;

  it("fails on a wrong field, a wrong time, an unexpected segment and a missing one", async () => {
    await expect(runScript(`${open} +0 > S. 0:0(0) ack 2`, { config: plain })).rejects.toThrow(/ack 1 instead of 2/);
    await expect(runScript(`${open} +0 > S 0:0(0)`, { config: plain })).rejects.toThrow(/flags S\. instead of S/);
    await expect(runScript(`${open} +0.001 > S. 0:0(0) ack 1`, { config: plain })).rejects.toThrow(
      /sent at 0 ms instead of 1 ms/,
    );
    await expect(runScript(`${open} +0.5 stats connections 1`, { config: plain })).rejects.toThrow(
      /unexpected segment/,
    );
    await expect(runScript(`${open} +0 > S. 0:0(0) ack 1\n +0 > . 1:1(0) ack 1`, { config: plain })).rejects.toThrow(
      /the SUT sent nothing/,
    );
    await expect(runScript(`${open} +0 > S. 0:0(0) ack 1 <mss 1000>`, { config: plain })).rejects.toThrow(
      /mss 1460 instead of 1000/,
    );
  });

  it("reports syntax errors with their line", async () => {
    await expect(runScript("0 frobnicate")).rejects.toThrow(/script line 1 .*unknown statement/);
    await expect(runScript("listen 80")).rejects.toThrow(/expected "<time> <statement>"/);
    await expect(runScript("0 < S 0:5(0) win 1")).rejects.toThrow(/is not 0 bytes long/);
  });
});
