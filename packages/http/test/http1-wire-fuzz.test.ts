// Wire input never makes the HTTP/1.1 server throw: any bytes, in any split, give responses or a
// close; a chunked body decodes the same however its bytes are split into packets.
import { connectHttp1Server } from "@mirage-ts/http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkedDecoder } from "../src/h1/chunked-decoder.js";
import { FakeFlow, ManualTimers, latin1Bytes } from "./support/fake-flow.js";

/** Decodes `packets` as one chunked body; the body's bytes as text, or "bad". */
function decode(packets: readonly Uint8Array[]): string {
  const decoder = new ChunkedDecoder(1024);
  let pending = new Uint8Array(0);
  let out = "";
  for (const packet of packets) {
    const joined = new Uint8Array(pending.length + packet.length);
    joined.set(pending);
    joined.set(packet, pending.length);
    pending = joined;
    for (;;) {
      const step = decoder.step(pending);
      if (step.kind === "bad") return "bad";
      pending = pending.subarray(step.consumed);
      if (step.kind === "end") return out;
      if (step.kind === "more" || (step.kind === "data" && step.consumed === 0)) break;
      out += String.fromCharCode(...step.data);
    }
  }
  return "unfinished";
}

/** `bytes` cut at `cuts` (positions, any order). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(at, p));
    at = p;
  }
  return parts;
}

const chunk = fc.string({ minLength: 1, maxLength: 40 }).map((s) => `${s.length.toString(16)}\r\n${s}\r\n`);

describe("the HTTP/1.1 wire decoders", () => {
  it("decode a chunked body the same however it is split", () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (chunks, cuts) => {
        const body = latin1Bytes(`${chunks.join("")}0\r\nT: v\r\n\r\n`);
        expect(decode(split(body, cuts))).toBe(decode([body]));
        expect(decode([body])).not.toBe("bad");
      }),
    );
  });

  it("never throw on arbitrary bytes: the server answers or closes", async () => {
    const prefix = fc.constantFrom(
      "",
      "GET / HTTP/1.1\r\nHost: a\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    await fc.assert(
      fc.asyncProperty(
        prefix,
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (p, tail, cuts) => {
          const server = connectHttp1Server({} as never, { timers: new ManualTimers(), log: () => {} });
          const flow = new FakeFlow();
          const done = server.serve(flow, async (request) => new Response(await request.text()));
          const bytes = new Uint8Array([...latin1Bytes(p), ...tail]);
          for (const part of split(bytes, cuts)) flow.push(part);
          flow.end();
          await done;
          expect(flow.closed).toBe(true);
          expect(server.stats().openConnections).toBe(0);
          const text = flow.text();
          if (text !== "") expect(text).toMatch(/^HTTP\/1\.1 \d{3} /);
        },
      ),
      { numRuns: 300 },
    );
  });
});
