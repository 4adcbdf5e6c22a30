// The TSval a cookie SYN-ACK carries: it brings the peer's options back and is never later than the clock,
// since the peer drops any segment whose TSval is older than the last it saw (PAWS): a cookie TSval past
// the clock made Linux drop the first response of every cookie connection until its retransmission.
import { SeededRandom } from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SynCookies } from "../src/tcp/internal/syn-cookies.js";

const cookies = new SynCookies(new SeededRandom(1));
const clock = fc.integer({ min: 0, max: 0xffff_ffff });
const shift = fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined });

describe("SYN cookie timestamps", () => {
  it("are never later than the clock they are sent at, and within one block of it", () => {
    fc.assert(
      fc.property(clock, shift, fc.boolean(), (now, windowScale, sackPermitted) => {
        const behind = (now - cookies.timestamp(now, windowScale, sackPermitted)) >>> 0;
        expect(behind).toBeLessThan(64);
      }),
    );
  });

  it("give back the window shift and SACK while the cookie lives, and nothing once it is too old", () => {
    fc.assert(
      fc.property(clock, shift, fc.boolean(), fc.integer({ min: 0, max: 60_000 }), (now, ws, sack, later) => {
        const ts = cookies.timestamp(now, ws, sack);
        expect(cookies.options(ts, (now + later) >>> 0)).toEqual({ windowScale: ws, sackPermitted: sack });
        expect(cookies.options(ts, (now + 200_000) >>> 0)).toBeUndefined();
      }),
    );
  });
});
