// The routes both HTTP servers' tests serve: a request body read as it streams in, and a response body
// made as the client reads it (neither buffered whole).
import { createHash } from "node:crypto";

/** The size and SHA-256 of the request's body, as JSON. */
export async function echoDigest(request: Request): Promise<Response> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of request.body ?? []) {
    hash.update(chunk);
    size += chunk.length;
  }
  return Response.json({ size, sha256: hash.digest("hex") });
}

/** `total` bytes in chunks of at most 64 KiB, each filled with its offset modulo 251. */
export function streamedBytes(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = new Uint8Array(Math.min(65536, total - sent)).fill(sent % 251);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}
