import { createHash } from "node:crypto";
import type { HttpClient } from "@mirage-ts/http";
import { info, logSource, opt, registerArg, stringConv } from "@mirage-ts/mirage-runtime";
import type { Stack } from "@mirage-ts/mirage-types";

const log = logSource("http-fetch", "Fetches a URL through the stack");

const uri = registerArg(opt(stringConv, "http://10.0.0.1/", info(["uri"], { docv: "URL", doc: "The URL to fetch." })));

export const Fetch = {
  async start(_stack: Stack, client: HttpClient): Promise<void> {
    const response = await client.fetch(uri());
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
