import type { HttpService } from "@mirage-ts/http";
import { logSource } from "@mirage-ts/mirage-runtime";
import { Key, type KvRo, type Stack, ppKvError } from "@mirage-ts/mirage-types";

const log = logSource("https", "The static website over HTTPS");

const CHUNK = 64 * 1024;

/** The file of the store at `path`, streamed from the store as the client takes it. */
async function file(kv: KvRo, pathname: string): Promise<Response> {
  const segments = pathname.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) return new Response("Not Found\n", { status: 404 });
  if (pathname.endsWith("/")) segments.push("index.html");
  const key = Key.v(segments.join("/"));
  const size = await kv.size(key);
  if (!size.ok) return new Response("Not Found\n", { status: 404 });
  let at = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (at >= size.value) return controller.close();
        const chunk = await kv.getPartial(key, at, Math.min(CHUNK, size.value - at));
        if (!chunk.ok) return controller.error(new Error(ppKvError(chunk.error)));
        at += chunk.value.length;
        controller.enqueue(chunk.value);
      },
    },
    { highWaterMark: 0 },
  );
  const type = key.toString().endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream";
  return new Response(body, { headers: { "Content-Type": type, "Content-Length": String(size.value) } });
}

export const Https = {
  async start(stack: Stack, data: KvRo, site: HttpService): Promise<void> {
    // With --tls (the default here) the service serves HTTPS and its plain port redirects to it, as
    // mirage-skeleton's static_website_tls; with --tls=false it serves the same handler over plain HTTP.
    site.serve(async (request, connection) => {
      const url = new URL(request.url);
      const response = await file(data, url.pathname);
      log.info(
        `${connection.remote.address} ${connection.protocol} ${request.method} ${url.pathname} ${response.status}`,
      );
      return response;
    });
    // Said once both ports are bound: a port in use stops the unikernel before any "serving" line.
    await site.listening?.();
    if (site.tls) log.info(`serving HTTPS on port ${site.port}, redirecting from port ${site.redirectPort}`);
    else log.info(`serving HTTP on port ${site.port}`);
    await stack.listen();
  },
};
