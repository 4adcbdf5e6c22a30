import type { HttpServer } from "@mirage-ts/http";
import { info, intConv, logSource, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import { Key, type KvRo, type Stack, ppKvError } from "@mirage-ts/mirage-types";

const log = logSource("https", "The static website over HTTPS");

const portArg = (name: string, port: number, what: string) =>
  registerArg(opt(intConv, port, info([name], { docs: sections.network, docv: "PORT", doc: what })));
const httpPort = portArg("http-port", 80, "The TCP port of plain HTTP, which redirects to HTTPS.");
const httpsPort = portArg("https-port", 443, "The TCP port of HTTPS (HTTP/2 and HTTP/1.1 by ALPN).");

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
  async start(stack: Stack, data: KvRo, http: HttpServer, https: HttpServer): Promise<void> {
    // Port 80 sends every request to the same path over HTTPS, as mirage-skeleton's static_website_tls.
    http.listen(httpPort(), (request) => {
      const url = new URL(request.url);
      const port = httpsPort() === 443 ? "" : `:${httpsPort()}`;
      return Response.redirect(`https://${url.hostname}${port}${url.pathname}${url.search}`, 301);
    });
    https.listen(httpsPort(), async (request, connection) => {
      const url = new URL(request.url);
      const response = await file(data, url.pathname);
      log.info(
        `${connection.remote.address} ${connection.protocol} ${request.method} ${url.pathname} ${response.status}`,
      );
      return response;
    });
    log.info(`serving HTTPS on port ${httpsPort()}, redirecting from port ${httpPort()}`);
    await stack.listen();
  },
};
