// Shared by the tests: SHA-256 of bytes, and an echo client written against the Stack signature.
import { createHash } from "node:crypto";
import { type Ipaddr, type TcpFlow, ppTcpError } from "@mirage-ts/mirage-types";

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Writes `data` in pieces, half-closes, and reads everything echoed back until end of stream. */
export async function echoRoundTrip(flow: TcpFlow<Ipaddr>, data: Uint8Array, piece = 20_000): Promise<Uint8Array> {
  const received: Uint8Array[] = [];
  const reading = (async () => {
    for (;;) {
      const r = await flow.read();
      if (!r.ok) throw new Error(ppTcpError(r.error));
      if (r.value.kind === "eof") return;
      received.push(r.value.data);
    }
  })();
  for (let at = 0; at < data.length; at += piece) {
    const w = await flow.write(data.subarray(at, at + piece));
    if (!w.ok) throw new Error(`write failed at ${at}`);
  }
  await flow.shutdown("write");
  await reading;
  await flow.close();
  return Buffer.concat(received);
}
