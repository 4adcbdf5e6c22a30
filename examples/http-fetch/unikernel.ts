import { createHash } from "node:crypto";
import type { HttpClient } from "@mirage-ts/http";
import { StartupError, info, intConv, logSource, opt, registerArg, stringConv } from "@mirage-ts/mirage-runtime";
import type { Stack } from "@mirage-ts/mirage-types";

const log = logSource("http-fetch", "Fetches a URL through the stack");

const uri = registerArg(opt(stringConv, "http://10.0.0.1/", info(["uri"], { docv: "URL", doc: "The URL to fetch." })));
const timeout = registerArg(
  opt(
    intConv,
    10_000,
    info(["timeout"], {
      docv: "MS",
      doc: "Milliseconds to wait for the connection and the response's head; past them the fetch fails.",
    }),
  ),
);

/** One line saying why `url` could not be fetched: no answer in time, or the connection's failure. */
function failure(url: string, ms: number, error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `${url}: no answer within ${ms} ms; is the host up and reachable? (--timeout=MS waits longer)`;
  // fetch's "fetch failed" carries the reason (refused, unreachable, a TLS failure) as its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return `${url}: ${cause instanceof Error ? cause.message : String(cause)}`;
}

export const Fetch = {
  async start(_stack: Stack, client: HttpClient): Promise<void> {
    // The deadline covers the connection and the head only: a large body may take longer to stream.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException("no answer", "TimeoutError")), timeout());
    let response: Response;
    try {
      response = await client.fetch(uri(), { signal: deadline.signal });
    } catch (error) {
      await client.disconnect();
      throw new StartupError(failure(uri(), timeout(), error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
    // The body is hashed as it streams in, never held whole.
    const hash = createHash("sha256");
    let length = 0;
    for await (const chunk of response.body ?? []) {
      hash.update(chunk);
      length += chunk.length;
    }
    log.info(`${uri()}: ${response.status} ${response.statusText}, ${length} bytes, sha256 ${hash.digest("hex")}`);
    await client.disconnect();
  },
};
