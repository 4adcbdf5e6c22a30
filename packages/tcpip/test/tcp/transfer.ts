/**
 * A bulk transfer between the two layers of a pair: A connects to B and writes `bytes` of seeded
 * random data, B reads to end-of-file; both sides hash what they handled with SHA-256.
 */

import { createHash } from "node:crypto";
import type { Ipv4Addr, TcpFlow } from "@mirage-ts/mirage-types";
import { SeededRandom } from "@mirage-ts/tcpip";
import { drive, runUntil } from "./drive.js";
import type { Pair } from "./pair.js";

export interface TransferResult {
  readonly sentHash: string;
  readonly receivedHash: string;
  readonly receivedBytes: number;
  /** Virtual time from connect to the last byte read, in ms. */
  readonly virtualMs: number;
  /** Host time the whole run took, in ms. */
  readonly wallMs: number;
}

/** Seeded random bytes (the same seed gives the same data). */
export function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  new SeededRandom(seed).generateInto(out);
  return out;
}

/** What a transfer needs: a clock and two layers, whatever carries their segments. */
export type Endpoints = Pick<Pair, "clock" | "a" | "b" | "addrB">;

export async function transfer(
  pair: Endpoints,
  data: Uint8Array,
  options: { chunk?: number; port?: number } = {},
): Promise<TransferResult> {
  const { clock, a, b, addrB } = pair;
  const chunk = options.chunk ?? 65_536;
  const port = options.port ?? 5001;
  const wallStart = performance.now();
  const start = clock.now();
  const received = createHash("sha256");
  let receivedBytes = 0;
  let end = -1;
  let failure: string | undefined;
  b.listen(port, async (flow) => {
    for (;;) {
      const r = await flow.read();
      if (!r.ok) {
        failure = `reader got ${r.error.kind}`;
        break;
      }
      if (r.value.kind === "eof") break;
      received.update(r.value.data);
      receivedBytes += r.value.data.length;
    }
    end = clock.now();
    await flow.close();
  });
  const opened = await drive(clock, a.createConnection(addrB, port));
  if (!opened.ok) throw new Error(`connect failed: ${opened.error.kind}`);
  const flow: TcpFlow<Ipv4Addr> = opened.value;
  const writer = (async () => {
    for (let off = 0; off < data.length; off += chunk) {
      const w = await flow.write(data.subarray(off, Math.min(off + chunk, data.length)));
      if (!w.ok) throw new Error(`write failed: ${w.error.kind}`);
    }
    await flow.close();
  })();
  let writerError: unknown;
  writer.catch((e: unknown) => {
    writerError = e;
  });
  await runUntil(clock, () => end >= 0 || writerError !== undefined || failure !== undefined);
  if (writerError !== undefined) throw writerError;
  if (failure !== undefined) throw new Error(failure);
  return {
    sentHash: createHash("sha256").update(data).digest("hex"),
    receivedHash: received.digest("hex"),
    receivedBytes,
    virtualMs: end - start,
    wallMs: performance.now() - wallStart,
  };
}
